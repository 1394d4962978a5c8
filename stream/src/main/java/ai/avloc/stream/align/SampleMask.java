package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;

/** Which of a window's 1024 sample positions arrived: one bit each, 16 longs. */
final class SampleMask {
  private SampleMask() {}

  static long[] empty() {
    return new long[WindowClock.SAMPLES_PER_WINDOW / 64];
  }

  static void mark(long[] mask, int offset, int count) {
    for (int i = offset; i < offset + count; i++) {
      mask[i >>> 6] |= 1L << (i & 63);
    }
  }

  /** Fraction of the window's positions marked. */
  static double coverage(long[] mask) {
    int count = 0;
    for (long bits : mask) {
      count += Long.bitCount(bits);
    }
    return count / (double) WindowClock.SAMPLES_PER_WINDOW;
  }
}
