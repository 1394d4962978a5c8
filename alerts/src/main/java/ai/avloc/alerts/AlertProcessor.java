package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.InputLimits;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.WindowClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Localizations in, alerts out: loads the state of the localization's lane (its stream and mode),
 * runs {@link AlertLifecycle} against the current rules, stores the state back. A camera that feeds
 * both MONO and ARRAY has two lanes, each in its own order, stored under {@link #laneKey}. Order
 * comes from the partition: a window that is not after its lane's last one is ignored and counted.
 *
 * <p>A wall-clock punctuation, every second, ends the alerts of a lane that has sent nothing for
 * the longest rule cooldown plus {@link #QUIET_GRACE}, and forgets a lane that has sent nothing for
 * the app's forget time (ending its alerts first), so the store holds only streams that still send.
 */
final class AlertProcessor implements Processor<String, Localization, String, Alert> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);

  /** Beyond the cooldown, how long a stream may be silent before its alerts end without it. */
  static final Duration QUIET_GRACE = Duration.ofSeconds(5);

  /** Between the stream id and the mode in a lane's store key; the mode never contains it. */
  static final char LANE_SEPARATOR = '|';

  private final AlertCounters counters;
  private final Duration forgetAfter;
  private final RuleBook ruleBook;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, StreamAlerts> state;
  private ReadOnlyKeyValueStore<String, AlertRule> rules;

  /**
   * Wall-clock ms this processor started (or restarted): the time the app was down is not the
   * lanes' quiet time.
   */
  private long resumedAt;

  AlertProcessor(AlertCounters counters, Duration forgetAfter) {
    this.counters = counters;
    this.forgetAfter = forgetAfter;
    this.ruleBook = new RuleBook(counters);
  }

  /** The store key of a stream's lane of one mode. */
  static String laneKey(String streamId, LocalizationMode mode) {
    return streamId + LANE_SEPARATOR + mode.name();
  }

  /**
   * The stream id of a store key. Keys written before lanes existed are the bare stream id; they
   * are never advanced again, only ended and forgotten by the punctuation.
   */
  static String streamOf(String key) {
    int at = key.lastIndexOf(LANE_SEPARATOR);
    if (at >= 0) {
      String mode = key.substring(at + 1);
      for (LocalizationMode m : LocalizationMode.values()) {
        if (m.name().equals(mode)) {
          return key.substring(0, at);
        }
      }
    }
    return key;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.state = context.getStateStore(AlertsTopology.STATE_STORE);
    this.rules = context.getStateStore(AlertsTopology.RULES_STORE);
    this.resumedAt = context.currentSystemTimeMs();
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::endQuietLanes);
  }

  /**
   * Ends the alerts of lanes that have sent nothing for their cooldown plus the grace, and forgets
   * lanes that have sent nothing for the forget time.
   */
  private void endQuietLanes(long now) {
    if (counters.brokerDownSince.get() != 0) {
      return; // nothing can reach the app: its cameras' windows wait in Kafka, not silent
    }
    // quiet since the lane's last window, or since the app or the broker came back if later
    long heardFrom = Math.max(resumedAt, counters.brokerBackAt.get());
    List<CompiledRule> current = ruleBook.current(rules);
    long longestCooldownMillis = 0;
    for (CompiledRule rule : current) {
      longestCooldownMillis =
          Math.max(longestCooldownMillis, (rule.cooldownWindows() + 1L) * 1000 / 12);
    }
    long quietAfter = longestCooldownMillis + QUIET_GRACE.toMillis();
    List<KeyValue<String, StreamAlerts>> changed = new ArrayList<>();
    List<String> forgotten = new ArrayList<>();
    try (KeyValueIterator<String, StreamAlerts> all = state.all()) {
      while (all.hasNext()) {
        KeyValue<String, StreamAlerts> entry = all.next();
        StreamAlerts lane = entry.value;
        if (lane.lastSeenMillis == 0) {
          lane.lastSeenMillis = now; // restored from an older layout: start the clock now
          changed.add(entry);
          continue;
        }
        long idle = now - Math.max(lane.lastSeenMillis, heardFrom);
        boolean forget = idle >= forgetAfter.toMillis();
        if (lane.hasActiveAlert() && (forget || idle >= quietAfter)) {
          String streamId = streamOf(entry.key);
          for (Alert alert : AlertLifecycle.endQuiet(streamId, lane, current)) {
            counters.alerts.incrementAndGet();
            context.forward(new Record<>(streamId, alert, now));
          }
          changed.add(entry);
        }
        if (forget) {
          forgotten.add(entry.key);
        }
      }
    }
    changed.forEach(e -> state.put(e.key, e.value));
    forgotten.forEach(state::delete);
    if (!forgotten.isEmpty()) {
      counters.forgottenLanes.addAndGet(forgotten.size());
      LOG.info(
          "forgot {} stream lane(s) silent for {} s or more, e.g. {}",
          forgotten.size(),
          forgetAfter.toSeconds(),
          forgotten.get(0));
    }
  }

  /** The first window the app counts: the one of {@link InputLimits#EARLIEST_EVENT}. */
  private static final long EARLIEST_WINDOW =
      WindowClock.windowOf(InputLimits.EARLIEST_EVENT.toEpochMilli() * 1000);

  /**
   * A localization the app does not count: thrown, it becomes a dead letter (stage "alert") through
   * {@link DeadLetterHandler}, which logs it without a stack trace.
   */
  static final class RefusedLocalization extends IllegalArgumentException {
    RefusedLocalization(String message) {
      super(message);
    }
  }

  /**
   * Why a localization is not counted, or null. The job refuses such ids and times at its input;
   * the localization topic may still carry records the job never made, and one window a year ahead
   * would end the camera's alerts and leave every real window after it "not after its last".
   */
  static String refusal(String streamId, long window, long nowMillis) {
    String idProblem = InputLimits.streamIdProblem(streamId);
    if (idProblem != null) {
      return idProblem;
    }
    // window numbers are compared, not their microseconds: a huge window overflows those
    long latest = WindowClock.windowOf((nowMillis + InputLimits.MAX_AHEAD.toMillis()) * 1000);
    if (window > latest) {
      return "window "
          + window
          + " starts more than "
          + InputLimits.MAX_AHEAD.toSeconds()
          + " s after this app's clock";
    }
    if (window < EARLIEST_WINDOW) {
      return "window " + window + " starts before " + InputLimits.EARLIEST_EVENT;
    }
    return null;
  }

  @Override
  public void process(Record<String, Localization> record) {
    Localization localization = record.value();
    if (localization == null) {
      return; // a tombstone on the localization topic means nothing here
    }
    counters.localizations.incrementAndGet();
    // the key routes the stream to its partition and store; the value's id is the fallback
    String streamId = record.key() != null ? record.key() : localization.getStreamId();
    String refusal = refusal(streamId, localization.getWindow(), context.currentSystemTimeMs());
    if (refusal != null) {
      throw new RefusedLocalization(refusal);
    }
    LocalizationMode mode = localization.getMode();
    String key = laneKey(streamId, mode);
    StreamAlerts lane = state.get(key);
    if (lane == null) {
      lane = new StreamAlerts();
    } else if (localization.getWindow() <= lane.lastWindow) {
      long count = counters.outOfOrder.incrementAndGet();
      if (count == 1 || count % 1000 == 0) {
        LOG.warn(
            "ignoring {} window {} of stream {}: not after its last window {} ({} ignored so far)",
            mode,
            localization.getWindow(),
            streamId,
            lane.lastWindow,
            count);
      }
      return;
    }
    long lastArrayWindow = StreamAlerts.NONE; // only ANY rules on a MONO lane look at it
    if (mode != LocalizationMode.ARRAY) {
      StreamAlerts arrayLane = state.get(laneKey(streamId, LocalizationMode.ARRAY));
      lastArrayWindow = arrayLane == null ? StreamAlerts.NONE : arrayLane.lastWindow;
    }
    lane.lastSeenMillis = context.currentSystemTimeMs();
    List<Alert> alerts =
        AlertLifecycle.advance(
            streamId, lane, localization, ruleBook.current(rules), lastArrayWindow);
    state.put(key, lane);
    for (Alert alert : alerts) {
      counters.alerts.incrementAndGet();
      context.forward(record.withKey(streamId).withValue(alert));
    }
  }
}
