package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.Localization;
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
 * Localizations in, alerts out: loads the stream's state, runs {@link AlertLifecycle} against the
 * current rules, stores the state back. Order comes from the partition: a window that is not after
 * the stream's last one is ignored and counted. A stream that stops sending would leave its alerts
 * open forever, so a wall-clock punctuation ends them once nothing has arrived for the longest rule
 * cooldown plus {@link #QUIET_GRACE}.
 */
final class AlertProcessor implements Processor<String, Localization, String, Alert> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);

  /** Beyond the cooldown, how long a stream may be silent before its alerts end without it. */
  static final Duration QUIET_GRACE = Duration.ofSeconds(5);

  private final AlertCounters counters;
  private final RuleBook ruleBook;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, StreamAlerts> state;
  private ReadOnlyKeyValueStore<String, AlertRule> rules;

  AlertProcessor(AlertCounters counters) {
    this.counters = counters;
    this.ruleBook = new RuleBook(counters);
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.state = context.getStateStore(AlertsTopology.STATE_STORE);
    this.rules = context.getStateStore(AlertsTopology.RULES_STORE);
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::endQuietStreams);
  }

  /** Ends the alerts of streams that have sent nothing for their cooldown plus the grace. */
  private void endQuietStreams(long now) {
    List<CompiledRule> current = ruleBook.current(rules);
    long longestCooldownMillis = 0;
    for (CompiledRule rule : current) {
      longestCooldownMillis =
          Math.max(longestCooldownMillis, (rule.cooldownWindows() + 1) * 1000L / 12);
    }
    long quietAfter = longestCooldownMillis + QUIET_GRACE.toMillis();
    List<KeyValue<String, StreamAlerts>> quiet = new ArrayList<>();
    try (KeyValueIterator<String, StreamAlerts> all = state.all()) {
      while (all.hasNext()) {
        KeyValue<String, StreamAlerts> entry = all.next();
        StreamAlerts stream = entry.value;
        if (stream.lastSeenMillis == 0) {
          stream.lastSeenMillis = now; // restored from an older layout: start the clock now
          quiet.add(entry);
        } else if (stream.hasActiveAlert() && now - stream.lastSeenMillis >= quietAfter) {
          for (Alert alert : AlertLifecycle.endQuiet(entry.key, stream, current)) {
            counters.alerts.incrementAndGet();
            context.forward(new Record<>(entry.key, alert, now));
          }
          quiet.add(entry);
        }
      }
    }
    quiet.forEach(e -> state.put(e.key, e.value));
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
    StreamAlerts stream = state.get(streamId);
    if (stream == null) {
      stream = new StreamAlerts();
    } else if (localization.getWindow() <= stream.lastWindow) {
      long count = counters.outOfOrder.incrementAndGet();
      if (count == 1 || count % 1000 == 0) {
        LOG.warn(
            "ignoring window {} of stream {}: not after its last window {} ({} ignored so far)",
            localization.getWindow(),
            streamId,
            stream.lastWindow,
            count);
      }
      return;
    }
    stream.lastSeenMillis = context.currentSystemTimeMs();
    List<Alert> alerts =
        AlertLifecycle.advance(streamId, stream, localization, ruleBook.current(rules));
    state.put(streamId, stream);
    for (Alert alert : alerts) {
      counters.alerts.incrementAndGet();
      context.forward(record.withKey(streamId).withValue(alert));
    }
  }
}
