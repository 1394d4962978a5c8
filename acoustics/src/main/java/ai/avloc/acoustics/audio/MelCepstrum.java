package ai.avloc.acoustics.audio;

/**
 * The cepstral half of the reference's MFCC and its inverse: log-mel bands to liftered c1..c12
 * (orthonormal DCT-II with c0 dropped, lifter 22), and back from c1..c12 to log-mel bands the way
 * the energy map undoes it (uvae-reference.md §1.2 steps 4–6 and §5.1 steps 1–3).
 */
public final class MelCepstrum {
  private static final int BANDS = MfccSpec.MEL_BANDS;
  private static final int COEFFS = MfccSpec.COEFFICIENTS;

  /** basis[m-1][b] = sqrt(2/24) * cos(m * pi / 24 * (b + 0.5)), m = 1..12. */
  private static final double[][] BASIS = new double[COEFFS][BANDS];

  private static final double[] LIFTER = new double[COEFFS];

  static {
    double scale = Math.sqrt(2.0 / BANDS);
    for (int m = 1; m <= COEFFS; m++) {
      for (int b = 0; b < BANDS; b++) {
        BASIS[m - 1][b] = scale * Math.cos(m * Math.PI / BANDS * (b + 0.5));
      }
      LIFTER[m - 1] = 1 + (MfccSpec.LIFTER / 2.0) * Math.sin(Math.PI * m / MfccSpec.LIFTER);
    }
  }

  /** Ranges below this are rounding noise: real windows span tens of units. */
  private static final float CONSTANT_RANGE = 1e-6f;

  private MelCepstrum() {}

  /** Lifter weights for c1..c12: 1 + 11 sin(pi m / 22). */
  public static double[] lifter() {
    return LIFTER.clone();
  }

  /**
   * The linear map from c1..c12 to 24 log-mel bands that {@link #mfccToLogMel} applies, as a 12 x
   * 24 matrix (lifter undone, scaled DCT-III without c0), for graphs that compute the energy map.
   */
  public static double[][] logMelBasis() {
    double[][] basis = new double[COEFFS][BANDS];
    for (int m = 0; m < COEFFS; m++) {
      for (int b = 0; b < BANDS; b++) {
        basis[m][b] = BASIS[m][b] / LIFTER[m];
      }
    }
    return basis;
  }

  /**
   * Floors, logs, transforms and lifters 24 mel powers into 12 coefficients; NaN and inf become 0.
   *
   * @param melPower 24 mel band powers (overwritten with their floored logs)
   * @param out receives the 12 coefficients at {@code outOffset}
   */
  public static void melPowerToMfcc(double[] melPower, float[] out, int outOffset) {
    for (int b = 0; b < BANDS; b++) {
      melPower[b] = Math.log(Math.max(melPower[b], MfccSpec.MEL_FLOOR));
    }
    for (int m = 0; m < COEFFS; m++) {
      double[] basis = BASIS[m];
      double c = 0;
      for (int b = 0; b < BANDS; b++) {
        c += basis[b] * melPower[b];
      }
      c *= LIFTER[m];
      out[outOffset + m] = Double.isFinite(c) ? (float) c : 0f;
    }
  }

  /**
   * Undoes the lifter and the scaled DCT (without c0), as the energy map does: log-mel band b =
   * sum_m c_m / lifter_m * sqrt(2/24) * cos(m pi / 24 (b + 0.5)).
   *
   * @param coeffs 12 coefficients at {@code offset}
   * @param logMel receives 24 log-mel values
   */
  public static void mfccToLogMel(float[] coeffs, int offset, double[] logMel) {
    double[] unliftered = new double[COEFFS];
    for (int m = 0; m < COEFFS; m++) {
      unliftered[m] = coeffs[offset + m] / LIFTER[m];
    }
    for (int b = 0; b < BANDS; b++) {
      double sum = 0;
      for (int m = 0; m < COEFFS; m++) {
        sum += unliftered[m] * BASIS[m][b];
      }
      logMel[b] = sum;
    }
  }

  /**
   * Per-vector min-max normalization to [0, 1] in place, the reference's {@code _normalize_mfcc}
   * and acoustic-image rescaling. A constant vector (silence) becomes all zeros rather than NaN; so
   * does a range of rounding noise only (silence floors every band to the same log value, whose DCT
   * is zero up to ~1e-15, which normalization would otherwise blow up to [0, 1]).
   */
  public static void minMaxNormalize(float[] values, int offset, int length) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = offset; i < offset + length; i++) {
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    float range = max - min;
    for (int i = offset; i < offset + length; i++) {
      values[i] = range > CONSTANT_RANGE ? (values[i] - min) / range : 0f;
    }
  }
}
