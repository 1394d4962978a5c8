package ai.avloc.alerts.delivery;

import static ai.avloc.alerts.delivery.DeliveryFixtures.W0;
import static ai.avloc.alerts.delivery.DeliveryFixtures.alert;
import static ai.avloc.alerts.delivery.DeliveryFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: alerts on a real broker's alerts topic reach a webhook (the JDK's HTTP server) and a
 * real Mosquitto through {@link AlertDelivery}, in order; an undecodable record is dead-lettered
 * and delivery goes on; the group's committed offsets reach the end of the topic.
 */
class AlertDeliveryKafkaTest {
  static final Topics TOPICS = Topics.withPrefix("deliver.");
  static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;

  @Test
  void shouldDeliverTheAlertsTopicToAWebhookAndMqttAndDeadLetterGarbage() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    String id = "dock/cam-1/" + W0;
    List<Alert> alerts =
        List.of(
            alert(id, "cam-1", AlertState.START, W0 + 2, 4f, 4f),
            alert(id, "cam-1", AlertState.UPDATE, W0 + 3, 3f, 4f),
            alert(id, "cam-1", AlertState.END, W0 + 6, 0f, 4f));
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Mosquitto broker = new Mosquitto(dir).start();
        MqttRecorder recorder = new MqttRecorder(broker.uri(), "rec-e2e", "e2e/#", false)) {
      kafka.createTopics(2, TOPICS.alerts().name());
      kafka.createTopics(1, TOPICS.deadLetters().name());
      try (AlertDelivery delivery =
              AlertDelivery.builder()
                  .bootstrapServers(kafka.bootstrapServers())
                  .topicPrefix("deliver.")
                  .groupId("e2e-delivery")
                  .fromBeginning(true)
                  .webhook(
                      WebhookConfig.of(
                          "http://127.0.0.1:" + server.getAddress().getPort() + "/hook"))
                  .mqtt(MqttConfig.of(broker.uri()).withPrefix("e2e"))
                  .build();
          KafkaProducer<String, byte[]> producer = producer(kafka)) {
        delivery.start();
        String topic = TOPICS.alerts().name();
        for (Alert a : alerts) {
          producer.send(
              new ProducerRecord<>(topic, "cam-1", TOPICS.alerts().values().serialize(topic, a)));
          if (a.getState() == AlertState.START) {
            producer.send(
                new ProducerRecord<>(topic, "cam-1", "garbage".getBytes(StandardCharsets.UTF_8)));
          }
        }
        producer.flush();

        List<MqttRecorder.Received> events = recorder.await("e2e/events", 3, WAIT);
        await(() -> bodies.size() == 3, "3 webhook posts");
        List<String> sound =
            recorder.await("e2e/cam-1/sound", 2, WAIT).stream()
                .map(MqttRecorder.Received::payload)
                .toList();

        assertEquals(List.of("new", "update", "end"), types(bodies));
        assertEquals(bodies, events.stream().map(MqttRecorder.Received::payload).toList());
        assertEquals(List.of("ON", "OFF"), sound);
        assertEquals(3, delivery.alerts());
        assertEquals(1, delivery.undecodable());
        for (AlertSink sink : delivery.sinks()) {
          assertEquals(3, sink.counters().delivered(), sink.name());
        }
        assertTrue(delivery.counters().startsWith("alerts=3 undecodable=1 | webhook http://"));
        await(() -> committedToTheEnd(kafka), "offsets committed to the end of the topic");
      }
      try (TopicReader<DeadLetter> reader =
          TopicReader.on(kafka.bootstrapServers()).open(TOPICS.deadLetters())) {
        List<DeadLetter> letters =
            reader.read(TopicReader.Until.count(1).thenQuiet(Duration.ofMillis(300)));
        assertEquals(1, letters.size());
        assertEquals("decode", letters.get(0).getStage());
        assertEquals(1, letters.get(0).getOffset(), "the record after the START");
        assertEquals(
            "garbage", StandardCharsets.UTF_8.decode(letters.get(0).getValue()).toString());
      }
    } finally {
      server.stop(0);
    }
  }

  private static List<String> types(List<String> bodies) {
    return bodies.stream().map(b -> json(b).get("type").asText()).toList();
  }

  private static boolean committedToTheEnd(EmbeddedKafka kafka) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("e2e-delivery").partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (int p = 0; p < 2; p++) {
        latest.put(new TopicPartition(TOPICS.alerts().name(), p), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      return ends.entrySet().stream()
          .allMatch(
              e ->
                  e.getValue().offset() == 0
                      || (committed.get(e.getKey()) != null
                          && committed.get(e.getKey()).offset() == e.getValue().offset()));
    } catch (Exception e) {
      return false;
    }
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
