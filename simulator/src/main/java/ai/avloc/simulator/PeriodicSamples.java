package ai.avloc.simulator;

/**
 * A periodic, band-limited signal known by its samples on a uniform grid, evaluated at any real
 * time by windowed-sinc interpolation. The samples repeat with period {@code length / rate}, so
 * negative times and times past the end wrap around; this is exact for signals made periodic on
 * purpose (FFT-synthesised noise, looped WAV files after a circular low-pass).
 *
 * <p>Kernel: 64 taps (32 on each side of t) of sin(πu)/(πu) times a Kaiser window with β = 12
 * (about 118 dB side-lobe attenuation). The pass band runs to about 0.44 of the grid's sample rate
 * with ripple near 1e-6, so content well below the grid's Nyquist frequency is reproduced to about
 * 1e-6 of its amplitude. The kernel is tabulated at 2048 points per sample and linearly
 * interpolated (error below 1e-7); a value costs 64 multiply-adds.
 *
 * <p>This is the synthetic dataset's hot loop (one value per microphone, sample and source: about
 * 60 % of {@code synth}'s time), so the table is stored by phase: the 32 taps one fractional
 * position needs, with their slopes, lie next to each other, and the sum runs in four independent
 * accumulators, which lets the CPU overlap the additions a single running sum would serialize.
 */
final class PeriodicSamples {

  static final int HALF_TAPS = 32;
  static final double KAISER_BETA = 12.0;
  private static final int STEPS = 2048;

  /**
   * {@code TAPS[p·2·HALF_TAPS + 2j]} = h((p + j·STEPS) / STEPS) and the next entry its slope to the
   * following table point, for phase p in [0, STEPS) and tap j in [0, HALF_TAPS): 1 MiB, built once
   * per JVM.
   */
  private static final double[] TAPS = phaseMajor(kernelTable());

  private final double[] samples;

  /**
   * {@code padded[k] = samples[(k - HALF_TAPS) mod n]} for k in [0, n + 2·HALF_TAPS): no modulo per
   * tap.
   */
  private final double[] padded;

  private final double rate;

  PeriodicSamples(double[] samples, double rate) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException("grid rate must be positive, got " + rate);
    }
    this.samples = samples.clone();
    this.rate = rate;
    int n = samples.length;
    padded = new double[n + 2 * HALF_TAPS];
    for (int k = 0; k < padded.length; k++) {
      padded[k] = samples[Math.floorMod(k - HALF_TAPS, n)];
    }
  }

  /** The grid's sample rate in Hz. */
  double rate() {
    return rate;
  }

  /** A copy of the samples of one period. */
  double[] samples() {
    return samples.clone();
  }

  /** The period in seconds. */
  double period() {
    return samples.length / rate;
  }

  /** The interpolated value at time t (seconds; sample k of the grid sits at t = k / rate). */
  double valueAt(double t) {
    double x = t * rate;
    double whole = Math.floor(x);
    double frac = x - whole;
    if (frac >= 1) {
      // just below a grid sample (x = -1e-17) x - floor(x) rounds to 1: that is the next sample
      whole += 1;
      frac = 0;
    }
    int base = (int) Math.floorMod((long) whole, (long) samples.length) + HALF_TAPS;
    double fp = frac * STEPS;
    int fi = (int) fp;
    double a = fp - fi;
    double[] s = padded;
    // Samples at or before x sit at distance frac + j from it, j = 0..31 (kernel phase fi) ...
    double[] k = TAPS;
    int row = fi * 2 * HALF_TAPS;
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int j = 0; j < HALF_TAPS; j += 4, row += 8) {
      s0 += s[base - j] * (k[row] + a * k[row + 1]);
      s1 += s[base - j - 1] * (k[row + 2] + a * k[row + 3]);
      s2 += s[base - j - 2] * (k[row + 4] + a * k[row + 5]);
      s3 += s[base - j - 3] * (k[row + 6] + a * k[row + 7]);
    }
    // ... and samples after x at distance j - frac, j = 1..32 (phase STEPS - fi - 1, weight 1 - a).
    double b = 1 - a;
    row = (STEPS - fi - 1) * 2 * HALF_TAPS;
    for (int j = 1; j <= HALF_TAPS; j += 4, row += 8) {
      s0 += s[base + j] * (k[row] + b * k[row + 1]);
      s1 += s[base + j + 1] * (k[row + 2] + b * k[row + 3]);
      s2 += s[base + j + 2] * (k[row + 4] + b * k[row + 5]);
      s3 += s[base + j + 3] * (k[row + 6] + b * k[row + 7]);
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The kernel table reordered by phase, each value followed by its slope (see {@link #TAPS}). */
  private static double[] phaseMajor(double[] kernel) {
    double[] taps = new double[STEPS * 2 * HALF_TAPS];
    for (int p = 0; p < STEPS; p++) {
      for (int j = 0; j < HALF_TAPS; j++) {
        int idx = p + j * STEPS;
        taps[(p * HALF_TAPS + j) * 2] = kernel[idx];
        taps[(p * HALF_TAPS + j) * 2 + 1] = kernel[idx + 1] - kernel[idx];
      }
    }
    return taps;
  }

  /** The kernel h(u) at u = i / STEPS for i = 0..HALF_TAPS·STEPS. */
  private static double[] kernelTable() {
    double[] table = new double[HALF_TAPS * STEPS + 1];
    double norm = besselI0(KAISER_BETA);
    table[0] = 1.0;
    for (int i = 1; i < table.length; i++) {
      double u = (double) i / STEPS;
      double r = u / HALF_TAPS;
      double window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
      double sinc = (i % STEPS == 0) ? 0.0 : Math.sin(Math.PI * u) / (Math.PI * u);
      table[i] = sinc * window;
    }
    return table;
  }

  /**
   * Modified Bessel function of the first kind, order 0, by its power series (converges fast for x
   * ≤ 20).
   */
  static double besselI0(double x) {
    double sum = 1;
    double term = 1;
    double q = x * x / 4;
    for (int k = 1; k < 200; k++) {
      term *= q / ((double) k * k);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum;
  }
}
