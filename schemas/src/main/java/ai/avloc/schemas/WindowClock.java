package ai.avloc.schemas;

/**
 * The 1/12 s window arithmetic of ARCHITECTURE.md "Time and windows", in microseconds. A window is
 * not a whole number of milliseconds, so bounds are kept in microseconds and rounded only where a
 * millisecond API (Flink timers) needs it.
 */
public final class WindowClock {
  public static final int WINDOWS_PER_SECOND = 12;
  public static final int SAMPLE_RATE = 12_288;
  public static final int SAMPLES_PER_WINDOW = SAMPLE_RATE / WINDOWS_PER_SECOND;
  private static final long MICROS_PER_SECOND = 1_000_000L;

  private WindowClock() {}

  /** w = floor(t * 12 / 1e6): the window holding instant {@code micros}. */
  public static long windowOf(long micros) {
    return Math.floorDiv(micros * WINDOWS_PER_SECOND, MICROS_PER_SECOND);
  }

  /** The first whole microsecond inside window w (its start, w / 12 s, rounded up). */
  public static long startMicros(long window) {
    return -Math.floorDiv(-window * MICROS_PER_SECOND, WINDOWS_PER_SECOND);
  }

  /** The first whole microsecond after window w. */
  public static long endMicros(long window) {
    return startMicros(window + 1);
  }

  /** The last millisecond that still lies in window w: an event-time timer there closes it. */
  public static long lastMillis(long window) {
    return Math.floorDiv(endMicros(window) - 1, 1000);
  }

  /**
   * Index of the 12288 Hz sample nearest instant {@code micros} on the global sample grid (sample n
   * at n / 12288 s since the epoch), so sample n belongs to window floor(n / 1024). Split into
   * seconds and remainder: micros x 12288 would overflow a long for present-day timestamps.
   */
  public static long sampleAt(long micros) {
    long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
    long rest = Math.floorMod(micros, MICROS_PER_SECOND);
    return seconds * SAMPLE_RATE
        + Math.floorDiv(rest * SAMPLE_RATE + MICROS_PER_SECOND / 2, MICROS_PER_SECOND);
  }

  /** The instant of global sample n, rounded to the nearest microsecond. */
  public static long microsOfSample(long sample) {
    long seconds = Math.floorDiv(sample, SAMPLE_RATE);
    long rest = Math.floorMod(sample, SAMPLE_RATE);
    return seconds * MICROS_PER_SECOND
        + Math.floorDiv(rest * MICROS_PER_SECOND + SAMPLE_RATE / 2, SAMPLE_RATE);
  }
}
