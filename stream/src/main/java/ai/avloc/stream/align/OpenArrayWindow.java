package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;

/**
 * An array window still collecting, as a POJO for Flink's MapState: all channels' samples and which
 * sample positions arrived (chunks carry every channel at once, so one mask serves all).
 */
public final class OpenArrayWindow {
  public String geometryId;
  public int channels;
  public float[] samples;
  public long[] received = SampleMask.empty();
  public long ingestMillis;

  public OpenArrayWindow() {}

  public OpenArrayWindow(String geometryId, int channels) {
    this.geometryId = geometryId;
    this.channels = channels;
    this.samples = new float[channels * WindowClock.SAMPLES_PER_WINDOW];
  }

  /**
   * Copies {@code count} samples of every channel from a channel-major chunk of {@code perChannel}
   * samples per channel.
   */
  public void addSamples(int offset, float[] chunk, int perChannel, int from, int count) {
    int n = WindowClock.SAMPLES_PER_WINDOW;
    for (int c = 0; c < channels; c++) {
      System.arraycopy(chunk, c * perChannel + from, samples, c * n + offset, count);
    }
    SampleMask.mark(received, offset, count);
  }

  public double coverage() {
    return SampleMask.coverage(received);
  }
}
