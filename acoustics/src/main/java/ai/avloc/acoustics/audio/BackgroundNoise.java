package ai.avloc.acoustics.audio;

import ai.avloc.schemas.WindowClock;

/**
 * The reference's "background noise" input (uvae-reference.md §4.3): each 1024-sample frame
 * low-passed by a Butterworth filter of order 10 with its cutoff at 125 Hz, run forward and
 * backward (zero phase) as {@code scipy.signal.filtfilt} does with its default odd padding, then
 * turned into the model's normalized MFCC.
 *
 * <p>The reference designs the filter as one b/a polynomial pair. At order 10 with the cutoff at 2
 * % of Nyquist the poles crowd around z = 1 and the polynomial coefficients lose most of their
 * digits, so this class designs second-order sections instead: analog Butterworth poles, the
 * bilinear transform with the cutoff pre-warped, conjugate pole pairs grouped into five biquads
 * that each have unit gain at DC (docs/decisions.md).
 *
 * <p>Instances hold an {@link Mfcc} and buffers, so one instance per thread; {@link #lowPass} is a
 * pure function.
 */
public final class BackgroundNoise {
  public static final int ORDER = 10;
  public static final double CUTOFF_HZ = 125;

  /**
   * Samples of odd extension at each end before filtering: scipy's filtfilt default of 3 x
   * max(len(a), len(b)) = 3 x (ORDER + 1).
   */
  public static final int PAD = 3 * (ORDER + 1);

  /** Five biquads {b0, b1, b2, a1, a2} (a0 = 1), each with unit gain at DC. */
  private static final double[][] SECTIONS = design(ORDER, CUTOFF_HZ, WindowClock.SAMPLE_RATE);

  private final Mfcc mfcc = new Mfcc();

  /**
   * Designs a digital Butterworth low-pass of even {@code order} as second-order sections.
   *
   * <p>The analog prototype's poles lie on the left half of the circle of radius Ωc = 2 fs tan(π fc
   * / fs) (the pre-warped cutoff, so the digital response is exactly 1/√2 at fc). The bilinear
   * transform z = (2 fs + s) / (2 fs − s) maps each pole to the unit disc and the zeros at infinity
   * to z = −1. Each conjugate pair gives b = g (1, 2, 1), a = (1, −2 Re p, |p|²), with g chosen so
   * that the section's gain at z = 1 is 1; the analog filter's DC gain is 1 and the transform keeps
   * DC at DC, so the product of the sections is the whole filter without an overall gain term.
   */
  static double[][] design(int order, double cutoffHz, double sampleRate) {
    if (order < 2 || order % 2 != 0) {
      throw new IllegalArgumentException("the section design takes an even order, got " + order);
    }
    double twoFs = 2 * sampleRate;
    double warped = twoFs * Math.tan(Math.PI * cutoffHz / sampleRate);
    double[][] sections = new double[order / 2][];
    for (int k = 0; k < order / 2; k++) {
      // Upper-half-plane analog pole k: angle π/2 + (2k + 1)π/(2n), radius Ωc.
      double angle = Math.PI / 2 + (2 * k + 1) * Math.PI / (2 * order);
      double sr = warped * Math.cos(angle);
      double si = warped * Math.sin(angle);
      // z = (2fs + s) / (2fs - s), complex division.
      double nr = twoFs + sr;
      double dr = twoFs - sr;
      double di = -si;
      double den = dr * dr + di * di;
      double zr = (nr * dr + si * di) / den;
      double zi = (si * dr - nr * di) / den;
      double a1 = -2 * zr;
      double a2 = zr * zr + zi * zi;
      double g = (1 + a1 + a2) / 4;
      sections[k] = new double[] {g, 2 * g, g, a1, a2};
    }
    return sections;
  }

  /** The sections as {b0, b1, b2, a1, a2} rows (a0 = 1), a copy. */
  public static double[][] sections() {
    double[][] out = new double[SECTIONS.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = SECTIONS[i].clone();
    }
    return out;
  }

  /**
   * |H(e^{jω})| of one pass of the filter at {@code hz}, from the sections (the zero-phase filter's
   * gain is its square).
   */
  public static double magnitude(double hz) {
    double w = 2 * Math.PI * hz / WindowClock.SAMPLE_RATE;
    double c1 = Math.cos(w);
    double s1 = Math.sin(w);
    double c2 = Math.cos(2 * w);
    double s2 = Math.sin(2 * w);
    double gain = 1;
    for (double[] s : SECTIONS) {
      // e^{-jω} powers: numerator and denominator as complex numbers.
      double nr = s[0] + s[1] * c1 + s[2] * c2;
      double ni = -s[1] * s1 - s[2] * s2;
      double dr = 1 + s[3] * c1 + s[4] * c2;
      double di = -s[3] * s1 - s[4] * s2;
      gain *= Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
    }
    return gain;
  }

  /**
   * Zero-phase low-pass of {@code samples[offset .. offset+length)}: odd extension by {@link #PAD}
   * samples at both ends, the sections run forward from their steady state for the first extended
   * sample, then backward from the steady state for the last output, the extension cut off ({@code
   * scipy.signal.sosfiltfilt}'s arithmetic, {@code filtfilt}'s default padding). Computed in
   * double, returned as float as the reference casts it.
   *
   * @throws IllegalArgumentException if {@code length} is not more than {@link #PAD}
   */
  public static float[] lowPass(float[] samples, int offset, int length) {
    if (length <= PAD) {
      throw new IllegalArgumentException(
          "the odd padding needs more than " + PAD + " samples, got " + length);
    }
    double[] x = new double[length + 2 * PAD];
    double first = samples[offset];
    double last = samples[offset + length - 1];
    for (int i = 0; i < PAD; i++) {
      // x[-k] = 2 x[0] - x[k] and x[n-1+k] = 2 x[n-1] - x[n-1-k], k = 1..PAD
      x[PAD - 1 - i] = 2 * first - samples[offset + i + 1];
      x[PAD + length + i] = 2 * last - samples[offset + length - 2 - i];
    }
    for (int i = 0; i < length; i++) {
      x[PAD + i] = samples[offset + i];
    }
    cascade(x, false);
    cascade(x, true);
    float[] out = new float[length];
    for (int i = 0; i < length; i++) {
      out[i] = (float) x[PAD + i];
    }
    return out;
  }

  /**
   * Runs the sections over {@code x} in place, backward when {@code reverse}, each one
   * transposed-direct-form II with the state a constant input equal to the first sample would hold
   * (scipy's {@code sosfilt_zi} scaled by that sample; every section passes DC unchanged).
   */
  private static void cascade(double[] x, boolean reverse) {
    int n = x.length;
    for (double[] s : SECTIONS) {
      double b0 = s[0];
      double b1 = s[1];
      double b2 = s[2];
      double a1 = s[3];
      double a2 = s[4];
      double x0 = reverse ? x[n - 1] : x[0];
      // Steady state for input 1 and output 1: z2 = b2 - a2, z1 = b1 - a1 + z2.
      double z2 = (b2 - a2) * x0;
      double z1 = (b1 - a1) * x0 + z2;
      for (int k = 0; k < n; k++) {
        int i = reverse ? n - 1 - k : k;
        double in = x[i];
        double y = b0 * in + z1;
        z1 = b1 * in - a1 * y + z2;
        z2 = b2 * in - a2 * y;
        x[i] = y;
      }
    }
  }

  /** The low-passed frame {@code samples[offset .. offset+1024)}. */
  public static float[] lowPassFrame(float[] samples, int offset) {
    return lowPass(samples, offset, WindowClock.SAMPLES_PER_WINDOW);
  }

  /**
   * The model's MFCC of the low-passed frame: as {@link Mfcc#normalized}, 12 values in [0, 1].
   *
   * @param samples at least 1024 samples at 12288 Hz in PCM16 scale; the first 1024 are used
   */
  public float[] lowPassMfcc(float[] samples) {
    return lowPassMfcc(samples, 0);
  }

  /** As {@link #lowPassMfcc(float[])} for the frame at {@code offset}. */
  public float[] lowPassMfcc(float[] samples, int offset) {
    return mfcc.normalized(lowPassFrame(samples, offset), 0);
  }
}
