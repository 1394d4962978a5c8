package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * localizations ─▶ alert processor (per-stream state in RocksDB, rules from a global store) ─▶
 * alerts.
 */
public final class AlertsTopology {
  /** Per-stream alert state, keyed by stream id; persistent, with a changelog. */
  public static final String STATE_STORE = "alert-state";

  /** Every rule of the rules topic, on every instance; queryable for "is my rule loaded yet". */
  public static final String RULES_STORE = "alert-rules";

  private AlertsTopology() {}

  /**
   * The app's topology; {@code forgetAfter} is how long a stream lane may send nothing before its
   * state is dropped (its alerts ended first).
   */
  public static Topology build(Topics topics, AlertCounters counters, Duration forgetAfter) {
    return build(
        topics,
        new RuleDeadLetters(topics.deadLetters().name(), counters),
        () -> new AlertProcessor(counters, forgetAfter));
  }

  /** The topology with this alert processor (tests wrap the real one to inject faults). */
  static Topology build(
      Topics topics,
      RuleDeadLetters ruleDeadLetters,
      ProcessorSupplier<String, Localization, String, Alert> alertProcessor) {
    StreamsBuilder builder = new StreamsBuilder();
    // Rules are few and the compacted topic restores them on start: an in-memory global store.
    // Not a GlobalKTable: that restores raw bytes without decoding, so one undecodable rule on the
    // topic would fail every later read of the store; a global store's processor also runs on
    // restore, where the deserialization handler skips and counts such records.
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RULES_STORE),
                Serdes.String(),
                topics.alertRules().values())
            .withLoggingDisabled(),
        topics.alertRules().name(),
        Consumed.with(Serdes.String(), topics.alertRules().values()).withName("rules-source"),
        () -> new RuleStoreUpdater(ruleDeadLetters));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STATE_STORE), Serdes.String(), new StreamAlertsSerde()));
    builder.stream(
            topics.localizations().name(),
            Consumed.with(Serdes.String(), topics.localizations().values())
                .withName("localizations-source"))
        .process(alertProcessor, Named.as("alert-lifecycle"), STATE_STORE)
        .to(
            topics.alerts().name(),
            Produced.with(Serdes.String(), topics.alerts().values()).withName("alerts-sink"));
    return builder.build();
  }
}
