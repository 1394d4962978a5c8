package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usable rules of the global rules store, compiled once per rule version. A rule that fails
 * validation is logged once per version, counted, and left out, which ends its active alerts.
 */
final class RuleBook {
  private static final Logger LOG = LoggerFactory.getLogger(RuleBook.class);

  /** A rule version as read and what it compiled to (null when invalid). */
  private record Entry(AlertRule source, CompiledRule compiled) {}

  private final AlertCounters counters;
  private Map<String, Entry> entries = new HashMap<>();

  RuleBook(AlertCounters counters) {
    this.counters = counters;
  }

  List<CompiledRule> current(ReadOnlyKeyValueStore<String, AlertRule> store) {
    Map<String, Entry> next = new HashMap<>();
    List<CompiledRule> usable = new ArrayList<>();
    try (KeyValueIterator<String, AlertRule> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, AlertRule> kv = all.next();
        AlertRule rule = kv.value;
        if (rule == null) {
          continue;
        }
        Entry entry = entries.get(kv.key);
        if (entry == null || !entry.source().equals(rule)) {
          entry = new Entry(rule, compile(kv.key, rule));
        }
        next.put(kv.key, entry);
        if (entry.compiled() != null) {
          usable.add(entry.compiled());
        }
      }
    }
    entries = next;
    return usable;
  }

  private CompiledRule compile(String key, AlertRule rule) {
    try {
      if (!key.equals(rule.getRuleId())) {
        throw new InvalidRuleException(
            "rule '" + key + "'",
            List.of("ruleId: is '" + rule.getRuleId() + "' but the record's key is '" + key + "'"));
      }
      return CompiledRule.of(rule);
    } catch (InvalidRuleException e) {
      counters.invalidRules.incrementAndGet();
      LOG.warn("ignoring {}; its active alerts end", e.getMessage());
      return null;
    }
  }
}
