package ai.avloc.cli.replay;

import java.time.Duration;
import java.time.Instant;

/**
 * One end of a replay's range as given on the command line: an instant, or a time after the start
 * of the recordings an export replay reads ({@code +30s}), which only the recordings can resolve.
 *
 * @param instant the bound, or null when it is relative
 * @param sinceStart how long after the recordings' start the bound lies, or null when absolute
 */
public record RangeBound(Instant instant, Duration sinceStart) {
  public RangeBound {
    if ((instant == null) == (sinceStart == null)) {
      throw new IllegalArgumentException("a range bound is an instant or a time after the start");
    }
  }

  public static RangeBound at(Instant instant) {
    return new RangeBound(instant, null);
  }

  public static RangeBound after(Duration sinceStart) {
    return new RangeBound(null, sinceStart);
  }

  public boolean relative() {
    return sinceStart != null;
  }

  /** The instant, a relative bound counted from {@code start}. */
  public Instant resolve(Instant start) {
    return relative() ? start.plus(sinceStart) : instant;
  }

  @Override
  public String toString() {
    return relative() ? "+" + sinceStart.toMillis() / 1000.0 + "s" : instant.toString();
  }
}
