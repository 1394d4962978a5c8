package ai.avloc.alerts.delivery;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.DeadLetters;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters of the delivery: alert records that could not be decoded, and events a
 * webhook gave up. Each keeps the original record's bytes and coordinates ({@link DeadLetters}),
 * cut to fit the topic when needed. Thread-safe: the consumer and every sink thread share one.
 */
public final class DeadLetterSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSender.class);

  /** How long one send may block when the broker is unreachable. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(5);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final AvroSerde<DeadLetter> serde;
  private final AtomicLong unsent = new AtomicLong();

  private DeadLetterSender(Producer<byte[], byte[]> producer, Topic<DeadLetter> topic) {
    this.producer = producer;
    this.topic = topic.name();
    this.serde = topic.values();
  }

  /**
   * A sender to {@code topic} on the brokers at {@code bootstrap}: acks=all, idempotent. A send
   * waits at most 5 s for the broker's metadata or buffer space (max.block.ms, 60 s by default), so
   * that giving up the events left at close cannot outlast the CLI's shutdown.
   */
  public static DeadLetterSender to(String bootstrap, Topic<DeadLetter> topic) {
    return to(KafkaConnection.plaintext(bootstrap), topic);
  }

  /** As above, with the connection's security settings and principal. */
  public static DeadLetterSender to(KafkaConnection kafka, Topic<DeadLetter> topic) {
    Map<String, Object> config =
        kafka.config(
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.CLIENT_ID_CONFIG,
                "avloc-delivery-dead-letters",
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                MAX_BLOCK.toMillis()));
    return new DeadLetterSender(
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()), topic);
  }

  /**
   * Dead-letters {@code source} with the stage it failed at and why, in words a user can act on.
   */
  public void send(ConsumerRecord<byte[], byte[]> source, String stage, String error) {
    DeadLetter letter =
        DeadLetters.fitting(
            DeadLetters.of(
                source.topic(),
                source.partition(),
                source.offset(),
                source.timestamp(),
                source.key(),
                source.value(),
                stage,
                error,
                Instant.now()));
    long timestamp = source.timestamp();
    producer.send(
        new ProducerRecord<>(
            topic,
            null,
            timestamp < 0 ? null : timestamp,
            source.key(),
            serde.serialize(topic, letter)),
        (metadata, exception) -> {
          if (exception != null) {
            LOG.error(
                "could not write the dead letter of {}-{}@{} ({} so far): {}; it said: {}",
                source.topic(),
                source.partition(),
                source.offset(),
                unsent.incrementAndGet(),
                exception.toString(),
                error);
          }
        });
  }

  /** Dead letters the broker refused, each logged with its reason. */
  public long unsent() {
    return unsent.get();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
