package ai.avloc.acoustics.audio;

import ai.avloc.schemas.WindowClock;

/**
 * Audio as one float row per channel, samples in [-1, 1] full scale (or pascals for simulated
 * pressure), at {@code sampleRate} Hz. Every row has the same length.
 */
public record MultichannelAudio(float[][] channels, double sampleRate) {
  public MultichannelAudio {
    if (channels.length == 0) {
      throw new IllegalArgumentException("audio has no channels");
    }
    if (!(sampleRate > 0) || !Double.isFinite(sampleRate)) {
      throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }
    int length = channels[0].length;
    for (int c = 1; c < channels.length; c++) {
      if (channels[c].length != length) {
        throw new IllegalArgumentException(
            "channel "
                + c
                + " holds "
                + channels[c].length
                + " samples, channel 0 holds "
                + length);
      }
    }
  }

  public int channelCount() {
    return channels.length;
  }

  public int frames() {
    return channels[0].length;
  }

  public double seconds() {
    return frames() / sampleRate;
  }

  public float[] channel(int c) {
    return channels[c];
  }

  /**
   * Every channel resampled to 12288 Hz and scaled to PCM16 units: the input of the MFCC chain and
   * of the acoustic images.
   */
  public float[][] modelRateChannels() {
    float[][] out = new float[channels.length][];
    for (int c = 0; c < out.length; c++) {
      float[] resampled = Resampler.resample(channels[c], sampleRate, WindowClock.SAMPLE_RATE);
      for (int i = 0; i < resampled.length; i++) {
        resampled[i] *= MfccSpec.PCM16_SCALE;
      }
      out[c] = resampled;
    }
    return out;
  }
}
