package ai.avloc.simulator;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * What an object class sounds like (the synthetic dataset's classes, by their {@link ObjectShape}):
 * broadband noise over {@value #LOW_HZ}–{@value #HIGH_HZ} Hz with a class-specific spectral shape
 * (a tilt and bands raised by some dB), plus an optional harmonic series whose fundamental may
 * glide (a siren's wail, a bird's chirps, an engine's revs), all under an amplitude envelope
 * (steady, a slow beat, syllables, barks).
 *
 * <p>Why broadband: the paper's energy map is a spectral-shape cue (decisions.md, "Energy map: a
 * shape cue"); it points at a source only when the source's spectrum reaches the top of the mel
 * range, where the beam is narrow. Band-limited or purely tonal sources put its peak elsewhere. So
 * every signature keeps the noise floor over the whole band, and the tonal part is at most about as
 * strong as the noise; bursts never fall below a floor.
 */
public final class SoundSignature {
  /** Noise band, Hz: from above the diffuse background's low edge to just below the mel top. */
  public static final double LOW_HZ = 150;

  public static final double HIGH_HZ = 5800;

  /**
   * Rate of the synthesized period, Hz: twice the model's, so the content ends below a quarter of
   * it, far inside the interpolation kernel's pass band.
   */
  static final double RATE = 24_576;

  /** Seconds of signal before t = 0 (propagation delays look back up to 44 ms at 15 m). */
  static final double LEAD = 0.5;

  private static final int MAX_HARMONICS = 60;

  private final double tilt;
  private final double[][] bumps;
  private final double tonalRatio;
  private final DoubleUnaryOperator fundamental;
  private final double rolloff;
  private final DoubleUnaryOperator envelope;

  /**
   * @param tilt noise power goes as f^tilt (0 white, −1 pink)
   * @param bumps bands {low Hz, high Hz, gain dB} raised over the tilt
   * @param tonalRatio RMS of the harmonic series over the noise's RMS; 0 for none
   * @param fundamental the harmonic series' fundamental in Hz at time t
   * @param rolloff amplitude factor from one harmonic to the next
   * @param envelope amplitude at time t, at most 1
   */
  SoundSignature(
      double tilt,
      double[][] bumps,
      double tonalRatio,
      DoubleUnaryOperator fundamental,
      double rolloff,
      DoubleUnaryOperator envelope) {
    this.tilt = tilt;
    this.bumps = bumps;
    this.tonalRatio = tonalRatio;
    this.fundamental = fundamental;
    this.rolloff = rolloff;
    this.envelope = envelope;
  }

  /**
   * A signature of the class a scene label names ({@code "drone"}, case-insensitive).
   *
   * @throws IllegalArgumentException for a label that names no class, listing the known ones
   */
  public static SoundSignature of(String label, Random r) {
    ObjectShape shape = ObjectShape.forLabel(label);
    if (shape == ObjectShape.DISC) {
      String known =
          Arrays.stream(ObjectShape.values())
              .filter(s -> s != ObjectShape.DISC)
              .map(ObjectShape::label)
              .collect(Collectors.joining(", "));
      throw new IllegalArgumentException(
          "no sound signature for class '" + label + "', known: " + known);
    }
    return of(shape, r);
  }

  /** A signature of the class drawn as {@code shape}, with its parameters drawn from {@code r}. */
  public static SoundSignature of(ObjectShape shape, Random r) {
    double phase = r.nextDouble();
    return switch (shape) {
      case DISC -> throw new IllegalArgumentException("a plain disc has no class to sound like");
      case DRONE -> {
        // rotor blade-pass harmonics over a slightly pink floor, a motor whine, rotor beating
        double f0 = uniform(r, 140, 260);
        double beat = uniform(r, 8, 15);
        yield new SoundSignature(
            uniform(r, -0.8, -0.3),
            new double[][] {{uniform(r, 1800, 2500), uniform(r, 3500, 4500), uniform(r, 3, 6)}},
            uniform(r, 0.7, 1.1),
            t -> f0 * (1 + 0.01 * Math.sin(2 * Math.PI * (0.4 * t + phase))),
            uniform(r, 0.85, 0.92),
            sine(beat, 0.15, phase));
      }
      case CAR -> {
        // low engine harmonics over a dark floor, tyre noise in the mid band, steady
        double f0 = uniform(r, 30, 70);
        yield new SoundSignature(
            uniform(r, -1.2, -0.8),
            new double[][] {{uniform(r, 500, 800), uniform(r, 1200, 1600), uniform(r, 5, 8)}},
            uniform(r, 0.4, 0.8),
            t -> f0 * (1 + 0.03 * Math.sin(2 * Math.PI * (0.2 * t + phase))),
            0.8,
            t -> 1);
      }
      case BIRD -> {
        // rising chirps of 2.5–4 kHz, a bright floor raised at the top, in quick bursts
        double rate = uniform(r, 6, 10);
        double lo = uniform(r, 2300, 2800);
        double hi = uniform(r, 3600, 4300);
        yield new SoundSignature(
            uniform(r, 0.2, 0.6),
            new double[][] {{uniform(r, 2200, 2800), uniform(r, 4800, 5600), uniform(r, 6, 9)}},
            uniform(r, 0.6, 1.0),
            t -> {
              double p = frac(rate * t + phase);
              return lo + (hi - lo) * Math.min(1, p / 0.6);
            },
            0.3,
            bursts(rate, 0.6, 0.35, phase));
      }
      case LOUDSPEAKER -> {
        // flat programme noise with a bass boost and a presence lift, beating like music
        double beat = uniform(r, 1.5, 2.5);
        yield new SoundSignature(
            uniform(r, -0.2, 0.2),
            new double[][] {
              {uniform(r, 70, 100), uniform(r, 250, 350), uniform(r, 6, 9)},
              {uniform(r, 1800, 2200), uniform(r, 3500, 4500), uniform(r, 2, 4)}
            },
            0,
            t -> 0,
            0,
            sine(beat, 0.4, phase));
      }
      case FAN -> {
        // blade-pass hum, a broad hump from the air flow, steady
        double f0 = uniform(r, 25, 60);
        yield new SoundSignature(
            uniform(r, -0.3, 0),
            new double[][] {{uniform(r, 250, 400), uniform(r, 800, 1200), uniform(r, 5, 8)}},
            uniform(r, 0.3, 0.5),
            t -> f0,
            0.75,
            t -> 1);
      }
      case SIREN -> {
        // a wail gliding between two pitches, three harmonics, over a flat floor
        double lo = uniform(r, 600, 800);
        double hi = uniform(r, 1200, 1600);
        double period = uniform(r, 1, 3);
        yield new SoundSignature(
            uniform(r, -0.2, 0.2),
            new double[][] {},
            uniform(r, 0.9, 1.2),
            t -> {
              double p = frac(t / period + phase);
              return lo + (hi - lo) * (1 - Math.abs(2 * p - 1));
            },
            0.6,
            t -> 1);
      }
      case DOG -> {
        // barks: formant-shaped noise and a voiced pitch in bursts over a floor (panting)
        double f0 = uniform(r, 350, 600);
        double rate = uniform(r, 1.5, 3);
        yield new SoundSignature(
            uniform(r, -0.4, -0.1),
            new double[][] {{uniform(r, 450, 600), uniform(r, 1300, 1700), uniform(r, 6, 9)}},
            uniform(r, 0.6, 0.9),
            t -> f0 * (1 - 0.15 * frac(rate * t + phase)),
            0.7,
            bursts(rate, 0.35, 0.3, phase));
      }
      case PERSON -> {
        // speech-like: voiced pitch with intonation, two formant bands, syllable rhythm
        double f0 = uniform(r, 100, 220);
        double syllables = uniform(r, 3.5, 5.5);
        yield new SoundSignature(
            uniform(r, -0.6, -0.3),
            new double[][] {
              {uniform(r, 300, 400), uniform(r, 800, 1000), uniform(r, 5, 8)},
              {uniform(r, 1400, 1800), uniform(r, 2500, 3000), uniform(r, 3, 5)}
            },
            uniform(r, 0.6, 1.0),
            t -> f0 * (1 + 0.12 * Math.sin(2 * Math.PI * (0.7 * t + phase))),
            0.75,
            sine(syllables, 0.6, phase));
      }
      case BOAT -> {
        // outboard motor harmonics, splashing water at the top of the band, slow wave slap
        double f0 = uniform(r, 70, 140);
        double slap = uniform(r, 0.3, 0.8);
        yield new SoundSignature(
            uniform(r, -0.7, -0.4),
            new double[][] {{uniform(r, 2800, 3300), uniform(r, 5000, 5600), uniform(r, 4, 7)}},
            uniform(r, 0.6, 0.9),
            t -> f0,
            0.82,
            sine(slap, 0.3, phase));
      }
      case MOTORBIKE -> {
        // strong low firing harmonics whose pitch rises and falls with the revs, a rasp band
        double f0 = uniform(r, 35, 90);
        yield new SoundSignature(
            uniform(r, -0.6, -0.3),
            new double[][] {{uniform(r, 1300, 1700), uniform(r, 2800, 3300), uniform(r, 4, 6)}},
            uniform(r, 0.9, 1.2),
            t -> f0 * (1 + 0.25 * Math.sin(2 * Math.PI * (0.3 * t + phase))),
            0.85,
            t -> 1);
      }
    };
  }

  /**
   * The signature as a source signal of {@code rms} Pa at 1 m (RMS over its period), defined from
   * {@value #LEAD} s before 0 to at least {@code seconds}, deterministic in {@code seed}.
   */
  public SourceSignal.Sampled signal(double seconds, double rms, long seed) {
    Random random = new Random(seed);
    int n = NoiseSpectra.fftSize((long) Math.ceil((seconds + 2 * LEAD) * RATE));
    double[] noise = noise(n, random);
    double[] tonal = tonalRatio > 0 ? tonal(n, random) : null;
    double[] x = new double[n];
    double energy = 0;
    for (int k = 0; k < n; k++) {
      double t = timeOf(k, n);
      double v = noise[k] + (tonal == null ? 0 : tonalRatio * tonal[k]);
      x[k] = v * envelope.applyAsDouble(t);
      energy += x[k] * x[k];
    }
    double scale = rms / Math.sqrt(energy / n);
    for (int k = 0; k < n; k++) {
      x[k] *= scale;
    }
    return SourceSignal.Sampled.of(x, RATE);
  }

  /**
   * The time of sample k of a period of n: samples from the end of the period hold the {@value
   * #LEAD} s before 0, so the seam where the period wraps lies after the scene's end.
   */
  static double timeOf(int k, int n) {
    int lead = (int) (LEAD * RATE);
    return k < n - lead ? k / RATE : (k - n) / RATE;
  }

  /** Unit-RMS Gaussian noise of the signature's spectral shape, periodic in n. */
  private double[] noise(int n, Random random) {
    double[] a = new double[n];
    double energy = 0;
    for (int k = 1; k < n / 2; k++) {
      double f = k * RATE / n;
      if (f < LOW_HZ || f > HIGH_HZ) {
        continue;
      }
      double db = 0;
      for (double[] bump : bumps) {
        if (f >= bump[0] && f <= bump[1]) {
          db += bump[2];
        }
      }
      double amplitude = Math.sqrt(Math.pow(f / 1000, tilt) * Math.pow(10, db / 10));
      a[2 * k] = amplitude * random.nextGaussian();
      a[2 * k + 1] = amplitude * random.nextGaussian();
      energy += a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1];
    }
    new DoubleFFT_1D(n).realInverse(a, false);
    double scale = 1 / Math.sqrt(2 * energy);
    for (int i = 0; i < n; i++) {
      a[i] *= scale;
    }
    return a;
  }

  /**
   * Unit-RMS harmonic series following the fundamental, integrated from {@value #LEAD} s before 0;
   * each harmonic fades out between 4.5 and 5.6 kHz so that a gliding pitch never carries a
   * harmonic past the band.
   */
  private double[] tonal(int n, Random random) {
    double[] phases = new double[MAX_HARMONICS];
    for (int h = 0; h < MAX_HARMONICS; h++) {
      phases[h] = 2 * Math.PI * random.nextDouble();
    }
    double[] out = new double[n];
    int lead = (int) (LEAD * RATE);
    double cycles = 0;
    double energy = 0;
    for (int j = 0; j < n; j++) {
      int k = Math.floorMod(j - lead, n);
      double t = (j - lead) / RATE;
      double f0 = fundamental.applyAsDouble(t);
      double theta = 2 * Math.PI * frac(cycles);
      double v = 0;
      double amplitude = 1;
      for (int h = 1; h <= MAX_HARMONICS; h++, amplitude *= rolloff) {
        double f = h * f0;
        if (f >= 5600 || amplitude < 1e-4) {
          break;
        }
        double taper = f <= 4500 ? 1 : 0.5 + 0.5 * Math.cos(Math.PI * (f - 4500) / 1100);
        v += amplitude * taper * Math.sin(h * theta + phases[h - 1]);
      }
      out[k] = v;
      energy += v * v;
      cycles += f0 / RATE;
    }
    double scale = energy > 0 ? 1 / Math.sqrt(energy / n) : 0;
    for (int k = 0; k < n; k++) {
      out[k] *= scale;
    }
    return out;
  }

  /** A raised-cosine beat: 1 at its peaks, 1 − depth at its troughs. */
  private static DoubleUnaryOperator sine(double rate, double depth, double phase) {
    return t -> 1 - depth * (0.5 - 0.5 * Math.cos(2 * Math.PI * (rate * t + phase)));
  }

  /** Bursts of a sin² shape lasting {@code duty} of each period over a {@code floor}. */
  private static DoubleUnaryOperator bursts(double rate, double duty, double floor, double phase) {
    return t -> {
      double p = frac(rate * t + phase);
      double s = p < duty ? Math.sin(Math.PI * p / duty) : 0;
      return floor + (1 - floor) * s * s;
    };
  }

  private static double uniform(Random r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  private static double frac(double x) {
    return x - Math.floor(x);
  }
}
