package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;

/** Places a run of samples on the global 12288 Hz grid, one call per window it touches. */
public final class AudioPlacement {
  private AudioPlacement() {}

  /** Receives the part of a run that falls in one window. */
  @FunctionalInterface
  public interface Slice {
    void accept(long window, int offsetInWindow, int offsetInRun, int count);
  }

  public static void place(long timestampMicros, float[] samples, Slice slice) {
    place(timestampMicros, samples.length, slice);
  }

  /** As {@link #place(long, float[], Slice)} for a run of {@code length} samples per channel. */
  public static void place(long timestampMicros, int length, Slice slice) {
    long first = WindowClock.sampleAt(timestampMicros);
    int i = 0;
    while (i < length) {
      long n = first + i;
      long window = Math.floorDiv(n, WindowClock.SAMPLES_PER_WINDOW);
      int offset = (int) Math.floorMod(n, WindowClock.SAMPLES_PER_WINDOW);
      int count = Math.min(length - i, WindowClock.SAMPLES_PER_WINDOW - offset);
      slice.accept(window, offset, i, count);
      i += count;
    }
  }
}
