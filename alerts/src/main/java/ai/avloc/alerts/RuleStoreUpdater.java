package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global rules store in step with the rules topic: a rule is put, a tombstone deletes. A
 * rule that fails validation is still stored, so that {@link RuleBook} ends its active alerts, and
 * goes to the dead letters with its problems; {@link RuleBook} leaves it out.
 */
final class RuleStoreUpdater implements Processor<String, AlertRule, Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(RuleStoreUpdater.class);

  private final RuleDeadLetters deadLetters;
  private final AvroSerde<AlertRule> serde = new AvroSerde<>(AlertRule.class);
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, AlertRule> store;

  RuleStoreUpdater(RuleDeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    store = context.getStateStore(AlertsTopology.RULES_STORE);
  }

  @Override
  public void process(Record<String, AlertRule> record) {
    if (record.key() == null) {
      return; // a rule without an id cannot be addressed or deleted
    }
    if (record.value() == null) {
      store.delete(record.key());
      return;
    }
    List<String> problems = RuleValidation.problems(record.value());
    if (!record.key().equals(record.value().getRuleId())) {
      problems.add(
          "ruleId: is '"
              + record.value().getRuleId()
              + "' but the record's key is '"
              + record.key()
              + "'");
    }
    if (!problems.isEmpty()) {
      String reason = "invalid rule '" + record.key() + "': " + String.join("; ", problems);
      LOG.warn("{}; sent to the dead letters", reason);
      RecordMetadata where = context.recordMetadata().orElse(null);
      deadLetters.send(
          where == null ? "" : where.topic(),
          where == null ? -1 : where.partition(),
          where == null ? -1 : where.offset(),
          record.timestamp(),
          record.key().getBytes(StandardCharsets.UTF_8),
          serde.serialize(where == null ? "" : where.topic(), record.value()),
          "rule",
          reason);
    }
    store.put(record.key(), record.value());
  }
}
