package ai.avloc.acoustics.energy;

import ai.avloc.acoustics.audio.MelCepstrum;
import ai.avloc.acoustics.audio.MfccSpec;

/**
 * The paper's energy map of an acoustic image (uvae-reference.md §5.1): per pixel, undo the lifter
 * and the scaled DCT without c0 to 24 log-mel bands, then E = 1 / sum_b exp(logmel_b).
 *
 * <p>Because c0 is dropped, the log-mel bands of a pixel always average to zero, so E is largest
 * (1/24) where the image's coefficients are all zero and falls as a pixel's spectral shape grows
 * more pronounced. It is a shape cue, not a level: broadband sources stand out best.
 */
public final class EnergyMap {
  private EnergyMap() {}

  /**
   * @param image pixels x 12 coefficients, row-major (an H x W x 12 volume in C order)
   * @return one energy value per pixel
   */
  public static float[] of(float[] image) {
    int c = MfccSpec.COEFFICIENTS;
    if (image.length % c != 0) {
      throw new IllegalArgumentException(
          "an acoustic image holds 12 coefficients per pixel; "
              + image.length
              + " values is not a multiple of 12");
    }
    int pixels = image.length / c;
    float[] energy = new float[pixels];
    double[] logMel = new double[MfccSpec.MEL_BANDS];
    for (int p = 0; p < pixels; p++) {
      MelCepstrum.mfccToLogMel(image, p * c, logMel);
      double sum = 0;
      for (double v : logMel) {
        sum += Math.exp(v);
      }
      energy[p] = (float) (1 / sum);
    }
    return energy;
  }
}
