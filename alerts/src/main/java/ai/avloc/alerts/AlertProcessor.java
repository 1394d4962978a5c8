package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.Localization;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Localizations in, alerts out: loads the stream's state, runs {@link AlertLifecycle} against the
 * current rules, stores the state back. Order comes from the partition: a window that is not after
 * the stream's last one is ignored and counted.
 */
final class AlertProcessor implements Processor<String, Localization, String, Alert> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);

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
    List<Alert> alerts =
        AlertLifecycle.advance(streamId, stream, localization, ruleBook.current(rules));
    state.put(streamId, stream);
    for (Alert alert : alerts) {
      counters.alerts.incrementAndGet();
      context.forward(record.withKey(streamId).withValue(alert));
    }
  }
}
