package ai.avloc.dashboard;

import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that follows a few topics from chosen starting points and hands each decoded record to
 * its handler. No consumer group: the dashboard keeps no offsets, it rebuilds its view on every
 * start. A record that does not decode is counted and logged, and the follower goes on.
 */
final class TopicFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

  /** Where to start reading a topic. */
  enum Start {
    BEGINNING,
    END,
    SINCE
  }

  /**
   * A record handler: the Kafka record's key, decoded value (null for a tombstone) and the time the
   * broker appended it, or -1 when the topic keeps the producer's timestamp instead (a Flink sink
   * writes the element's event time there, which says nothing about arrival).
   */
  interface Handler<V> {
    void accept(String key, V value, long appendTime);
  }

  private record Followed<V extends SpecificRecord>(
      Topic<V> topic, Start start, long since, Handler<V> handler) {
    void handle(ConsumerRecord<String, byte[]> r) {
      V value = r.value() == null ? null : topic.values().deserialize(r.topic(), r.value());
      long appended = r.timestampType() == TimestampType.LOG_APPEND_TIME ? r.timestamp() : -1;
      handler.accept(r.key(), value, appended);
    }
  }

  private final String name;
  private final Properties config = new Properties();
  private final Map<String, Followed<?>> topics = new HashMap<>();
  private final BiConsumer<String, RuntimeException> undecodable;
  private final Thread thread;
  private final Map<String, LongAdder> read = new ConcurrentHashMap<>();
  private final Map<String, Long> lag = new ConcurrentHashMap<>();
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile boolean running = true;

  TopicFollower(
      String name,
      KafkaConnection kafka,
      IsolationLevel isolation,
      BiConsumer<String, RuntimeException> undecodable) {
    this.name = name;
    this.undecodable = undecodable;
    config.putAll(kafka.settings());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // a live view: hand over what arrived at once rather than waiting to fill a batch
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 << 20));
    this.thread = new Thread(this::run, "follow-" + name);
    thread.setDaemon(true);
  }

  <V extends SpecificRecord> TopicFollower follow(Topic<V> topic, Start start, Handler<V> h) {
    return follow(topic, start, 0, h);
  }

  /**
   * Follows {@code topic} from {@code start}; SINCE starts at the first record after {@code since}
   * ms.
   */
  <V extends SpecificRecord> TopicFollower follow(
      Topic<V> topic, Start start, long since, Handler<V> handler) {
    topics.put(topic.name(), new Followed<>(topic, start, since, handler));
    read.put(topic.name(), new LongAdder());
    lag.put(topic.name(), 0L);
    return this;
  }

  void start() {
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> all = new ArrayList<>();
    Map<TopicPartition, Followed<?>> of = new HashMap<>();
    for (Followed<?> f : topics.values()) {
      for (PartitionInfo p : consumer.partitionsFor(f.topic().name(), Duration.ofSeconds(30))) {
        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
        all.add(tp);
        of.put(tp, f);
      }
    }
    consumer.assign(all);
    Map<TopicPartition, Long> since = new HashMap<>();
    for (TopicPartition tp : all) {
      Followed<?> f = of.get(tp);
      switch (f.start()) {
        case BEGINNING -> consumer.seekToBeginning(List.of(tp));
        case END -> consumer.seekToEnd(List.of(tp));
        case SINCE -> since.put(tp, f.since());
      }
    }
    if (!since.isEmpty()) {
      Map<TopicPartition, OffsetAndTimestamp> found =
          consumer.offsetsForTimes(since, Duration.ofSeconds(30));
      for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : found.entrySet()) {
        if (e.getValue() == null) {
          consumer.seekToEnd(List.of(e.getKey()));
        } else {
          consumer.seek(e.getKey(), e.getValue().offset());
        }
      }
    }
    // position() resolves the seeks now, so records written after start() are never skipped
    for (TopicPartition tp : all) {
      consumer.position(tp, Duration.ofSeconds(30));
    }
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          read.get(r.topic()).increment();
          try {
            topics.get(r.topic()).handle(r);
          } catch (RuntimeException e) {
            undecodable.accept(r.topic(), e);
          }
        }
        measureLag();
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.error("following {} stopped: {}", name, e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Each topic's records behind its end, from the consumer's last fetches (no broker call). */
  private void measureLag() {
    Map<String, Long> behind = new HashMap<>();
    for (TopicPartition tp : consumer.assignment()) {
      behind.merge(tp.topic(), consumer.currentLag(tp).orElse(0), Long::sum);
    }
    lag.putAll(behind);
  }

  /** The topics followed, by name. */
  Set<String> topics() {
    return topics.keySet();
  }

  /** Records read from {@code topic} since the start, undecodable ones included. */
  long recordsRead(String topic) {
    return read.get(topic).sum();
  }

  /** Records of {@code topic} not read yet, as of the last poll. */
  long lag(String topic) {
    return lag.get(topic);
  }

  boolean alive() {
    return thread.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (consumer != null && thread.isAlive()) {
      consumer.wakeup();
      thread.join(5000);
    }
  }
}
