package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bookkeeping the mono and array aligners share around a camera's open windows and its {@link
 * CameraClock}: which windows the clock has passed, when the next idleness check is due, and when a
 * quiet camera is forgotten. Pure: the operators keep their own state and timers.
 */
public final class WindowKeeping {
  private WindowKeeping() {}

  /**
   * After an event at {@code now}: the processing time of the idleness check to ask for (the
   * idleness check, or at the latest the check whether to forget the stream, {@code
   * retentionMillis} on), recorded on the clock; {@link CameraClock#NONE} when one due no later is
   * already asked for.
   */
  public static long checkAfterEvent(
      CameraClock clock, long now, long idlenessMillis, long retentionMillis) {
    long next = Math.min(clock.nextIdleCheck(now, idlenessMillis), now + retentionMillis);
    if (clock.checkAt != CameraClock.NONE && next >= clock.checkAt) {
      return CameraClock.NONE;
    }
    clock.checkAt = next;
    return next;
  }

  /**
   * At an idleness check at {@code now}, once the windows the clock has passed are closed: {@link
   * CameraClock#NONE} when the camera is to be forgotten (no open window, nothing heard for {@code
   * retentionMillis}), else the processing time of the next check, recorded on the clock.
   */
  public static long checkAfterIdleCheck(
      CameraClock clock,
      long now,
      long idlenessMillis,
      long retentionMillis,
      boolean anyWindowOpen) {
    long forgetAt = clock.lastSeenAt() + retentionMillis;
    if (!anyWindowOpen && now >= forgetAt) {
      return CameraClock.NONE;
    }
    long next = Math.min(clock.nextIdleCheck(now, idlenessMillis), Math.max(forgetAt, now + 1));
    clock.checkAt = next;
    return next;
  }

  /** The open windows whose last millisecond {@code watermark} has passed, oldest first. */
  public static List<Long> passed(Iterable<Long> openWindows, long watermark) {
    List<Long> passed = new ArrayList<>();
    for (Long window : openWindows) {
      if (WindowClock.lastMillis(window) <= watermark) {
        passed.add(window);
      }
    }
    Collections.sort(passed);
    return passed;
  }

  /** How many windows are open, counting no further than {@code limit}. */
  public static int countUpTo(Iterable<Long> openWindows, int limit) {
    int n = 0;
    for (Long ignored : openWindows) {
      if (++n >= limit) {
        break;
      }
    }
    return n;
  }

  /** The oldest of a stream's open windows, or null when none is open. */
  public static Long oldest(Iterable<Long> openWindows) {
    Long oldest = null;
    for (Long window : openWindows) {
      oldest = oldest == null ? window : Math.min(oldest, window);
    }
    return oldest;
  }
}
