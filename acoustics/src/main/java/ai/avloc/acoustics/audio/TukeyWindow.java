package ai.avloc.acoustics.audio;

/** Symmetric Tukey (tapered cosine) window, the definition scipy.signal.windows.tukey uses. */
public final class TukeyWindow {
  private TukeyWindow() {}

  /**
   * @param length number of points
   * @param alpha fraction of the window inside the cosine tapers, 0 (rectangle) to 1 (Hann)
   */
  public static double[] symmetric(int length, double alpha) {
    if (length < 2) {
      throw new IllegalArgumentException("Tukey window needs at least 2 points, got " + length);
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("Tukey alpha must be in (0, 1], got " + alpha);
    }
    double[] w = new double[length];
    int last = length - 1;
    int taper = (int) Math.floor(alpha * last / 2.0);
    for (int n = 0; n < length; n++) {
      if (n <= taper) {
        w[n] = 0.5 * (1 + Math.cos(Math.PI * (-1 + 2.0 * n / alpha / last)));
      } else if (n >= last - taper) {
        w[n] = 0.5 * (1 + Math.cos(Math.PI * (-2.0 / alpha + 1 + 2.0 * n / alpha / last)));
      } else {
        w[n] = 1;
      }
    }
    return w;
  }
}
