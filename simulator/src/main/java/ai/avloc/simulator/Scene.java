package ai.avloc.simulator;

import static ai.avloc.simulator.JsonFields.at;
import static ai.avloc.simulator.JsonFields.error;
import static ai.avloc.simulator.JsonFields.fmt;

import ai.avloc.acoustics.array.Air;
import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.array.MicArrayFiles;
import ai.avloc.schemas.WindowClock;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

  private static final ObjectMapper MAPPER = new ObjectMapper();

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
    if (!(duration > 0 && duration <= MAX_DURATION)) {
      throw error("duration", "must be in (0, " + fmt(MAX_DURATION) + "] s, got " + fmt(duration));
    }
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
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new IllegalArgumentException(
          "malformed JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "scene: the JSON must be an object, got " + JsonFields.describe(root));
    }
    JsonFields.allowOnly(
        root,
        "",
        "description",
        "sampleRate",
        "duration",
        "seed",
        "speedOfSound",
        "array",
        "sensorNoise",
        "diffuseNoise",
        "sources");
    if (JsonFields.has(root, "description") && !root.get("description").isTextual()) {
      throw error("description", "must be a string");
    }
    double sampleRate = JsonFields.number(root, "sampleRate", "", DEFAULT_SAMPLE_RATE);
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
    double duration = JsonFields.number(root, "duration", "");
    if (!(duration > 0 && duration <= MAX_DURATION)) {
      throw error("duration", "must be in (0, " + fmt(MAX_DURATION) + "] s, got " + fmt(duration));
    }
    long seed = JsonFields.integer(root, "seed", "", 0);
    double c = JsonFields.number(root, "speedOfSound", "", Air.SPEED_OF_SOUND);
    MicArray array = parseArray(JsonFields.text(root, "array", "", DEFAULT_ARRAY), baseDir);

    SensorNoise sensor = null;
    if (JsonFields.has(root, "sensorNoise")) {
      JsonNode node = root.get("sensorNoise");
      JsonFields.requireObject(node, "sensorNoise");
      JsonFields.allowOnly(node, "sensorNoise", "snrDb", "rms");
      sensor = new SensorNoise(parseLevel(node, "sensorNoise"));
    }
    DiffuseNoise diffuse = null;
    if (JsonFields.has(root, "diffuseNoise")) {
      diffuse = parseDiffuse(root.get("diffuseNoise"), sampleRate);
    }

    List<SoundSource> sources = new ArrayList<>();
    if (JsonFields.has(root, "sources")) {
      List<JsonNode> nodes = JsonFields.array(root, "sources", "");
      for (int i = 0; i < nodes.size(); i++) {
        sources.add(parseSource(nodes.get(i), i, sampleRate, duration, seed, baseDir));
      }
    } else if (sensor == null && diffuse == null) {
      throw error("sources", "required array is missing");
    }
    return new Scene(sampleRate, duration, seed, c, array, sources, sensor, diffuse);
  }

  private static MicArray parseArray(String spec, Path baseDir) {
    if (BuiltinArrays.names().contains(spec.toLowerCase(Locale.ROOT))) {
      return BuiltinArrays.byName(spec);
    }
    String lower = spec.toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".xml") && !lower.endsWith(".csv")) {
      throw error(
          "array",
          "'"
              + spec
              + "' is neither a built-in array ("
              + String.join(", ", BuiltinArrays.names())
              + ") nor a .xml or .csv geometry file");
    }
    Path file = baseDir == null ? Path.of(spec) : baseDir.resolve(spec);
    try {
      return MicArrayFiles.read(file);
    } catch (IOException e) {
      throw error("array", "cannot read " + file + ": " + e);
    } catch (IllegalArgumentException e) {
      throw error("array", e.getMessage());
    }
  }

  private static NoiseLevel parseLevel(JsonNode node, String path) {
    boolean snr = JsonFields.has(node, "snrDb");
    boolean rms = JsonFields.has(node, "rms");
    if (snr == rms) {
      throw error(path, "give exactly one of snrDb (dB below the sources) or rms (Pa)");
    }
    if (snr) {
      double db = JsonFields.number(node, "snrDb", path);
      if (db < -60 || db > 200) {
        throw error(at(path, "snrDb"), "must be in -60..200 dB, got " + fmt(db));
      }
      return new Snr(db);
    }
    double pascals = JsonFields.number(node, "rms", path);
    if (pascals < 0) {
      throw error(at(path, "rms"), "must be >= 0 Pa, got " + fmt(pascals));
    }
    return new Rms(pascals);
  }

  private static DiffuseNoise parseDiffuse(JsonNode node, double sampleRate) {
    String path = "diffuseNoise";
    JsonFields.requireObject(node, path);
    JsonFields.allowOnly(node, path, "snrDb", "rms", "planeWaves", "low", "high");
    NoiseLevel level = parseLevel(node, path);
    long waves = JsonFields.integer(node, "planeWaves", path, DEFAULT_PLANE_WAVES);
    if (waves < 1 || waves > 4096) {
      throw error(at(path, "planeWaves"), "must be 1..4096, got " + waves);
    }
    double nyquist = sampleRate / 2;
    double low = JsonFields.number(node, "low", path, DEFAULT_DIFFUSE_LOW);
    double high = JsonFields.number(node, "high", path, DEFAULT_DIFFUSE_HIGH_FRACTION * sampleRate);
    if (low < 0) {
      throw error(at(path, "low"), "must be >= 0 Hz, got " + fmt(low));
    }
    if (!(high < nyquist)) {
      throw error(
          at(path, "high"), "must be below Nyquist " + fmt(nyquist) + " Hz, got " + fmt(high));
    }
    if (!(high > low)) {
      throw error(at(path, "high"), "must be above low (" + fmt(low) + " Hz), got " + fmt(high));
    }
    return new DiffuseNoise(level, (int) waves, low, high);
  }

  private static SoundSource parseSource(
      JsonNode node, int index, double sampleRate, double duration, long seed, Path baseDir) {
    String path = at("sources", index);
    JsonFields.requireObject(node, path);
    JsonFields.allowOnly(
        node, path, "name", "class", "signal", "position", "direction", "distance", "path");
    String name = JsonFields.text(node, "name", path, "source" + index);
    String label = JsonFields.text(node, "class", path, "unknown");
    if (!JsonFields.has(node, "signal")) {
      throw error(at(path, "signal"), "required object is missing");
    }
    SourceSignal signal =
        SourceSignal.fromJson(
            node.get("signal"),
            Seeds.derive(seed, Seeds.SOURCE_SIGNAL, index),
            sampleRate,
            duration,
            baseDir,
            at(path, "signal"));
    return new SoundSource(name, label, signal, parseTrajectory(node, path));
  }

  private static Trajectory parseTrajectory(JsonNode node, String path) {
    boolean position = JsonFields.has(node, "position");
    boolean direction = JsonFields.has(node, "direction");
    boolean distance = JsonFields.has(node, "distance");
    boolean keyframes = JsonFields.has(node, "path");
    List<String> given = new ArrayList<>();
    if (position) {
      given.add("position");
    }
    if (direction || distance) {
      given.add("direction+distance");
    }
    if (keyframes) {
      given.add("path");
    }
    if (given.isEmpty()) {
      throw error(path, "give position, direction+distance or path");
    }
    if (given.size() > 1) {
      throw error(
          path,
          "give only one of position, direction+distance or path, got "
              + String.join(" and ", given));
    }
    if (position) {
      double[] p = JsonFields.numbers(node.get("position"), at(path, "position"), 3);
      if (p[0] == 0 && p[1] == 0 && p[2] == 0) {
        throw error(at(path, "position"), "must not be the origin (the array centre)");
      }
      return new Trajectory.Fixed(p);
    }
    if (direction) {
      if (!distance) {
        throw error(at(path, "distance"), "required with direction (metres from the array centre)");
      }
      JsonNode d = node.get("direction");
      String dPath = at(path, "direction");
      JsonFields.requireObject(d, dPath);
      JsonFields.allowOnly(d, dPath, "azimuth", "elevation");
      double az = azimuth(d, dPath);
      double el = elevation(d, dPath);
      double r = distance(node, path);
      return Trajectory.Fixed.ofDirection(az, el, r);
    }
    if (distance) {
      throw error(
          at(path, "direction"), "required with distance ({\"azimuth\": deg, \"elevation\": deg})");
    }
    List<JsonNode> frames = JsonFields.array(node, "path", path);
    if (frames.isEmpty()) {
      throw error(at(path, "path"), "needs at least one keyframe");
    }
    double[] times = new double[frames.size()];
    double[][] values = new double[frames.size()][];
    Boolean spherical = null;
    for (int i = 0; i < frames.size(); i++) {
      JsonNode f = frames.get(i);
      String fPath = at(at(path, "path"), i);
      JsonFields.requireObject(f, fPath);
      JsonFields.allowOnly(f, fPath, "t", "azimuth", "elevation", "distance", "x", "y", "z");
      boolean sph =
          JsonFields.has(f, "azimuth")
              || JsonFields.has(f, "elevation")
              || JsonFields.has(f, "distance");
      boolean cart = JsonFields.has(f, "x") || JsonFields.has(f, "y") || JsonFields.has(f, "z");
      if (sph == cart) {
        throw error(fPath, "give either azimuth, elevation, distance or x, y, z");
      }
      if (spherical != null && spherical != sph) {
        throw error(
            fPath,
            "all keyframes of a path must use the same form ("
                + (spherical ? "azimuth, elevation, distance" : "x, y, z")
                + " like keyframe 0)");
      }
      spherical = sph;
      times[i] = JsonFields.number(f, "t", fPath);
      if (i > 0 && !(times[i] > times[i - 1])) {
        throw error(
            at(fPath, "t"),
            "keyframe times must increase, got " + fmt(times[i]) + " after " + fmt(times[i - 1]));
      }
      if (sph) {
        values[i] = new double[] {azimuth(f, fPath), elevation(f, fPath), distance(f, fPath)};
      } else {
        values[i] =
            new double[] {
              JsonFields.number(f, "x", fPath),
              JsonFields.number(f, "y", fPath),
              JsonFields.number(f, "z", fPath)
            };
        if (values[i][0] == 0 && values[i][1] == 0 && values[i][2] == 0) {
          throw error(fPath, "must not be the origin (the array centre)");
        }
      }
    }
    return new Trajectory.Keyframes(times, values, spherical);
  }

  private static double azimuth(JsonNode node, String path) {
    double az = JsonFields.number(node, "azimuth", path);
    if (az < -180 || az > 180) {
      throw error(at(path, "azimuth"), "must be in -180..180 degrees, got " + fmt(az));
    }
    return az;
  }

  private static double elevation(JsonNode node, String path) {
    double el = JsonFields.number(node, "elevation", path);
    if (el < -90 || el > 90) {
      throw error(at(path, "elevation"), "must be in -90..90 degrees, got " + fmt(el));
    }
    return el;
  }

  private static double distance(JsonNode node, String path) {
    double r = JsonFields.number(node, "distance", path);
    if (!(r > 0)) {
      throw error(at(path, "distance"), "must be > 0 m, got " + fmt(r));
    }
    return r;
  }
}
