package ai.avloc.simulator;

import java.util.Random;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Band-limited Gaussian noise made periodic by construction: independent Gaussian real and
 * imaginary parts on the FFT bins inside the band, zero elsewhere (DC and Nyquist included), and an
 * inverse real FFT. The result is stationary, exactly band-limited and exactly periodic, so it can
 * be looped and sinc-interpolated without seams.
 *
 * <p>Spectra are in JTransforms' packed real layout ({@code a[2k] = Re X_k}, {@code a[2k+1] = Im
 * X_k} for 0 < k < n/2); lengths are always even, and {@code DoubleFFT_1D.realInverse(a, false)}
 * turns a spectrum into {@code x_t = Σ_k X_k e^{+2πikt/n}}, whose mean power is 2·Σ|X_k|² over the
 * bins used.
 */
final class NoiseSpectra {

  private NoiseSpectra() {}

  /** The smallest even number ≥ {@code min} with no prime factor above 5 (fast for JTransforms). */
  static int fftSize(long min) {
    if (min > Integer.MAX_VALUE - 2) {
      throw new IllegalArgumentException("FFT length " + min + " is too large");
    }
    for (int n = (int) Math.max(2, min); ; n++) {
      if ((n & 1) == 0 && isSmooth(n)) {
        return n;
      }
    }
  }

  /** The largest even 5-smooth number ≤ {@code max} (max ≥ 2). */
  static int fftSizeAtMost(int max) {
    for (int n = max; n >= 2; n--) {
      if ((n & 1) == 0 && isSmooth(n)) {
        return n;
      }
    }
    return 2;
  }

  private static boolean isSmooth(int n) {
    for (int p : new int[] {2, 3, 5}) {
      while (n % p == 0) {
        n /= p;
      }
    }
    return n == 1;
  }

  /** First FFT bin at or above {@code low} Hz, never DC. */
  static int firstBin(int n, double rate, double low) {
    return (int) Math.max(1, Math.ceil(low * n / rate));
  }

  /** Last FFT bin at or below {@code high} Hz, never the Nyquist bin. */
  static int lastBin(int n, double rate, double high) {
    return (int) Math.min(n / 2 - 1, Math.floor(high * n / rate));
  }

  /**
   * A random spectrum of length n (even) with Gaussian bins in [low, high] Hz, scaled so the time
   * signal has mean power exactly 1.
   *
   * @throws IllegalArgumentException if no bin falls inside the band
   */
  static double[] unitPowerSpectrum(int n, double rate, double low, double high, Random random) {
    int k0 = firstBin(n, rate, low);
    int k1 = lastBin(n, rate, high);
    if (k1 < k0) {
      throw new IllegalArgumentException(
          "band "
              + SceneJson.fmt(low)
              + ".."
              + SceneJson.fmt(high)
              + " Hz holds no frequency bin at a resolution of "
              + (rate / n)
              + " Hz; widen it");
    }
    double[] a = new double[n];
    double energy = 0;
    for (int k = k0; k <= k1; k++) {
      double re = random.nextGaussian();
      double im = random.nextGaussian();
      a[2 * k] = re;
      a[2 * k + 1] = im;
      energy += re * re + im * im;
    }
    double scale = 1 / Math.sqrt(2 * energy);
    for (int i = 2 * k0; i <= 2 * k1 + 1; i++) {
      a[i] *= scale;
    }
    return a;
  }

  /** One period of unit-power band-limited noise as time samples (length n, even). */
  static double[] unitPowerNoise(int n, double rate, double low, double high, Random random) {
    double[] a = unitPowerSpectrum(n, rate, low, high, random);
    new DoubleFFT_1D(n).realInverse(a, false);
    return a;
  }
}
