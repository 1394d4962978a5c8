package ai.avloc.acoustics.audio;

/**
 * The reference's triangular mel filterbank (uvae-reference.md §1.2 step 3): 24 unnormalized
 * triangles over 0–6400 Hz on 512 power bins, edges at {@code floor(f * 1022 / 12800)}.
 *
 * <p>Stored sparsely: each band keeps its first bin and its weights, so applying the bank costs
 * about two multiply-adds per bin instead of 24.
 */
public final class MelFilterbank {
  private static final MelFilterbank PAPER =
      new MelFilterbank(
          MfccSpec.BINS,
          MfccSpec.MEL_BANDS,
          MfccSpec.MEL_LOW_HZ,
          MfccSpec.MEL_HIGH_HZ,
          MfccSpec.BANK_SAMPLE_RATE);

  private final int bins;
  private final int[] edges;
  private final int[] first;
  private final double[][] weights;

  MelFilterbank(int bins, int bands, double lowHz, double highHz, double bankSampleRate) {
    this.bins = bins;
    this.edges = edgeBins(bins, bands, lowHz, highHz, bankSampleRate);
    this.first = new int[bands];
    this.weights = new double[bands][];
    for (int band = 0; band < bands; band++) {
      int lo = edges[band];
      int mid = edges[band + 1];
      int hi = edges[band + 2];
      double[] w = new double[hi - lo + 1];
      // rising edge: linspace(0, 1) over lo..mid inclusive
      for (int b = lo; b <= mid; b++) {
        w[b - lo] = mid == lo ? 1 : (double) (b - lo) / (mid - lo);
      }
      // falling edge: linspace(1, 0) over mid..hi inclusive (it rewrites the shared peak with 1)
      for (int b = mid; b <= hi; b++) {
        w[b - lo] = hi == mid ? 1 : 1 - (double) (b - mid) / (hi - mid);
      }
      first[band] = lo;
      weights[band] = w;
    }
  }

  /** The bank the paper used. */
  public static MelFilterbank paper() {
    return PAPER;
  }

  static int[] edgeBins(int bins, int bands, double lowHz, double highHz, double bankSampleRate) {
    double melLow = hzToMel(lowHz);
    double melHigh = hzToMel(highHz);
    int[] p = new int[bands + 2];
    for (int i = 0; i < p.length; i++) {
      double mel = melLow + (melHigh - melLow) * i / (p.length - 1);
      p[i] = (int) Math.floor(melToHz(mel) / bankSampleRate * (bins - 1) * 2);
    }
    return p;
  }

  public static double hzToMel(double hz) {
    return 1127 * Math.log(1 + hz / 700);
  }

  public static double melToHz(double mel) {
    return 700 * (Math.exp(mel / 1127) - 1);
  }

  /** The 26 edge bins: band b rises from edge b to edge b+1 and falls to edge b+2. */
  public int[] edgeBins() {
    return edges.clone();
  }

  public int bands() {
    return weights.length;
  }

  public int bins() {
    return bins;
  }

  /** Weight of power bin {@code bin} in mel band {@code band}. */
  public double weight(int band, int bin) {
    int k = bin - first[band];
    return k < 0 || k >= weights[band].length ? 0 : weights[band][k];
  }

  /**
   * mel[band] = sum over bins of power[offset + bin] * weight.
   *
   * @param power 512 power bins starting at {@code offset} (stride 1)
   */
  public void apply(float[] power, int offset, double[] mel) {
    for (int band = 0; band < weights.length; band++) {
      double[] w = weights[band];
      int start = offset + first[band];
      double sum = 0;
      for (int k = 0; k < w.length; k++) {
        sum += w[k] * power[start + k];
      }
      mel[band] = sum;
    }
  }
}
