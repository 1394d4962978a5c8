package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global rules store in step with the rules topic: a rule is put, a tombstone deletes.
 * Validation is left to {@link RuleBook}, so a rule that turns invalid still ends its alerts.
 */
final class RuleStoreUpdater implements Processor<String, AlertRule, Void, Void> {
  private KeyValueStore<String, AlertRule> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(AlertsTopology.RULES_STORE);
  }

  @Override
  public void process(Record<String, AlertRule> record) {
    if (record.key() == null) {
      return; // a rule without an id cannot be addressed or deleted
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
  }
}
