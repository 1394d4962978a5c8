package ai.avloc.ingest;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
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
    // a broker that is not there should be named within seconds, not after the default minute
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            15_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            10_000);
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get();
      List<String> missing =
          List.of(topics.frames().name(), topics.audio().name(), topics.arrayAudio().name())
              .stream()
              .filter(name -> !existing.contains(name))
              .toList();
      Map<String, KafkaFuture<Void>> results =
          admin
              .createTopics(
                  missing.stream()
                      .map(name -> new NewTopic(name, Optional.empty(), Optional.empty()))
                      .toList())
              .values();
      List<String> created = new ArrayList<>();
      for (String name : missing) {
        try {
          results.get(name).get();
          created.add(name);
        } catch (ExecutionException e) {
          // another client (or a listing that lagged behind) got there first: it exists now
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic "
                    + name
                    + " on "
                    + bootstrapServers
                    + ": "
                    + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot list topics on " + bootstrapServers + ": " + e.getCause().getMessage(),
          e.getCause());
    }
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
