package ai.avloc.acoustics.audio;

import ai.avloc.schemas.WindowClock;

/**
 * The paper's single-microphone MFCC: one 12-vector per 1024-sample window at 12288 Hz
 * (uvae-reference.md §1.2). Not thread safe (one FFT plan per instance).
 */
public final class Mfcc {
  private final FrameSpectrum spectrum = new FrameSpectrum();
  private final MelFilterbank bank = MelFilterbank.paper();
  private final float[] power = new float[MfccSpec.BINS];
  private final double[] mel = new double[MfccSpec.MEL_BANDS];

  /**
   * Liftered c1..c12 of {@code samples[offset .. offset+1024)}, not normalized.
   *
   * @param samples mono audio at 12288 Hz in PCM16 scale
   */
  public void raw(float[] samples, int offset, float[] out, int outOffset) {
    spectrum.power(samples, offset, power);
    bank.apply(power, 0, mel);
    MelCepstrum.melPowerToMfcc(mel, out, outOffset);
  }

  /** The model input: c1..c12 min-max normalized to [0, 1]. */
  public float[] normalized(float[] samples, int offset) {
    float[] out = new float[MfccSpec.COEFFICIENTS];
    raw(samples, offset, out, 0);
    MelCepstrum.minMaxNormalize(out, 0, out.length);
    return out;
  }

  /**
   * Normalized MFCC of every whole window of a signal; a trailing partial window is dropped, as the
   * reference cuts whole 1024-sample chunks.
   *
   * @return windows x 12 values, row-major
   */
  public float[] normalizedWindows(float[] samples) {
    int windows = samples.length / WindowClock.SAMPLES_PER_WINDOW;
    float[] out = new float[windows * MfccSpec.COEFFICIENTS];
    for (int w = 0; w < windows; w++) {
      raw(samples, w * WindowClock.SAMPLES_PER_WINDOW, out, w * MfccSpec.COEFFICIENTS);
      MelCepstrum.minMaxNormalize(out, w * MfccSpec.COEFFICIENTS, MfccSpec.COEFFICIENTS);
    }
    return out;
  }
}
