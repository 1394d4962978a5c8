package ai.avloc.acoustics.audio;

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
}
