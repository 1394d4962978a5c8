package ai.avloc.acoustics.audio;

import ai.avloc.schemas.WindowClock;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Windowed spectrum of one 1024-sample frame: Tukey(0.75), real FFT, Nyquist bin dropped, leaving
 * the 512 bins (12 Hz apart at 12288 Hz) that the mono MFCC and the beamformer share.
 *
 * <p>The FFT runs in double precision: the empty high bands of a tonal window sit ~10 orders of
 * magnitude below its peak, where float rounding would move their logs.
 *
 * <p>Not thread safe: holds its FFT plan and scratch buffer; use one per thread.
 */
public final class FrameSpectrum {
  private final int length;
  private final double[] window;
  private final DoubleFFT_1D fft;
  private final double[] scratch;

  public FrameSpectrum() {
    this(WindowClock.SAMPLES_PER_WINDOW, MfccSpec.TUKEY_ALPHA);
  }

  public FrameSpectrum(int length, double tukeyAlpha) {
    if (length % 2 != 0) {
      throw new IllegalArgumentException("frame length must be even, got " + length);
    }
    this.length = length;
    this.window = TukeyWindow.symmetric(length, tukeyAlpha);
    this.fft = new DoubleFFT_1D(length);
    this.scratch = new double[length];
  }

  public int length() {
    return length;
  }

  public int bins() {
    return length / 2;
  }

  /** Power |X(k)|^2 of bins 0..length/2-1 of {@code samples[offset .. offset+length)}. */
  public void power(float[] samples, int offset, float[] power) {
    transform(samples, offset);
    power[0] = (float) (scratch[0] * scratch[0]);
    for (int k = 1; k < length / 2; k++) {
      double re = scratch[2 * k];
      double im = scratch[2 * k + 1];
      power[k] = (float) (re * re + im * im);
    }
  }

  /**
   * Complex spectrum of bins 0..length/2-1, interleaved (re, im), written at {@code out[outOffset +
   * 2k]} with a stride of {@code stride} floats between consecutive bins.
   */
  public void complex(float[] samples, int offset, float[] out, int outOffset, int stride) {
    transform(samples, offset);
    out[outOffset] = (float) scratch[0];
    out[outOffset + 1] = 0f;
    for (int k = 1; k < length / 2; k++) {
      out[outOffset + k * stride] = (float) scratch[2 * k];
      out[outOffset + k * stride + 1] = (float) scratch[2 * k + 1];
    }
  }

  private void transform(float[] samples, int offset) {
    if (offset < 0 || offset + length > samples.length) {
      throw new IllegalArgumentException(
          "frame ["
              + offset
              + ", "
              + (offset + length)
              + ") outside "
              + samples.length
              + " samples");
    }
    for (int i = 0; i < length; i++) {
      scratch[i] = samples[offset + i] * window[i];
    }
    // JTransforms packs a[0] = Re X0, a[1] = Re X(n/2), then (re, im) pairs; X(n/2) is dropped.
    fft.realForward(scratch);
  }
}
