package ai.avloc.ingest;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a gateway's events to Kafka: key = stream id (so one camera stays in one partition and
 * in order), acks=all with idempotence (no loss, no duplicates on retry). Record timestamps are the
 * events' own times, so Kafka-side retention and Flink watermarks see media time. The first send
 * failure is kept and rethrown on the next call or on close, never swallowed.
 */
public final class KafkaCameraEvents implements CameraEvents, AutoCloseable {
  private final Topics topics;
  private final Producer<String, VideoFrame> frames;
  private final Producer<String, AudioChunk> audio;
  private final Producer<String, ArrayChunk> arrays;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public KafkaCameraEvents(String bootstrapServers, Topics topics) {
    this.topics = topics;
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.frames =
        new KafkaProducer<>(config, new StringSerializer(), topics.frames().values().serializer());
    this.audio =
        new KafkaProducer<>(config, new StringSerializer(), topics.audio().values().serializer());
    this.arrays =
        new KafkaProducer<>(
            config, new StringSerializer(), topics.arrayAudio().values().serializer());
  }

  @Override
  public void frame(VideoFrame frame) {
    rethrow();
    frames.send(
        new ProducerRecord<>(
            topics.frames().name(),
            null,
            frame.getTimestamp().toEpochMilli(),
            frame.getStreamId(),
            frame),
        this::remember);
  }

  @Override
  public void audio(AudioChunk chunk) {
    rethrow();
    audio.send(
        new ProducerRecord<>(
            topics.audio().name(),
            null,
            chunk.getTimestamp().toEpochMilli(),
            chunk.getStreamId(),
            chunk),
        this::remember);
  }

  @Override
  public void array(ArrayChunk chunk) {
    rethrow();
    arrays.send(
        new ProducerRecord<>(
            topics.arrayAudio().name(),
            null,
            chunk.getTimestamp().toEpochMilli(),
            chunk.getStreamId(),
            chunk),
        this::remember);
  }

  /**
   * Creates whichever of the gateway topics (frames, audio, array audio) do not exist yet, with the
   * broker's default partitions and replication; brokers here run without auto-creation.
   *
   * @return the names it created
   */
  public static List<String> createMissingTopics(String bootstrapServers, Topics topics) {
    // the broker's defaults: the events' own times stay the records' times
    return TopicAdmin.createMissing(
        bootstrapServers,
        Stream.of(topics.frames(), topics.audio(), topics.arrayAudio())
            .map(t -> new NewTopic(t.name(), Optional.empty(), Optional.empty()))
            .toList());
  }

  private void remember(Object metadata, Exception e) {
    if (e != null) {
      failure.compareAndSet(null, e);
    }
  }

  private void rethrow() {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("publishing to Kafka failed: " + e.getMessage(), e);
    }
  }

  public void flush() {
    frames.flush();
    audio.flush();
    arrays.flush();
    rethrow();
  }

  @Override
  public void close() {
    try {
      flush();
    } finally {
      frames.close();
      audio.close();
      arrays.close();
    }
  }
}
