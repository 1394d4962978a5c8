package ai.avloc.ingest;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a gateway's events to Kafka: key = stream id (so one camera stays in one partition and
 * in order), acks=all with idempotence (no loss, no duplicates on retry). Records carry the events'
 * own times, which a topic stamped on arrival ({@link TopicAdmin#camera}, the topics this class
 * creates) replaces with the broker's clock; the event time stays in the record's value.
 *
 * <p>Broker outages: the camera's thread only serializes and queues; one sender thread hands the
 * queue to the producer, which retries with backoff for as long as it takes (records never expire;
 * a send that waits for metadata waits on the sender thread, not the camera's). At most {@code
 * bufferBytes} of serialized events wait, queued or unacknowledged. Once that buffer is full, newer
 * events are dropped until the broker acknowledges again: a real-time camera cannot be paused (its
 * scene goes on), so holding it up would only drop its events later and unseen; what is kept is the
 * start of the outage, the seconds around a cut link that are a surveillance site's evidence, and
 * the camera is live again as soon as the buffer has been delivered. Nothing is dropped silently:
 * each run of dropped events is a {@link Gap} with its count and event-time range, logged when it
 * starts and ends; a {@link #STALL} without acknowledgement is logged once, and so is the first
 * acknowledgement after it. Events the producer gives up on (rejected by the broker, or still
 * unacknowledged when {@link #close()} gives up) are counted and logged too; none of this stops the
 * gateway.
 */
public final class KafkaCameraEvents implements CameraEvents, AutoCloseable {
  /** Serialized events held for a broker that does not acknowledge: about 20 s of an array. */
  public static final long DEFAULT_BUFFER_BYTES = 64L << 20;

  /** How long pending events go unacknowledged before the broker counts as disconnected. */
  public static final Duration STALL = Duration.ofSeconds(5);

  /** How long {@link #close()} waits for pending events to be acknowledged. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** Gaps kept for {@link #delivery()}; older ones leave the list, not the count. */
  static final int MAX_GAPS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(KafkaCameraEvents.class);

  /** A run of events dropped while the buffer was full: their count and event-time range. */
  public record Gap(Instant from, Instant to, long events) {
    @Override
    public String toString() {
      return events + " event(s) from " + from + " to " + to;
    }
  }

  /**
   * What became of the events handed over so far.
   *
   * @param sent events queued for the producer
   * @param acknowledged events the broker has acknowledged
   * @param dropped events not buffered because the buffer was full
   * @param failed events the producer gave up on, or that could not be serialized
   * @param pendingBytes serialized bytes queued or sent, not yet acknowledged
   * @param connected false from a {@link #STALL} without acknowledgement to the next one
   * @param gaps the runs of dropped events (the latest {@value #MAX_GAPS}), the last one possibly
   *     still growing
   */
  public record Delivery(
      long sent,
      long acknowledged,
      long dropped,
      long failed,
      long pendingBytes,
      boolean connected,
      List<Gap> gaps) {}

  private final KafkaConnection kafka;
  private final Topics topics;
  private final long bufferBytes;
  private final Producer<String, byte[]> producer;
  private final Serializer<VideoFrame> frameValues;
  private final Serializer<AudioChunk> audioValues;
  private final Serializer<ArrayChunk> arrayValues;

  private final Thread sender;

  // guarded by this: the camera's thread queues, the sender sends, the producer acknowledges
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private boolean closing;
  private long sent;
  private long acknowledged;
  private long failed;
  private long dropped;
  private long pendingBytes;
  private long pendingEvents;
  private long lastProgressNanos = System.nanoTime();
  private long stalledSinceNanos;
  private boolean connected = true;
  private final List<Gap> gaps = new ArrayList<>();
  private boolean gapOpen;
  private final Map<String, Long> failures = new HashMap<>();
  // set once the broker refuses this gateway's credential or ACLs: no retry can fix that
  private RuntimeException refused;

  private record Queued(String topic, String key, Instant time, byte[] value) {
    long size() {
      return value.length + key.length();
    }
  }

  public KafkaCameraEvents(String bootstrapServers, Topics topics) {
    this(bootstrapServers, topics, DEFAULT_BUFFER_BYTES);
  }

  /** A producer that keeps at most {@code bufferBytes} of serialized events unacknowledged. */
  public KafkaCameraEvents(String bootstrapServers, Topics topics, long bufferBytes) {
    this(KafkaConnection.plaintext(bootstrapServers), topics, bufferBytes);
  }

  /** As above, with the connection's security settings and principal. */
  public KafkaCameraEvents(KafkaConnection kafka, Topics topics) {
    this(kafka, topics, DEFAULT_BUFFER_BYTES);
  }

  /** As above, with the connection's security settings and principal. */
  public KafkaCameraEvents(KafkaConnection kafka, Topics topics, long bufferBytes) {
    if (bufferBytes < 1 << 20) {
      throw new IllegalArgumentException("a buffer needs at least 1 MiB, got " + bufferBytes);
    }
    this.kafka = kafka;
    this.topics = topics;
    this.bufferBytes = bufferBytes;
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // records never expire (the default 2 min failed every send of an outage), so an outage of
    // any length ends with the buffer delivered in order; the byte bound above decides what is
    // dropped, counted, never the producer
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    // a send waits for metadata (gone while no broker answers) on the sender thread, as long as
    // the outage lasts; the default 60 s failed the gateway
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.MAX_VALUE);
    config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    config.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 2000);
    config.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 100);
    config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
    // room beyond the bound for batch overhead: the producer's own buffer never fills
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2 * bufferBytes + (16L << 20));
    this.producer =
        new KafkaProducer<>(
            kafka.config(config), new StringSerializer(), new ByteArraySerializer());
    this.frameValues = topics.frames().values().serializer();
    this.audioValues = topics.audio().values().serializer();
    this.arrayValues = topics.arrayAudio().values().serializer();
    this.sender = new Thread(this::sendQueued, "kafka-camera-events");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public void frame(VideoFrame frame) {
    publish(topics.frames().name(), frame.getStreamId(), frame.getTimestamp(), frameValues, frame);
  }

  @Override
  public void audio(AudioChunk chunk) {
    publish(topics.audio().name(), chunk.getStreamId(), chunk.getTimestamp(), audioValues, chunk);
  }

  @Override
  public void array(ArrayChunk chunk) {
    publish(
        topics.arrayAudio().name(), chunk.getStreamId(), chunk.getTimestamp(), arrayValues, chunk);
  }

  /**
   * Creates whichever of the gateway topics (frames, audio, array audio, camera status) do not
   * exist yet, with the broker's default partitions and replication; brokers here run without
   * auto-creation. The camera status topic is compacted: the latest status of each camera stays.
   *
   * @return the names it created
   */
  public static List<String> createMissingTopics(String bootstrapServers, Topics topics) {
    return createMissingTopics(KafkaConnection.plaintext(bootstrapServers), topics);
  }

  /** As above, with the connection's security settings and principal. */
  public static List<String> createMissingTopics(KafkaConnection kafka, Topics topics) {
    // the broker's partition count and replication; stamped on arrival as every camera topic is
    return TopicAdmin.createMissing(
        kafka,
        Stream.concat(
                Stream.of(topics.frames(), topics.audio(), topics.arrayAudio())
                    .map(
                        t ->
                            TopicAdmin.camera(
                                new NewTopic(t.name(), Optional.empty(), Optional.empty()))),
                Stream.of(
                    new NewTopic(topics.cameraStatus().name(), Optional.empty(), Optional.empty())
                        .configs(
                            Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT))))
            .toList());
  }

  /**
   * Why the broker refused this gateway for good (a wrong password, an untrusted certificate, a
   * principal without the ACL to write the camera topics), or null; once set, every publish throws.
   */
  public synchronized RuntimeException refused() {
    return refused;
  }

  public synchronized Delivery delivery() {
    return new Delivery(
        sent, acknowledged, dropped, failed, pendingBytes, connected, List.copyOf(gaps));
  }

  private <V> void publish(
      String topic, CharSequence streamId, Instant time, Serializer<V> values, V value) {
    String key = streamId.toString();
    byte[] bytes;
    try {
      bytes = values.serialize(topic, value);
    } catch (RuntimeException e) {
      fail(topic, key, time, e);
      return;
    }
    admit(new Queued(topic, key, time, bytes));
  }

  /** The sender thread: hands queued events to the producer in order until closed. */
  private void sendQueued() {
    while (true) {
      Queued q;
      synchronized (this) {
        while (queue.isEmpty() && !closing) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (queue.isEmpty()) {
          return;
        }
        q = queue.poll();
      }
      try {
        producer.send(
            new ProducerRecord<>(q.topic(), null, q.time().toEpochMilli(), q.key(), q.value()),
            (RecordMetadata metadata, Exception e) -> settle(q, e));
      } catch (RuntimeException e) {
        // interrupted by close() while waiting for metadata, or the producer is closed
        settle(q, e);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }
  }

  /** Counts an event in as pending, or drops it into the current gap when the buffer is full. */
  private synchronized void admit(Queued event) {
    if (closing) {
      throw new IllegalStateException("publishing to Kafka after close");
    }
    if (refused != null) {
      throw refused;
    }
    long size = event.size();
    Instant time = event.time();
    long now = System.nanoTime();
    if (connected && pendingEvents > 0 && now - lastProgressNanos > STALL.toNanos()) {
      connected = false;
      stalledSinceNanos = lastProgressNanos;
      LOG.warn(
          "Kafka {} has acknowledged nothing for {}: publishing stalled, retrying with backoff;"
              + " buffering up to {} of camera events, newer ones are dropped and counted once it"
              + " is full",
          kafka,
          seconds(now - lastProgressNanos),
          mib(bufferBytes));
    }
    // once full, drop until half the buffer is delivered: every kind of event of the cameras goes
    // for one time range, not the large array chunks alone while small frames still fit
    long limit = gapOpen ? bufferBytes / 2 : bufferBytes;
    if (pendingBytes + size > limit && pendingEvents > 0) {
      if (!gapOpen) {
        gapOpen = true;
        if (gaps.size() == MAX_GAPS) {
          gaps.remove(0);
        }
        gaps.add(new Gap(time, time, 1));
        LOG.warn(
            "Kafka buffer full ({} not yet acknowledged): dropping camera events from {} until"
                + " Kafka acknowledges again",
            mib(pendingBytes),
            time);
      } else {
        Gap g = gaps.get(gaps.size() - 1);
        gaps.set(gaps.size() - 1, new Gap(g.from(), time, g.events() + 1));
      }
      dropped++;
      return;
    }
    if (gapOpen) {
      gapOpen = false;
      LOG.warn(
          "dropped {} while Kafka's buffer was full; publishing again from {}",
          gaps.get(gaps.size() - 1),
          time);
    }
    if (pendingEvents == 0) {
      lastProgressNanos = now; // a stall counts from the oldest unacknowledged send
    }
    pendingEvents++;
    pendingBytes += size;
    sent++;
    queue.add(event);
    notifyAll();
  }

  private synchronized void settle(Queued event, Exception e) {
    pendingEvents--;
    pendingBytes -= event.size();
    notifyAll();
    if (e != null) {
      fail(event.topic(), event.key(), event.time(), e);
      return;
    }
    acknowledged++;
    long now = System.nanoTime();
    lastProgressNanos = now;
    if (!connected) {
      connected = true;
      LOG.warn(
          "Kafka {} acknowledges again, {} after its last acknowledgement: publishing resumed",
          kafka,
          seconds(now - stalledSinceNanos));
    }
  }

  /** Counts an event lost for good; the first of each kind of error is logged with its record. */
  private synchronized void fail(String topic, String key, Instant time, Exception e) {
    failed++;
    if (refused == null
        && (e instanceof AuthenticationException || e instanceof AuthorizationException)) {
      refused =
          new IllegalStateException(
              "Kafka "
                  + kafka
                  + " refused the gateway: "
                  + e.getMessage()
                  + " (check its client config and its principal's ACLs)",
              e);
      LOG.error("{}", refused.getMessage());
    }
    String reason = e.getClass().getSimpleName();
    long count = failures.merge(reason, 1L, Long::sum);
    if (count == 1) {
      LOG.warn(
          "Kafka lost an event of camera {} at {} on {}: {} (further events lost to {} are"
              + " counted, not logged)",
          key,
          time,
          topic,
          e.toString(),
          reason);
    }
  }

  /** Waits until every event queued so far is acknowledged, however long the broker is away. */
  public synchronized void flush() throws InterruptedException {
    while (pendingEvents > 0) {
      wait();
    }
  }

  /**
   * Waits up to {@link #CLOSE_TIMEOUT} for pending events to be acknowledged, then closes the
   * producer; events still unacknowledged are counted as failed and logged.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      notifyAll();
      try {
        for (long left = CLOSE_TIMEOUT.toNanos(); pendingEvents > 0 && left > 0; ) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
          left = deadline - System.nanoTime();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      queue.forEach(q -> settle(q, new TimeoutException("not sent before close")));
      queue.clear();
    }
    sender.interrupt(); // out of a send still waiting for metadata
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // a second is what the producer needs to fail what is still unacknowledged, via the callbacks
    producer.close(Duration.ofSeconds(1));
    synchronized (this) {
      Delivery d = delivery();
      if (d.failed() > 0 || d.dropped() > 0) {
        LOG.warn(
            "Kafka {}: {} of {} camera events acknowledged; {} dropped while the buffer was full"
                + " {}; {} lost {}",
            kafka,
            d.acknowledged(),
            d.sent() + d.dropped(),
            d.dropped(),
            d.gaps(),
            d.failed(),
            failures);
      }
    }
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }
}
