package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.infra.LocalKafka;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real-time gateway against real brokers in their own JVMs that are stopped, restarted and killed
 * under it: it keeps its camera's pace, publishes again once a broker is back, and accounts for
 * every event it was handed (in Kafka, or counted in a gap).
 */
class BrokerFaultTest {
  /** The checkout: the tests run in ingest/. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  /** The outage of the single-broker test; {@code -Davloc.outageSeconds=180} for the long one. */
  static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("avloc.outageSeconds", 25));

  @TempDir Path dir;

  @Test
  void shouldPublishAgainAfterABrokerOutageAndCountEveryDroppedEvent() throws Exception {
    Topics topics = Topics.withPrefix("outage.");
    try (LocalKafka kafka = LocalKafka.start(ROOT, dir.resolve("kafka"))) {
      KafkaCameraEvents.createMissingTopics(kafka.bootstrapServers(), topics);
      // an array camera (~3 MB/s) with 8 MiB of buffer: about 3 s of it outlives the outage
      SceneCamera camera =
          new SceneCamera(
              GatewayTest.TONE,
              "cam-1",
              Instant.now(),
              null,
              SceneCamera.Options.defaults().withArray("vogel64").withLoop(true));
      Handed handed = new Handed();
      KafkaCameraEvents.Delivery delivery;
      Instant outageStart;
      Instant brokerBack;
      Instant resumed;
      try (KafkaCameraEvents events =
              new KafkaCameraEvents(kafka.bootstrapServers(), topics, 8L << 20);
          Gateway gateway =
              new Gateway(
                  List.of(camera),
                  new KafkaCameraEventsTest.Both(events, handed),
                  Gateway.Pace.REAL_TIME)) {
        Thread publisher = publisher(gateway);
        Thread.sleep(5_000);
        outageStart = Instant.now();
        kafka.stopBroker(1);
        Thread.sleep(OUTAGE.toMillis());
        assertTrue(publisher.isAlive(), "the gateway is still publishing after the outage");
        kafka.restartBroker(1);
        brokerBack = Instant.now();
        long acked = events.delivery().acknowledged();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (events.delivery().acknowledged() == acked && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        resumed = Instant.now();
        Thread.sleep(8_000);
        gateway.stop();
        publisher.join(10_000);
        events.close();
        delivery = events.delivery();
      }
      Map<String, Integer> received = readAll(kafka.bootstrapServers(), topics);
      Set<String> missing = new TreeSet<>(handed.keys);
      missing.removeAll(received.keySet());
      report(
          "outage of %.1f s (broker stopped at %s, back at %s): %d events handed, %d in Kafka,"
              + " dropped %s; first acknowledgement %.1f s after the broker was back; longest"
              + " wait of the camera %.3f s",
          seconds(outageStart, brokerBack),
          outageStart,
          brokerBack,
          handed.keys.size(),
          received.size(),
          delivery.gaps(),
          seconds(brokerBack, resumed),
          handed.longestWaitNanos / 1e9);

      assertTrue(
          handed.longestWaitNanos < 2_000_000_000L,
          "the camera never waited on Kafka: longest wait " + handed.longestWaitNanos / 1e9 + " s");
      assertEquals(handed.keys.size(), new HashSet<>(handed.keys).size(), "distinct events");
      assertTrue(received.values().stream().allMatch(n -> n == 1), "no duplicates in Kafka");
      assertTrue(
          new HashSet<>(handed.keys).containsAll(received.keySet()),
          "Kafka holds only what was handed");
      assertEquals(0, delivery.failed(), "nothing failed");
      assertTrue(delivery.connected(), "connected again");
      assertEquals(1, delivery.gaps().size(), "one run of dropped events: " + delivery.gaps());
      KafkaCameraEvents.Gap gap = delivery.gaps().get(0);
      assertEquals(missing.size(), delivery.dropped(), "every event not in Kafka is counted");
      assertEquals(gap.events(), delivery.dropped());
      List<String> run = handed.run(missing);
      assertEquals(Set.copyOf(run), missing, "what is missing was handed over in one run");
      assertEquals(
          gap.from().toEpochMilli(), time(run.get(0)).toEpochMilli(), "the gap starts there");
      assertEquals(
          gap.to().toEpochMilli(), time(run.get(run.size() - 1)).toEpochMilli(), "and ends there");
      assertTrue(gap.from().isAfter(outageStart), "dropped only after the broker went");
      assertTrue(
          gap.to().isBefore(resumed.plusSeconds(2)), "dropping ended once Kafka acknowledged");
      assertTrue(
          seconds(outageStart, gap.from()) < 10,
          "8 MiB of an array camera fill within seconds: " + gap);
      long after = handed.keys.stream().filter(k -> time(k).isAfter(resumed)).count();
      assertTrue(after > 5 * 36, "a camera's 3 x 12 events a second published after: " + after);
      assertTrue(
          received.keySet().stream().filter(k -> time(k).isAfter(resumed)).count() == after,
          "every event after the broker was back is in Kafka");
      assertTrue(
          seconds(brokerBack, resumed) < 10, "acknowledged within 10 s of the broker being back");
    }
  }

  @Test
  void shouldLoseNothingWhenOneOfThreeBrokersDies() throws Exception {
    Topics topics = Topics.withPrefix("three.");
    try (LocalKafka kafka = LocalKafka.start(ROOT, dir.resolve("kafka"), 3)) {
      kafka.createTopics(
          2, topics.frames().name(), topics.audio().name(), topics.arrayAudio().name());
      int leader;
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        TopicDescription frames =
            admin
                .describeTopics(List.of(topics.frames().name()))
                .allTopicNames()
                .get()
                .values()
                .iterator()
                .next();
        int partition = Utils.toPositive(Utils.murmur2("cam-1".getBytes(StandardCharsets.UTF_8)));
        var camerasPartition = frames.partitions().get(partition % frames.partitions().size());
        assertEquals(3, camerasPartition.replicas().size(), "replication factor 3");
        leader = camerasPartition.leader().id();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, frames.name());
        String minIsr =
            admin
                .describeConfigs(List.of(topic))
                .all()
                .get()
                .get(topic)
                .get("min.insync.replicas")
                .value();
        assertEquals("2", minIsr);
      }
      SceneCamera camera = GatewayTest.camera("cam-1", Instant.now(), true);
      Handed handed = new Handed();
      KafkaCameraEvents.Delivery delivery;
      Instant killed;
      try (KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
          Gateway gateway =
              new Gateway(
                  List.of(camera),
                  new KafkaCameraEventsTest.Both(events, handed),
                  Gateway.Pace.REAL_TIME)) {
        Thread publisher = publisher(gateway);
        Thread.sleep(6_000);
        killed = Instant.now();
        kafka.killBroker(leader); // the leader of the camera's frames partition
        Thread.sleep(15_000);
        gateway.stop();
        publisher.join(10_000);
        events.close();
        delivery = events.delivery();
      }
      Map<String, Integer> received = readAll(kafka.bootstrapServers(), topics);
      long after = received.keySet().stream().filter(k -> time(k).isAfter(killed)).count();
      report(
          "node %d (leader) killed at %s: %d events handed, %d in Kafka, %d after the kill,"
              + " dropped %d, failed %d",
          leader,
          killed,
          handed.keys.size(),
          received.size(),
          after,
          delivery.dropped(),
          delivery.failed());
      assertEquals(new HashSet<>(handed.keys), received.keySet(), "every event is in Kafka");
      assertTrue(received.values().stream().allMatch(n -> n == 1), "no duplicates in Kafka");
      assertEquals(0, delivery.dropped());
      assertEquals(0, delivery.failed());
      assertTrue(after > 10 * 24, "a mono camera's 2 x 12 events a second after the kill");
    }
  }

  static Thread publisher(Gateway gateway) {
    Thread t =
        new Thread(
            () -> {
              try {
                gateway.run();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "gateway");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * The events a gateway handed over, as kind/stream/epoch-millis keys, and the longest wall time
   * between two handovers (how long Kafka held up the camera).
   */
  static final class Handed implements CameraEvents {
    final List<String> keys = new ArrayList<>();
    long longestWaitNanos;
    private long last;

    @Override
    public synchronized void frame(VideoFrame frame) {
      add("frames", frame.getStreamId(), frame.getTimestamp());
    }

    @Override
    public synchronized void audio(AudioChunk chunk) {
      add("audio", chunk.getStreamId(), chunk.getTimestamp());
    }

    @Override
    public synchronized void array(ArrayChunk chunk) {
      add("array", chunk.getStreamId(), chunk.getTimestamp());
    }

    private void add(String kind, CharSequence stream, Instant time) {
      long now = System.nanoTime();
      if (last != 0) {
        longestWaitNanos = Math.max(longestWaitNanos, now - last);
      }
      last = now;
      keys.add(key(kind, stream.toString(), time.toEpochMilli()));
    }

    /** The events handed over from the first to the last of {@code keys}, in handover order. */
    List<String> run(Set<String> keys) {
      int first = 0;
      while (first < this.keys.size() && !keys.contains(this.keys.get(first))) {
        first++;
      }
      int last = this.keys.size() - 1;
      while (last >= first && !keys.contains(this.keys.get(last))) {
        last--;
      }
      return this.keys.subList(first, last + 1);
    }
  }

  static String key(String kind, String stream, long millis) {
    return kind + "/" + stream + "/" + millis;
  }

  static Instant time(String key) {
    return Instant.ofEpochMilli(Long.parseLong(key.substring(key.lastIndexOf('/') + 1)));
  }

  /** How often each event key is in the gateway's topics, read to their ends. */
  static Map<String, Integer> readAll(String bootstrap, Topics topics) {
    Map<String, String> kinds =
        Map.of(
            topics.frames().name(),
            "frames",
            topics.audio().name(),
            "audio",
            topics.arrayAudio().name(),
            "array");
    Map<String, Integer> seen = new HashMap<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : kinds.keySet()) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertTrue(System.nanoTime() < deadline, "read the topics within 30 s");
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          seen.merge(key(kinds.get(r.topic()), r.key(), eventMillis(topics, r)), 1, Integer::sum);
        }
      }
    }
    return seen;
  }

  /** The event's own time: camera topics are stamped on arrival, so not the record's timestamp. */
  static long eventMillis(Topics topics, ConsumerRecord<String, byte[]> r) {
    String topic = r.topic();
    Instant time =
        topic.equals(topics.frames().name())
            ? topics.frames().values().deserialize(topic, r.value()).getTimestamp()
            : topic.equals(topics.audio().name())
                ? topics.audio().values().deserialize(topic, r.value()).getTimestamp()
                : topics.arrayAudio().values().deserialize(topic, r.value()).getTimestamp();
    return time.toEpochMilli();
  }

  static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1e3;
  }

  static void report(String format, Object... args) {
    System.out.println("BrokerFaultTest: " + String.format(Locale.ROOT, format, args));
  }
}
