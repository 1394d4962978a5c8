package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;

/**
 * A window that is still collecting: its 1024 samples, which of them arrived, and the best frame so
 * far. A plain mutable POJO (public fields, no-argument constructor) so Flink keeps it in MapState
 * with its own serializer.
 */
public final class OpenWindow {
  /** The 1024 samples, allocated with the first audio (a frame alone opens a window too). */
  public float[] samples;

  /** One bit per sample: 16 longs for 1024 samples. */
  public long[] received = SampleMask.empty();

  public FrameRef frame;

  /** Latest ingest time of anything that went into this window, ms since the epoch. */
  public long ingestMillis;

  public OpenWindow() {}

  /** Copies {@code count} samples to {@code offset} (a sample sent twice keeps its last value). */
  public void addSamples(int offset, float[] source, int sourceOffset, int count) {
    if (samples == null) {
      samples = new float[WindowClock.SAMPLES_PER_WINDOW];
    }
    System.arraycopy(source, sourceOffset, samples, offset, count);
    SampleMask.mark(received, offset, count);
  }

  /** Keeps the frame shown nearest the centre of {@code window}. */
  public void offerFrame(FrameRef candidate, long window) {
    double centre = (WindowClock.startMicros(window) + WindowClock.endMicros(window)) / 2.0;
    if (frame == null
        || Math.abs(candidate.timestampMicros() - centre)
            < Math.abs(frame.timestampMicros() - centre)) {
      frame = candidate;
    }
  }

  /** The window's 1024 samples, zeros where none arrived. */
  public float[] samples() {
    return samples != null ? samples : new float[WindowClock.SAMPLES_PER_WINDOW];
  }

  public double coverage() {
    return SampleMask.coverage(received);
  }
}
