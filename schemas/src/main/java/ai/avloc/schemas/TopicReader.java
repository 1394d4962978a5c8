package ai.avloc.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one whole topic without a consumer group: every partition is assigned, not subscribed, so
 * there is no group join and no wait for the broker's initial rebalance delay, and nothing is
 * committed. It starts at the beginning (or the end) of every partition and reads {@code
 * read_committed} unless told otherwise. Keys are stream ids as UTF-8 strings; values are decoded
 * by the reader's deserializer, for a {@link Topic} its own serde. The tail command, the demo, the
 * stream benchmark and the Kafka tests read topics through it.
 */
public final class TopicReader<V> implements AutoCloseable {
  /** How long one poll of a {@link #read} waits for records. */
  static final Duration POLL = Duration.ofMillis(100);

  /** How long opening waits for the topic's partitions. */
  static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Deserializer<V> values;
  private final StringDeserializer keys = new StringDeserializer();

  /**
   * Assigns every partition of the topic and seeks to its start or end; closes the consumer and
   * fails when the topic has no partitions, naming {@code where} it was looked for.
   */
  TopicReader(
      Consumer<byte[], byte[]> consumer,
      String topic,
      Deserializer<V> values,
      boolean fromEnd,
      String where) {
    this.consumer = consumer;
    this.topic = topic;
    this.values = values;
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist on " + where);
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      if (fromEnd) {
        consumer.seekToEnd(assigned);
      } else {
        consumer.seekToBeginning(assigned);
      }
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Options for readers of topics on the brokers at {@code bootstrap}: read_committed, from the
   * start.
   */
  public static Options on(String bootstrap) {
    return on(KafkaConnection.plaintext(bootstrap));
  }

  /** As {@link #on(String)}, with the connection's security settings. */
  public static Options on(KafkaConnection kafka) {
    return new Options(kafka, IsolationLevel.READ_COMMITTED, false, null);
  }

  /**
   * How a reader connects and where it starts.
   *
   * @param atEnd whether the reader starts after the records already on the topic
   * @param fetchMaxWait how long the broker may hold a fetch for more data; null for Kafka's
   *     default (500 ms), shorter where arrival times are measured
   */
  public record Options(
      KafkaConnection kafka, IsolationLevel isolation, boolean atEnd, Duration fetchMaxWait) {
    public Options {
      if (kafka == null) {
        throw new IllegalArgumentException("a topic reader needs bootstrap servers");
      }
    }

    /** Sees records of open transactions too, as soon as they are written. */
    public Options readUncommitted() {
      return new Options(kafka, IsolationLevel.READ_UNCOMMITTED, atEnd, fetchMaxWait);
    }

    /** Starts after the records already on the topic. */
    public Options fromEnd() {
      return new Options(kafka, isolation, true, fetchMaxWait);
    }

    public Options fetchMaxWait(Duration wait) {
      return new Options(kafka, isolation, atEnd, wait);
    }

    /** The consumer's settings: no group, so no commits. */
    Map<String, Object> consumerConfig() {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      if (fetchMaxWait != null) {
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchMaxWait.toMillis());
      }
      return kafka.config(config);
    }

    /** A reader of the topic's values, decoded with the topic's serde. */
    public <T extends SpecificRecord> TopicReader<T> open(Topic<T> topic) {
      return open(topic.name(), topic.values());
    }

    public <T> TopicReader<T> open(String topic, Deserializer<T> values) {
      return new TopicReader<>(
          new KafkaConsumer<>(
              consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer()),
          topic,
          values,
          atEnd,
          kafka.bootstrapServers());
    }

    /** A reader of the raw value bytes, for callers that decode (or fail to) themselves. */
    public TopicReader<byte[]> openBytes(String topic) {
      return open(topic, new ByteArrayDeserializer());
    }
  }

  /**
   * When a {@link #read} stops: once {@code count} records have come and then, if {@code quiet} is
   * set, nothing more for that long; or, whatever has come, once {@code timeout} has passed.
   */
  public record Until(int count, Duration quiet, Duration timeout) {
    public Until {
      if (count < 0) {
        throw new IllegalArgumentException("a read cannot wait for " + count + " records");
      }
    }

    /** Until this many records have come (the last poll's batch is kept whole, so maybe more). */
    public static Until count(int count) {
      return new Until(count, null, null);
    }

    /** Until nothing has come for this long (counted from the start until the first record). */
    public static Until quiet(Duration quiet) {
      return new Until(0, quiet, null);
    }

    /** And then until nothing more has come for this long. */
    public Until thenQuiet(Duration quiet) {
      return new Until(count, quiet, timeout);
    }

    /** Or until this long has passed since the read started. */
    public Until within(Duration timeout) {
      return new Until(count, quiet, timeout);
    }

    /** Whether a read that has {@code read} records, and ran and waited this long, is done. */
    public boolean reached(int read, Duration elapsed, Duration sinceLastRecord) {
      if (timeout != null && elapsed.compareTo(timeout) >= 0) {
        return true;
      }
      if (read < count) {
        return false;
      }
      return quiet == null || sinceLastRecord.compareTo(quiet) >= 0;
    }
  }

  public String topic() {
    return topic;
  }

  /** The values of one poll, waiting at most {@code timeout} for them; the list is the caller's. */
  public List<V> poll(Duration timeout) {
    return values(pollRecords(timeout));
  }

  /** The records of one poll, keys and values decoded, offsets and timestamps as on the topic. */
  public List<ConsumerRecord<String, V>> pollRecords(Duration timeout) {
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      out.add(
          new ConsumerRecord<>(
              r.topic(),
              r.partition(),
              r.offset(),
              r.timestamp(),
              r.timestampType(),
              r.serializedKeySize(),
              r.serializedValueSize(),
              keys.deserialize(r.topic(), r.key()),
              values.deserialize(r.topic(), r.value()),
              r.headers(),
              r.leaderEpoch()));
    }
    return out;
  }

  /** The values read until {@code until} says stop; the list is the caller's to sort or change. */
  public List<V> read(Until until) {
    return values(readRecords(until));
  }

  private static <V> List<V> values(List<ConsumerRecord<String, V>> records) {
    List<V> out = new ArrayList<>(records.size());
    records.forEach(r -> out.add(r.value()));
    return out;
  }

  /** The records read until {@code until} says stop. */
  public List<ConsumerRecord<String, V>> readRecords(Until until) {
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    long start = System.nanoTime();
    long lastRecord = start;
    long now = start;
    while (!until.reached(
        out.size(), Duration.ofNanos(now - start), Duration.ofNanos(now - lastRecord))) {
      List<ConsumerRecord<String, V>> batch = pollRecords(POLL);
      now = System.nanoTime();
      if (!batch.isEmpty()) {
        lastRecord = now;
        out.addAll(batch);
      }
    }
    return out;
  }

  /** The end offset of every partition: how many records each holds so far, counting from zero. */
  public Map<TopicPartition, Long> endOffsets() {
    return consumer.endOffsets(consumer.assignment());
  }

  @Override
  public void close() {
    consumer.close();
  }
}
