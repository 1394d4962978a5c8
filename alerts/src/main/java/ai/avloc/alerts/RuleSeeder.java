package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes rules to the compacted rules topic, keyed by rule id, where every running alerts app
 * picks them up without a restart. Every rule is validated before anything is sent, so a file with
 * one bad rule publishes none. Rules missing from the file are left as they are; {@link #delete}
 * removes one.
 */
public final class RuleSeeder implements AutoCloseable {
  private final String topic;
  private final KafkaProducer<String, AlertRule> producer;

  public RuleSeeder(String bootstrapServers, Topics topics) {
    this(KafkaConnection.plaintext(bootstrapServers), topics);
  }

  /** As above, with the connection's security settings and principal. */
  public RuleSeeder(KafkaConnection kafka, Topics topics) {
    this.topic = topics.alertRules().name();
    this.producer =
        new KafkaProducer<>(
            kafka.config(
                Map.of(
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.CLIENT_ID_CONFIG,
                    "avloc-rule-seeder")),
            new StringSerializer(),
            topics.alertRules().values());
  }

  /** Reads, validates and publishes a rules file; returns the rules published. */
  public static List<AlertRule> seed(String bootstrapServers, Topics topics, Path rulesFile)
      throws IOException {
    return seed(KafkaConnection.plaintext(bootstrapServers), topics, rulesFile);
  }

  /** As above, with the connection's security settings and principal. */
  public static List<AlertRule> seed(KafkaConnection kafka, Topics topics, Path rulesFile)
      throws IOException {
    List<AlertRule> rules = RuleFile.read(rulesFile);
    try (RuleSeeder seeder = new RuleSeeder(kafka, topics)) {
      seeder.publish(rules);
    }
    return rules;
  }

  /** Validates every rule, then publishes them all and waits until the broker has them. */
  public void publish(List<AlertRule> rules) {
    rules.forEach(RuleValidation::validate);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (AlertRule rule : rules) {
      sent.add(producer.send(new ProducerRecord<>(topic, rule.getRuleId(), rule)));
    }
    await(sent);
  }

  /** Deletes a rule: a tombstone, which ends the rule's active alerts. */
  public void delete(String ruleId) {
    await(List.of(producer.send(new ProducerRecord<>(topic, ruleId, null))));
  }

  private void await(List<Future<RecordMetadata>> sent) {
    try {
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while publishing rules to " + topic, e);
    } catch (ExecutionException e) {
      throw new KafkaException(
          "cannot publish rules to " + topic + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
