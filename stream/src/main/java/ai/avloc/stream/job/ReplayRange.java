package ai.avloc.stream.job;

import ai.avloc.schemas.WindowClock;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a replay re-analyses: the windows of some streams whose start lies in [{@code from}, {@code
 * to}), read again from the camera topics and published to their own topics.
 *
 * <p>Three ranges follow from it. The events kept start {@link #LEAD_IN} before {@code from} and
 * end one window after {@code to}, so the first window in range has the stale frame and the
 * confirmation history it had live, and the last one is whole; the windows published are only those
 * in range. The records read are found by their Kafka timestamps, {@code arrivalSlack} wider on
 * both sides: on topics stamped with the broker's clock a record's timestamp is when it arrived,
 * after its event time, and records of several cameras in one partition are not in strict order.
 *
 * @param from the first instant whose window is published
 * @param to the end of the range (exclusive): a window starting at or after it is not published
 * @param streams the stream ids replayed
 * @param runId names the replay's topics and its Kafka group
 * @param rate how many seconds of event time pass per second of wall time; 0 reads as fast as it
 *     can
 * @param arrivalSlack how much later than its event time a record's Kafka timestamp may be
 */
public record ReplayRange(
    Instant from,
    Instant to,
    List<String> streams,
    String runId,
    double rate,
    Duration arrivalSlack)
    implements Serializable {

  /**
   * Events read before {@code from}: the longest confirmation rule (32 windows) plus the staleness
   * a window's frame may have (500 ms), rounded up.
   */
  public static final Duration LEAD_IN = Duration.ofSeconds(4);

  /** The default of {@code arrivalSlack}. */
  public static final Duration ARRIVAL_SLACK = Duration.ofSeconds(10);

  public ReplayRange {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("a replay's range is empty: " + from + " to " + to);
    }
    if (streams.isEmpty()) {
      throw new IllegalArgumentException("a replay needs at least one stream");
    }
    if (!runId.matches("[a-zA-Z0-9._-]+")) {
      throw new IllegalArgumentException(
          "replay run id '" + runId + "' may hold only letters, digits, '.', '_' and '-'");
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("a replay's rate is a positive factor or 0 (max)");
    }
    streams = List.copyOf(streams);
  }

  /** The first Kafka timestamp read. */
  public Instant readFrom() {
    return from.minus(LEAD_IN).minus(arrivalSlack);
  }

  /** The Kafka timestamp where reading stops. */
  public Instant readTo() {
    return eventsTo().plus(arrivalSlack);
  }

  /** The first event time kept. */
  public Instant eventsFrom() {
    return from.minus(LEAD_IN);
  }

  /** The end (exclusive) of the event times kept: the end of the window holding {@code to}. */
  public Instant eventsTo() {
    long lastWindow = WindowClock.windowOf(micros(to));
    return Instant.EPOCH.plus(WindowClock.endMicros(lastWindow), ChronoUnit.MICROS);
  }

  /** Whether an event of {@code streamId} at {@code micros} goes into the replay. */
  public boolean keeps(String streamId, long micros) {
    return micros >= micros(eventsFrom())
        && micros < micros(eventsTo())
        && streams.contains(streamId);
  }

  /** Whether a window starting at {@code windowStart} is published. */
  public boolean publishes(Instant windowStart) {
    return !windowStart.isBefore(from) && windowStart.isBefore(to);
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  /** The replay's localizations topic: {@code <prefix>localizations.replay.<runId>}. */
  public String localizationsTopic(String prefix) {
    return prefix + "localizations.replay." + runId;
  }

  /** The replay's dead letters: {@code <prefix>dead-letters.replay.<runId>}. */
  public String deadLettersTopic(String prefix) {
    return prefix + "dead-letters.replay." + runId;
  }
}
