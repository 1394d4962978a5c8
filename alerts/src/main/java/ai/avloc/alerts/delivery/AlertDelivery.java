package ai.avloc.alerts.delivery;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the alerts topic to webhooks and MQTT brokers. One consumer (its own group, default
 * {@value #DEFAULT_GROUP}, read_committed, so only alerts of committed transactions) hands every
 * alert to each sink's queue, and commits a poll's offsets only once every sink has accepted all of
 * its records: after a crash or restart delivery resumes from there, so an event may be sent twice
 * (receivers can drop repeats by {@code X-Avloc-Event-Id}) but a record is never skipped. Events
 * still in a queue when the process is killed outright are lost; {@link #close} first lets the
 * queues drain for its grace period. A record that does not decode goes to the dead-letter topic,
 * stage {@code decode}, and delivery goes on.
 *
 * <pre>{@code
 * try (AlertDelivery delivery = AlertDelivery.builder()
 *     .bootstrapServers("localhost:9092")
 *     .webhook(WebhookConfig.of("https://example.net/hook").withSecret(secret))
 *     .mqtt(MqttConfig.of("tcp://localhost:1883"))
 *     .build()) {
 *   delivery.start();
 *   ...
 * }
 * }</pre>
 */
public final class AlertDelivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);

  public static final String DEFAULT_GROUP = "avloc-delivery";
  public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(10);

  private final Topics topics;
  private final Map<String, Object> consumerConfig;
  private final List<AlertSink> sinks;
  private final DeadLetterSender deadLetters;
  private final Duration closeGrace;
  private final AvroSerde<Alert> serde;
  private final AtomicLong alerts = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final CountDownLatch assigned = new CountDownLatch(1);
  private final Thread poller;
  private volatile Consumer<byte[], byte[]> consumer;
  private volatile boolean running;
  private volatile Throwable failure;

  private AlertDelivery(Builder b, DeadLetterSender deadLetters, List<AlertSink> sinks) {
    this.topics = Topics.withPrefix(b.topicPrefix);
    this.serde = topics.alerts().values();
    this.deadLetters = deadLetters;
    this.sinks = List.copyOf(sinks);
    this.closeGrace = b.closeGrace;
    this.consumerConfig =
        b.kafka.config(
            Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                b.groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                b.fromBeginning ? "earliest" : "latest"));
    this.poller = new Thread(this::poll, "avloc-delivery consumer");
    this.poller.setDaemon(true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the sinks' workers, then the consumer. */
  public void start() {
    sinks.forEach(AlertSink::start);
    running = true;
    poller.start();
  }

  /** Waits until the consumer has its partitions; false if that took longer than {@code wait}. */
  public boolean awaitAssigned(Duration wait) throws InterruptedException {
    return assigned.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The sinks, in the order they were configured. */
  public List<AlertSink> sinks() {
    return sinks;
  }

  /** Alerts read and handed to the sinks. */
  public long alerts() {
    return alerts.get();
  }

  /** Records of the alerts topic that did not decode, each dead-lettered. */
  public long undecodable() {
    return undecodable.get();
  }

  /** The error that stopped the consumer, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** One line: the consumer's counts, then each sink's. */
  public String counters() {
    StringBuilder line =
        new StringBuilder(String.format("alerts=%d undecodable=%d", alerts(), undecodable()));
    for (AlertSink sink : sinks) {
      line.append(" | ")
          .append(sink.name())
          .append(": ")
          .append(sink.counters())
          .append(" queued=")
          .append(sink.queued());
    }
    return line.toString();
  }

  private void poll() {
    try (Consumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      c.subscribe(
          List.of(topics.alerts().name()),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              assigned.countDown();
            }
          });
      while (running) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          handOver(record);
        }
        if (!records.isEmpty()) {
          commit(c);
        }
      }
    } catch (WakeupException e) {
      // close() woke the consumer
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("the delivery's consumer stopped", e);
    }
  }

  private void handOver(ConsumerRecord<byte[], byte[]> record) {
    Alert alert;
    try {
      alert = serde.deserialize(record.topic(), record.value());
      if (alert == null) {
        throw new IllegalArgumentException("the record has no value");
      }
    } catch (RuntimeException e) {
      long count = undecodable.incrementAndGet();
      LOG.warn(
          "dead-lettering undecodable alert record {}-{}@{} ({} so far): {}",
          record.topic(),
          record.partition(),
          record.offset(),
          count,
          e.getMessage());
      deadLetters.send(record, "decode", String.valueOf(e.getMessage()));
      return;
    }
    alerts.incrementAndGet();
    QueuedAlert queued = new QueuedAlert(alert, record);
    for (AlertSink sink : sinks) {
      sink.accept(queued);
    }
  }

  private static void commit(Consumer<byte[], byte[]> c) {
    try {
      c.commitSync();
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      // the next poll's commit covers these offsets; until then a restart delivers them again
      LOG.warn("could not commit the delivered offsets: {}", e.toString());
    }
  }

  /**
   * Stops the consumer (committing what the sinks accepted), lets every sink drain its queue for
   * the close grace (side by side), gives up what is left, then closes the dead-letter producer.
   */
  @Override
  public void close() {
    running = false;
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      poller.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Instant deadline = Instant.now().plus(closeGrace);
    for (AlertSink sink : sinks) {
      sink.close(deadline);
    }
    deadLetters.close();
  }

  /** How to reach Kafka and where to deliver; {@link #build} checks it. */
  public static final class Builder {
    private KafkaConnection kafka;
    private String topicPrefix = Topics.DEFAULT_PREFIX;
    private String groupId = DEFAULT_GROUP;
    private boolean fromBeginning;
    private Duration closeGrace = DEFAULT_CLOSE_GRACE;
    private final List<WebhookConfig> webhooks = new ArrayList<>();
    private final List<MqttConfig> brokers = new ArrayList<>();

    private Builder() {}

    /** Plaintext brokers; blank is refused by {@link #build}. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.kafka =
          bootstrapServers == null || bootstrapServers.isBlank()
              ? null
              : KafkaConnection.plaintext(bootstrapServers);
      return this;
    }

    /** Brokers with the security settings and principal of a client config. */
    public Builder connection(KafkaConnection kafka) {
      this.kafka = kafka;
      return this;
    }

    public Builder topicPrefix(String topicPrefix) {
      this.topicPrefix = topicPrefix;
      return this;
    }

    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /**
     * Where a group with no committed offsets starts: the alerts already on the topic (true), or
     * only those raised from now on (false, the default).
     */
    public Builder fromBeginning(boolean fromBeginning) {
      this.fromBeginning = fromBeginning;
      return this;
    }

    /** How long {@link AlertDelivery#close} lets the sinks drain their queues (default 10 s). */
    public Builder closeGrace(Duration closeGrace) {
      this.closeGrace = closeGrace;
      return this;
    }

    public Builder webhook(WebhookConfig webhook) {
      webhooks.add(webhook);
      return this;
    }

    public Builder mqtt(MqttConfig broker) {
      brokers.add(broker);
      return this;
    }

    public AlertDelivery build() {
      if (kafka == null) {
        throw new IllegalArgumentException("delivery needs bootstrap servers");
      }
      if (groupId == null || groupId.isBlank()) {
        throw new IllegalArgumentException("delivery group id is blank");
      }
      WebhookConfig.positive(closeGrace, "delivery close grace");
      if (webhooks.isEmpty() && brokers.isEmpty()) {
        throw new IllegalArgumentException(
            "delivery has nowhere to deliver: give a webhook or an MQTT broker");
      }
      Topics topics = Topics.withPrefix(topicPrefix);
      DeadLetterSender deadLetters = DeadLetterSender.to(kafka, topics.deadLetters());
      List<AlertSink> sinks = new ArrayList<>();
      webhooks.forEach(w -> sinks.add(new WebhookSink(w, deadLetters)));
      brokers.forEach(m -> sinks.add(new MqttSink(m)));
      return new AlertDelivery(this, deadLetters, sinks);
    }
  }
}
