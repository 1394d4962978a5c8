package ai.avloc.simulator;

import static ai.avloc.simulator.SceneJson.error;
import static ai.avloc.simulator.SceneJson.fmt;

import ai.avloc.acoustics.array.MicArray;
import ai.avloc.schemas.WindowClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A simulated acoustic scene: sound sources in the camera frame, a microphone array, background
 * noise, and how to sample it. Parsed from the JSON format of {@code docs/scene-format.md}; {@link
 * SceneSimulator#render(Scene)} turns it into multichannel audio.
 *
 * <p>Every parse error is an {@link IllegalArgumentException} whose message starts with the JSON
 * path of the offending value, e.g. {@code sources[1].signal.frequency: must be below Nyquist 6144
 * Hz, got 7000}.
 *
 * @param sampleRate Hz, a whole number in 8000..96000
 * @param duration seconds, in (0, 3600]
 * @param seed the seed of every random part (noise, harmonic phases, diffuse directions)
 * @param speedOfSound m/s
 * @param array the microphone geometry
 * @param sources the sources (may be empty only when there is background noise)
 * @param sensorNoise independent white noise per microphone, or null for none
 * @param diffuseNoise background plane waves from all directions, or null for none
 */
public record Scene(
    double sampleRate,
    double duration,
    long seed,
    double speedOfSound,
    MicArray array,
    List<SoundSource> sources,
    SensorNoise sensorNoise,
    DiffuseNoise diffuseNoise) {

  public static final double DEFAULT_SAMPLE_RATE = WindowClock.SAMPLE_RATE;
  public static final double MIN_SAMPLE_RATE = 8000;
  public static final double MAX_SAMPLE_RATE = 96000;
  public static final double MAX_DURATION = 3600;
  public static final String DEFAULT_ARRAY = "dualcam128";
  public static final int DEFAULT_PLANE_WAVES = 64;
  public static final double DEFAULT_DIFFUSE_LOW = 100;

  /** The diffuse band's default upper edge as a fraction of the sample rate. */
  public static final double DEFAULT_DIFFUSE_HIGH_FRACTION = 0.45;

  /** How loud a noise is: relative to the sources ({@link Snr}) or absolute ({@link Rms}). */
  public sealed interface NoiseLevel permits Snr, Rms {
    /**
     * The noise power in Pa² for a mean source signal power {@code signalPower} (Pa²) at the
     * microphones.
     */
    double power(double signalPower);
  }

  /**
   * Noise {@code db} decibels below the mean source signal power across microphones over the whole
   * scene.
   */
  public record Snr(double db) implements NoiseLevel {
    @Override
    public double power(double signalPower) {
      return signalPower / Math.pow(10, db / 10);
    }
  }

  /** Noise of a fixed RMS in Pa at each microphone, whatever the sources do. */
  public record Rms(double pascals) implements NoiseLevel {
    @Override
    public double power(double signalPower) {
      return pascals * pascals;
    }
  }

  /**
   * Independent white Gaussian noise on every microphone (self-noise of the capsules and
   * preamplifiers).
   */
  public record SensorNoise(NoiseLevel level) {}

  /**
   * A diffuse background: {@code planeWaves} independent Gaussian noises band-limited to [low,
   * high] Hz arriving as plane waves from directions uniform on the sphere, together at {@code
   * level} per microphone.
   */
  public record DiffuseNoise(NoiseLevel level, int planeWaves, double low, double high) {}

  public Scene {
    checkSampleRate(sampleRate);
    checkDuration(duration);
    if (!(speedOfSound >= 100 && speedOfSound <= 5000)) {
      throw error("speedOfSound", "must be in 100..5000 m/s, got " + fmt(speedOfSound));
    }
    if (array == null) {
      throw error("array", "missing");
    }
    sources = List.copyOf(sources);
    if (sources.isEmpty() && sensorNoise == null && diffuseNoise == null) {
      throw error(
          "sources", "give at least one source (or background noise: sensorNoise or diffuseNoise)");
    }
    if (sources.isEmpty()) {
      if (sensorNoise != null && sensorNoise.level() instanceof Snr) {
        throw error(
            "sensorNoise.snrDb", "there are no sources to be relative to; give rms (Pa) instead");
      }
      if (diffuseNoise != null && diffuseNoise.level() instanceof Snr) {
        throw error(
            "diffuseNoise.snrDb", "there are no sources to be relative to; give rms (Pa) instead");
      }
    }
    if (Math.round(duration * sampleRate) < 1) {
      throw error("duration", "shorter than one sample at " + fmt(sampleRate) + " Hz");
    }
  }

  /** The sample rate if it is a whole number of Hz in range. */
  static double checkSampleRate(double sampleRate) {
    if (!(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)
        || sampleRate != Math.rint(sampleRate)) {
      throw error(
          "sampleRate",
          "must be a whole number of Hz in "
              + fmt(MIN_SAMPLE_RATE)
              + ".."
              + fmt(MAX_SAMPLE_RATE)
              + ", got "
              + fmt(sampleRate));
    }
    return sampleRate;
  }

  /** The duration if it is in (0, MAX_DURATION] seconds. */
  static double checkDuration(double duration) {
    if (!(duration > 0 && duration <= MAX_DURATION)) {
      throw error("duration", "must be in (0, " + fmt(MAX_DURATION) + "] s, got " + fmt(duration));
    }
    return duration;
  }

  /** Number of samples per channel: duration × sampleRate, rounded. */
  public int sampleCount() {
    return (int) Math.round(duration * sampleRate);
  }

  /**
   * Parses a scene file; relative paths inside it (array geometry, WAV files) are resolved against
   * the file's directory.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException for malformed JSON or an invalid scene (the message names the
   *     JSON path)
   */
  public static Scene parse(Path file) throws IOException {
    String json = Files.readString(file);
    Path dir = file.toAbsolutePath().getParent();
    try {
      return parse(json, dir);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a scene from JSON text.
   *
   * @param baseDir directory for relative paths in the scene; null for the working directory
   * @throws IllegalArgumentException for malformed JSON or an invalid scene (the message names the
   *     JSON path); unreadable array or WAV files are reported the same way, at their JSON path
   */
  public static Scene parse(String json, Path baseDir) {
    JsonNode root = SceneJson.tree(json);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "scene: the JSON must be an object, got " + SceneJson.describe(root));
    }
    return SceneJson.read(root, "", SceneSpec.class).toScene(baseDir);
  }
}
