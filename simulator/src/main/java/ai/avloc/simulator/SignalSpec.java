package ai.avloc.simulator;

import static ai.avloc.simulator.SceneJson.error;
import static ai.avloc.simulator.SceneJson.fmt;
import static ai.avloc.simulator.SceneJson.number;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.nio.file.Path;
import java.util.Random;

/**
 * A scene file's {@code signal} object as written, one record per {@code type}; {@link
 * #toSignal(Context)} checks its values against the scene and makes the {@link SourceSignal}.
 * Absent fields are null until then, where the defaults of {@code docs/scene-format.md} apply.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SignalSpec.Tone.class, name = "tone"),
  @JsonSubTypes.Type(value = SignalSpec.Harmonic.class, name = "harmonic"),
  @JsonSubTypes.Type(value = SignalSpec.Noise.class, name = "noise"),
  @JsonSubTypes.Type(value = SignalSpec.Am.class, name = "am"),
  @JsonSubTypes.Type(value = SignalSpec.Chirp.class, name = "chirp"),
  @JsonSubTypes.Type(value = SignalSpec.Wav.class, name = "wav"),
  @JsonSubTypes.Type(value = SignalSpec.Signature.class, name = "signature")
})
sealed interface SignalSpec {

  /** The type names, for the message about an unknown one. */
  String TYPES = "tone, harmonic, noise, am, chirp, wav, signature";

  /**
   * What a signal needs from its scene.
   *
   * @param seed the seed of this signal's randomness (noise samples, harmonic phases)
   * @param sampleRate the scene's sample rate in Hz; every frequency must lie below its Nyquist
   * @param duration the scene's duration in seconds (noise grids are made at least this long plus a
   *     second before they repeat)
   * @param baseDir the directory relative WAV paths are resolved against; null for the working
   *     directory
   * @param path the JSON path of the signal object, e.g. {@code sources[1].signal}
   */
  record Context(long seed, double sampleRate, double duration, Path baseDir, String path) {
    double nyquist() {
      return sampleRate / 2;
    }

    /** The path of one of the signal's fields. */
    String at(String field) {
      return SceneJson.at(path, field);
    }

    /** A required frequency, above 0 and below Nyquist. */
    double frequency(Double value, String field) {
      double f = number(value, at(field));
      if (!(f > 0)) {
        throw error(at(field), "must be > 0 Hz, got " + fmt(f));
      }
      if (!(f < nyquist())) {
        throw error(at(field), "must be below Nyquist " + fmt(nyquist()) + " Hz, got " + fmt(f));
      }
      return f;
    }

    /** A required amplitude in Pa, at least 0. */
    double amplitude(Double value) {
      double a = number(value, at("amplitude"));
      if (a < 0) {
        throw error(at("amplitude"), "must be >= 0 Pa, got " + fmt(a));
      }
      return a;
    }

    /** An optional number in [0, 1]. */
    double fraction(Double value, String field, double fallback) {
      double v = number(value, at(field), fallback);
      if (v < 0 || v > 1) {
        throw error(at(field), "must be in [0, 1], got " + fmt(v));
      }
      return v;
    }
  }

  /**
   * The signal this spec describes in {@code scene}.
   *
   * @throws IllegalArgumentException naming the JSON path of an invalid or missing field
   */
  SourceSignal toSignal(Context scene);

  /** {@code type: "tone"}. */
  record Tone(Double frequency, Double amplitude, Double phase) implements SignalSpec {
    @Override
    public SourceSignal toSignal(Context scene) {
      double f = scene.frequency(frequency, "frequency");
      double a = scene.amplitude(amplitude);
      return new SourceSignal.Tone(f, a, number(phase, scene.at("phase"), 0));
    }
  }

  /** {@code type: "harmonic"}. */
  record Harmonic(
      Double f0,
      @JsonDeserialize(using = SceneJson.WholeNumber.class) Long harmonics,
      Double amplitude,
      Double rolloff)
      implements SignalSpec {
    @Override
    public SourceSignal toSignal(Context scene) {
      double f = scene.frequency(f0, "f0");
      long count = harmonics == null ? 1 : harmonics;
      if (count < 1 || count > 1000) {
        throw error(scene.at("harmonics"), "must be 1..1000, got " + count);
      }
      double nyquist = scene.nyquist();
      if (f * count >= nyquist) {
        throw error(
            scene.at("harmonics"),
            "harmonic "
                + count
                + " at "
                + fmt(f * count)
                + " Hz must be below Nyquist "
                + fmt(nyquist)
                + " Hz; use at most "
                + (long) Math.ceil(nyquist / f - 1)
                + " harmonics");
      }
      double a = scene.amplitude(amplitude);
      double r = scene.fraction(rolloff, "rolloff", SourceSignal.Harmonic.DEFAULT_ROLLOFF);
      return SourceSignal.Harmonic.withRandomPhases(f, (int) count, a, r, scene.seed());
    }
  }

  /** {@code type: "noise"}. */
  record Noise(Double low, Double high, Double amplitude) implements SignalSpec {
    @Override
    public SourceSignal toSignal(Context scene) {
      double lo = number(low, scene.at("low"));
      double hi = number(high, scene.at("high"));
      if (lo < 0) {
        throw error(scene.at("low"), "must be >= 0 Hz, got " + fmt(lo));
      }
      if (!(hi > lo)) {
        throw error(scene.at("high"), "must be above low (" + fmt(lo) + " Hz), got " + fmt(hi));
      }
      if (!(hi < scene.nyquist())) {
        throw error(
            scene.at("high"),
            "must be below Nyquist " + fmt(scene.nyquist()) + " Hz, got " + fmt(hi));
      }
      double rms = scene.amplitude(amplitude);
      try {
        return SourceSignal.BandNoise.generate(lo, hi, rms, scene.duration(), scene.seed());
      } catch (IllegalArgumentException e) {
        throw error(scene.path(), e.getMessage());
      }
    }
  }

  /** {@code type: "am"}. */
  record Am(Double carrier, Double modulation, Double depth, Double amplitude)
      implements SignalSpec {
    @Override
    public SourceSignal toSignal(Context scene) {
      double c = scene.frequency(carrier, "carrier");
      double m = number(modulation, scene.at("modulation"));
      if (!(m > 0)) {
        throw error(scene.at("modulation"), "must be > 0 Hz, got " + fmt(m));
      }
      if (!(m < c)) {
        throw error(
            scene.at("modulation"), "must be below the carrier (" + fmt(c) + " Hz), got " + fmt(m));
      }
      if (!(c + m < scene.nyquist())) {
        throw error(
            scene.at("carrier"),
            "carrier + modulation = "
                + fmt(c + m)
                + " Hz must be below Nyquist "
                + fmt(scene.nyquist())
                + " Hz");
      }
      double d = scene.fraction(depth, "depth", 1.0);
      return new SourceSignal.AmTone(c, m, d, scene.amplitude(amplitude));
    }
  }

  /** {@code type: "chirp"}. */
  record Chirp(Double from, Double to, Double period, Double amplitude) implements SignalSpec {
    @Override
    public SourceSignal toSignal(Context scene) {
      double f = scene.frequency(from, "from");
      double t = scene.frequency(to, "to");
      double p = number(period, scene.at("period"));
      if (!(p > 0)) {
        throw error(scene.at("period"), "must be > 0 s, got " + fmt(p));
      }
      return new SourceSignal.Chirp(f, t, p, scene.amplitude(amplitude));
    }
  }

  /** {@code type: "wav"}. */
  record Wav(String path, Double gain) implements SignalSpec {
    @Override
    public SourceSignal toSignal(Context scene) {
      String file = SceneJson.text(path, scene.at("path"));
      double g = number(gain, scene.at("gain"), 1.0);
      if (g < 0) {
        throw error(scene.at("gain"), "must be >= 0, got " + fmt(g));
      }
      Path resolved = scene.baseDir() == null ? Path.of(file) : scene.baseDir().resolve(file);
      try {
        return SourceSignal.Wav.read(resolved, g, scene.sampleRate());
      } catch (IllegalArgumentException e) {
        throw error(scene.at("path"), e.getMessage());
      }
    }
  }

  /**
   * {@code type: "signature"}: a class's sound as the synthetic dataset makes it, so the U-VAE
   * hears what it learnt.
   */
  record Signature(@JsonProperty("class") String label, Double amplitude) implements SignalSpec {
    @Override
    public SourceSignal toSignal(Context scene) {
      String name = SceneJson.text(label, scene.at("class"));
      double rms = scene.amplitude(amplitude);
      if (SoundSignature.HIGH_HZ >= scene.nyquist()) {
        throw error(
            scene.path(),
            "signatures reach "
                + fmt(SoundSignature.HIGH_HZ)
                + " Hz, above this scene's Nyquist "
                + fmt(scene.nyquist())
                + " Hz; use a sample rate of at least 12288 Hz");
      }
      try {
        return SoundSignature.of(name, new Random(scene.seed()))
            .signal(scene.duration(), rms, scene.seed());
      } catch (IllegalArgumentException e) {
        throw error(scene.at("class"), e.getMessage());
      }
    }
  }
}
