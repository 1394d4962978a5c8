package ai.avloc.ingest.live;

import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the health of live cameras: on every change of state and every {@code period} for each
 * registered camera, to a destination (the compacted {@code camera-status} topic, key = stream id,
 * in production). Each change of state is logged once, naming the camera by its redacted URL; a
 * camera that keeps failing with the same error is logged once, not at every retry. Sending happens
 * on the publisher's own thread, so a camera never waits for Kafka, and never throws.
 */
public final class CameraStatusPublisher implements AutoCloseable {
  /** How often each camera's status is sent when nothing changes. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(CameraStatusPublisher.class);

  private final Consumer<CameraStatus> destination;
  private final Runnable closeDestination;
  private final ScheduledExecutorService thread;
  private final Map<String, Supplier<CameraStatus>> cameras = new ConcurrentHashMap<>();
  // guarded by itself: what was last logged per camera, so repeats are not logged again
  private final Map<String, String> logged = new HashMap<>();
  private final Map<String, Long> failures = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> labels = new ConcurrentHashMap<>();

  /** Sends to {@code destination} on its own thread, each camera at least every {@code period}. */
  public CameraStatusPublisher(Consumer<CameraStatus> destination, Duration period) {
    this(destination, () -> {}, period);
  }

  private CameraStatusPublisher(
      Consumer<CameraStatus> destination, Runnable closeDestination, Duration period) {
    this.destination = destination;
    this.closeDestination = closeDestination;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "camera-status");
              t.setDaemon(true);
              return t;
            });
    long ms = period.toMillis();
    thread.scheduleAtFixedRate(this::sendAll, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Publishes to the compacted camera status topic of {@code topics} (key = stream id). */
  public static CameraStatusPublisher toKafka(
      String bootstrapServers, Topics topics, Duration period) {
    return toKafka(KafkaConnection.plaintext(bootstrapServers), topics, period);
  }

  /** As above, with the connection's security settings and principal. */
  public static CameraStatusPublisher toKafka(
      KafkaConnection kafka, Topics topics, Duration period) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // a status is replaced by the next within seconds: waiting long for a broker helps nobody
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    Producer<String, byte[]> producer =
        new KafkaProducer<>(
            kafka.config(config), new StringSerializer(), new ByteArraySerializer());
    String topic = topics.cameraStatus().name();
    Serializer<CameraStatus> values = topics.cameraStatus().values().serializer();
    CameraStatusPublisher[] self = new CameraStatusPublisher[1];
    self[0] =
        new CameraStatusPublisher(
            status ->
                producer.send(
                    new ProducerRecord<>(
                        topic,
                        null,
                        status.getUpdatedAt().toEpochMilli(),
                        status.getStreamId(),
                        values.serialize(topic, status)),
                    (metadata, e) -> {
                      if (e != null) {
                        self[0].failed(status, e);
                      }
                    }),
            () -> producer.close(Duration.ofSeconds(5)),
            period);
    return self[0];
  }

  /** Sends {@code current}'s status every period until {@link #unregister}. */
  public void register(String streamId, Supplier<CameraStatus> current) {
    cameras.put(streamId, current);
  }

  /**
   * Labels every status of the camera sends from now on carries (the inventory's), whoever built
   * the status.
   */
  public void label(String streamId, Map<String, String> cameraLabels) {
    labels.put(streamId, Map.copyOf(cameraLabels));
  }

  public void unregister(String streamId) {
    cameras.remove(streamId);
  }

  /** A camera changed state: logs it (once) and sends the status now. */
  public void stateChanged(CameraStatus status) {
    log(status);
    send(status);
  }

  /** Sends one status now (on the publisher's thread). */
  public void send(CameraStatus status) {
    try {
      thread.execute(() -> deliver(status));
    } catch (RuntimeException e) {
      // closed: the status is dropped, as the camera is going away
    }
  }

  private void sendAll() {
    cameras.values().forEach(s -> deliver(s.get()));
  }

  private void deliver(CameraStatus status) {
    Map<String, String> cameraLabels = labels.get(status.getStreamId());
    if (cameraLabels != null && !cameraLabels.isEmpty()) {
      status =
          CameraStatus.newBuilder(status).setLabels(new java.util.HashMap<>(cameraLabels)).build();
    }
    try {
      destination.accept(status);
    } catch (RuntimeException e) {
      failed(status, e);
    }
  }

  private void failed(CameraStatus status, Exception e) {
    String reason = e.getClass().getSimpleName();
    if (failures.merge(reason, 1L, Long::sum) == 1) {
      LOG.warn(
          "camera status of {} not sent: {} (further failures of this kind are not logged)",
          status.getStreamId(),
          e.toString());
    }
  }

  private void log(CameraStatus s) {
    String line = s.getState() + " " + s.getLastError();
    String previous;
    synchronized (logged) {
      previous = logged.put(s.getStreamId(), line);
    }
    if (line.equals(previous)) {
      return; // the same failure again, at a retry
    }
    if (previous != null && previous.startsWith(s.getState() + " ")) {
      // no change of state: a problem noted while connected (a resolution change, a re-anchor)
      LOG.warn("{}", s.getLastError());
    } else if (s.getState() == CameraState.CONNECTED) {
      LOG.info(
          "camera {} ({}) connected: video={} audio={}{}",
          s.getStreamId(),
          s.getUrl(),
          s.getVideoPresent(),
          s.getAudioPresent(),
          s.getReconnects() > 0
              ? String.format(
                  java.util.Locale.ROOT,
                  ", reconnect %d after a gap of %.1f s",
                  s.getReconnects(),
                  s.getGapSeconds())
              : "");
    } else if (s.getState() == CameraState.STOPPED || s.getState() == CameraState.CONNECTING) {
      LOG.info("camera {} ({}) {}", s.getStreamId(), s.getUrl(), s.getState());
    } else {
      LOG.warn(
          "camera {} ({}) {}: {}", s.getStreamId(), s.getUrl(), s.getState(), s.getLastError());
    }
  }

  /** Sends what is queued, stops the periodic sends, and closes the destination. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeDestination.run();
  }
}
