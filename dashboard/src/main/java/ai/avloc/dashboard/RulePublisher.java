package ai.avloc.dashboard;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topic;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes rules to the compacted rules topic and waits for the broker's acknowledgement, so an
 * answer of 201 means the alerts app will see the rule.
 */
final class RulePublisher implements AutoCloseable {
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
  private final Topic<AlertRule> topic;
  private final KafkaProducer<String, AlertRule> producer;

  RulePublisher(KafkaConnection kafka, Topic<AlertRule> topic) {
    this.topic = topic;
    Properties p = kafka.settingsAsProperties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(ACK_TIMEOUT.toMillis()));
    this.producer = new KafkaProducer<>(p, new StringSerializer(), topic.values().serializer());
  }

  /** Publishes the rule, or a tombstone for {@code ruleId} when {@code rule} is null. */
  void publish(String ruleId, AlertRule rule) {
    try {
      producer
          .send(new ProducerRecord<>(topic.name(), ruleId, rule))
          .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "the broker did not take the rule '" + ruleId + "' within 10 s: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing rule '" + ruleId + "'", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
