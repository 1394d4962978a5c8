package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;

/** Places a run of samples on the global 12288 Hz grid, one call per window it touches. */
public final class AudioPlacement {
  private AudioPlacement() {}

  /**
   * Receives the part of a run that falls in one window; what it throws (an operator's state
   * access) ends the placement and reaches the caller.
   */
  @FunctionalInterface
  public interface Slice<X extends Exception> {
    void accept(long window, int offsetInWindow, int offsetInRun, int count) throws X;
  }

  public static <X extends Exception> void place(
      long timestampMicros, float[] samples, Slice<X> slice) throws X {
    place(timestampMicros, samples.length, slice);
  }

  /** As {@link #place(long, float[], Slice)} for a run of {@code length} samples per channel. */
  public static <X extends Exception> void place(long timestampMicros, int length, Slice<X> slice)
      throws X {
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
