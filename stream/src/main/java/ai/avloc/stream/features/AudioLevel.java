package ai.avloc.stream.features;

import ai.avloc.acoustics.audio.MfccSpec;

/** Loudness of a window: its RMS in dB relative to PCM16 full scale (dBFS). */
public final class AudioLevel {
  /** Quieter than this is silence: 16-bit dither sits near -100 dBFS, room tone near -60. */
  public static final double DEFAULT_SILENCE_DBFS = -70;

  private AudioLevel() {}

  /** RMS level in dB relative to full scale; -inf for digital silence. */
  public static double dbfs(float[] samples) {
    double sum = 0;
    for (float s : samples) {
      double v = s / MfccSpec.PCM16_SCALE;
      sum += v * v;
    }
    return 10 * Math.log10(sum / samples.length);
  }
}
