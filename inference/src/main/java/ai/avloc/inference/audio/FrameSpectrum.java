package ai.avloc.inference.audio;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * Windowed spectrum of one 1024-sample frame: Tukey(0.75), real FFT, Nyquist bin dropped, leaving
 * the 512 bins (12 Hz apart at 12288 Hz) that the mono MFCC and the beamformer share.
 *
 * <p>Not thread safe: holds its FFT plan and scratch buffer; use one per thread.
 */
public final class FrameSpectrum {
  private final int length;
  private final float[] window;
  private final FloatFFT_1D fft;
  private final float[] scratch;

  public FrameSpectrum() {
    this(MfccSpec.WINDOW, MfccSpec.TUKEY_ALPHA);
  }

  public FrameSpectrum(int length, double tukeyAlpha) {
    if (length % 2 != 0) {
      throw new IllegalArgumentException("frame length must be even, got " + length);
    }
    this.length = length;
    double[] w = TukeyWindow.symmetric(length, tukeyAlpha);
    this.window = new float[length];
    for (int i = 0; i < length; i++) {
      window[i] = (float) w[i];
    }
    this.fft = new FloatFFT_1D(length);
    this.scratch = new float[length];
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
    power[0] = scratch[0] * scratch[0];
    for (int k = 1; k < length / 2; k++) {
      float re = scratch[2 * k];
      float im = scratch[2 * k + 1];
      power[k] = re * re + im * im;
    }
  }

  /**
   * Complex spectrum of bins 0..length/2-1, interleaved (re, im), written at {@code out[outOffset
   * + 2k]} with a stride of {@code stride} floats between consecutive bins.
   */
  public void complex(float[] samples, int offset, float[] out, int outOffset, int stride) {
    transform(samples, offset);
    out[outOffset] = scratch[0];
    out[outOffset + 1] = 0f;
    for (int k = 1; k < length / 2; k++) {
      out[outOffset + k * stride] = scratch[2 * k];
      out[outOffset + k * stride + 1] = scratch[2 * k + 1];
    }
  }

  private void transform(float[] samples, int offset) {
    if (offset < 0 || offset + length > samples.length) {
      throw new IllegalArgumentException(
          "frame [" + offset + ", " + (offset + length) + ") outside " + samples.length + " samples");
    }
    for (int i = 0; i < length; i++) {
      scratch[i] = samples[offset + i] * window[i];
    }
    // JTransforms packs a[0] = Re X0, a[1] = Re X(n/2), then (re, im) pairs; X(n/2) is dropped.
    fft.realForward(scratch);
  }
}
