package ai.avloc.alerts.delivery;

import static ai.avloc.alerts.delivery.DeliveryFixtures.W0;
import static ai.avloc.alerts.delivery.DeliveryFixtures.alert;
import static ai.avloc.alerts.delivery.DeliveryFixtures.json;
import static ai.avloc.alerts.delivery.DeliveryFixtures.queued;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.alerts.delivery.MqttRecorder.Received;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT sink against a real Mosquitto: Frigate-shaped events in order, the retained per-camera
 * sound state and level, camera ids with wildcards kept out of the topic structure, and events held
 * while the broker is away.
 */
class MqttSinkTest {
  static final Topics TOPICS = Topics.withPrefix("mqtt.");
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  static Mosquitto broker;

  @BeforeAll
  static void start() throws Exception {
    broker = new Mosquitto(Files.createDirectories(dir.resolve("shared"))).start();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  static MqttConfig config(String uri, String prefix) {
    return MqttConfig.of(uri)
        .withPrefix(prefix)
        .withClientId("sink-" + prefix)
        .withMaxReconnectDelay(Duration.ofMillis(500));
  }

  @Test
  void shouldPublishEventsInOrderAndHoldSoundOnUntilTheLastAlertEnds() throws Exception {
    String a = "dock/cam-1/" + W0;
    String b = "gate/cam-1/" + W0;
    try (MqttRecorder recorder = new MqttRecorder(broker.uri(), "rec-t1", "t1/#", false)) {
      MqttSink sink = new MqttSink(config(broker.uri(), "t1"));
      sink.start();
      sink.accept(queued(TOPICS, alert(a, "cam-1", AlertState.START, W0 + 2, 4f, 4f), 0));
      sink.accept(queued(TOPICS, alert(b, "cam-1", AlertState.START, W0 + 3, 1.5f, 1.5f), 1));
      sink.accept(queued(TOPICS, alert(a, "cam-1", AlertState.UPDATE, W0 + 4, 2.5f, 4f), 2));
      sink.accept(queued(TOPICS, alert(a, "cam-1", AlertState.END, W0 + 7, 0f, 4f), 3));
      sink.accept(queued(TOPICS, alert(b, "cam-1", AlertState.END, W0 + 8, 0f, 1.5f), 4));

      List<Received> events = recorder.await("t1/events", 5, WAIT);
      List<Received> levels = recorder.await("t1/cam-1/sound/level", 5, WAIT);
      List<Received> sound = recorder.await("t1/cam-1/sound", 2, WAIT);
      sink.close();

      List<JsonNode> bodies = events.stream().map(e -> json(e.payload())).toList();
      assertEquals(
          List.of("new " + a, "new " + b, "update " + a, "end " + a, "end " + b),
          bodies.stream()
              .map(j -> j.get("type").asText() + " " + j.get("after").get("id").asText())
              .toList());
      assertTrue(events.stream().noneMatch(Received::retained), "events are not retained");
      JsonNode update = bodies.get(2);
      assertEquals(4.0, update.get("before").get("score").asDouble());
      assertEquals(2.5, update.get("after").get("score").asDouble());
      assertEquals("sound", update.get("after").get("label").asText());
      JsonNode end = bodies.get(3);
      assertEquals(2.5, end.get("before").get("score").asDouble());
      assertEquals((W0 + 7) / 12.0, end.get("after").get("end_time").asDouble(), 1e-3);

      // ON at the first START, OFF only when the second alert ends
      assertEquals(List.of("ON", "OFF"), sound.stream().map(Received::payload).toList());
      // the highest contrast of the active alerts: 4, 4 (b at 1.5), 2.5, 1.5 (b alone), 0
      assertEquals(
          List.of("4", "4", "2.5", "1.5", "0"), levels.stream().map(Received::payload).toList());
      assertEquals(5, sink.counters().delivered());
      assertEquals(0, sink.counters().dropped());
    }
    // a newcomer (Home Assistant starting later) reads the retained state
    try (MqttRecorder late = new MqttRecorder(broker.uri(), "rec-t1-late", "t1/#", false)) {
      assertEquals("OFF", late.await("t1/cam-1/sound", 1, WAIT).get(0).payload());
      assertEquals("0", late.await("t1/cam-1/sound/level", 1, WAIT).get(0).payload());
      assertEquals("offline", late.await("t1/available", 1, WAIT).get(0).payload());
      assertTrue(late.on("t1/cam-1/sound").get(0).retained());
    }
  }

  @Test
  void shouldGoOnPublishingAfterAnAlertWhoseContrastIsNotANumber() throws Exception {
    try (MqttRecorder recorder = new MqttRecorder(broker.uri(), "rec-t6", "t6/#", false)) {
      MqttSink sink = new MqttSink(config(broker.uri(), "t6"));
      sink.start();
      float inf = Float.POSITIVE_INFINITY;
      sink.accept(queued(TOPICS, alert("i", "cam-a", AlertState.START, W0 + 2, inf, inf), 0));
      sink.accept(queued(TOPICS, alert("n", "cam-n", AlertState.START, W0 + 2, Float.NaN, 1f), 1));
      sink.accept(queued(TOPICS, alert("b", "cam-b", AlertState.START, W0 + 2, 2f, 2f), 2));
      assertEquals("ON", recorder.await("t6/cam-b/sound", 1, WAIT).get(0).payload());
      assertEquals("2", recorder.await("t6/cam-b/sound/level", 1, WAIT).get(0).payload());
      // the largest finite float, as a number a home-automation sensor can read
      assertEquals(
          new java.math.BigDecimal(Float.toString(Float.MAX_VALUE)).toPlainString(),
          recorder.await("t6/cam-a/sound/level", 1, WAIT).get(0).payload());
      assertEquals("0", recorder.await("t6/cam-n/sound/level", 1, WAIT).get(0).payload());
      sink.close();
    }
  }

  @Test
  void shouldLetGoOfTheCamerasOffLongestBeyondThoseItRemembers() throws Exception {
    try (MqttRecorder recorder = new MqttRecorder(broker.uri(), "rec-t7", "t7/#", false)) {
      MqttSink sink = new MqttSink(config(broker.uri(), "t7"), 2);
      sink.start();
      long offset = 0;
      sink.accept(
          queued(TOPICS, alert("on", "cam-on", AlertState.START, W0 + 2, 2f, 2f), offset++));
      for (String cam : List.of("cam-1", "cam-2", "cam-3")) {
        sink.accept(queued(TOPICS, alert(cam, cam, AlertState.START, W0 + 2, 2f, 2f), offset++));
        sink.accept(queued(TOPICS, alert(cam, cam, AlertState.END, W0 + 5, 0f, 2f), offset++));
      }
      assertEquals("OFF", recorder.await("t7/cam-3/sound", 2, WAIT).get(1).payload());
      // the camera still ON and the one OFF most recently; cam-1 and cam-2 let go
      assertEquals(2, sink.rememberedCameras());
      sink.close();
    }
  }

  @Test
  void shouldKeepCameraIdsWithWildcardsToOneTopicLevel() throws Exception {
    String camera = "site/gate+1#";
    try (MqttRecorder recorder = new MqttRecorder(broker.uri(), "rec-t2", "t2/#", false)) {
      MqttSink sink = new MqttSink(config(broker.uri(), "t2"));
      sink.start();
      sink.accept(queued(TOPICS, alert("x", camera, AlertState.START, W0 + 2, 3f, 3f), 0));
      assertEquals("ON", recorder.await("t2/site_gate_1_/sound", 1, WAIT).get(0).payload());
      assertEquals("online", recorder.await("t2/available", 1, WAIT).get(0).payload());
      JsonNode event = json(recorder.await("t2/events", 1, WAIT).get(0).payload());
      sink.close();
      assertEquals(camera, event.get("after").get("camera").asText(), "the JSON keeps the id");
    }
  }

  @Test
  void shouldHoldEventsWhileTheBrokerIsDownAndSendThemInOrderOnceItIsBack() throws Exception {
    try (Mosquitto own = new Mosquitto(Files.createDirectories(dir.resolve("outage")))) {
      own.start();
      // a persistent subscriber: the broker keeps its QoS 1 messages while it is away
      new MqttRecorder(own.uri(), "rec-t3", "t3/events", true).close();
      own.stop();

      MqttSink sink = new MqttSink(config(own.uri(), "t3"));
      sink.start();
      sink.accept(queued(TOPICS, alert("o", "cam-4", AlertState.START, W0 + 2, 2f, 2f), 0));
      sink.accept(queued(TOPICS, alert("o", "cam-4", AlertState.UPDATE, W0 + 3, 3f, 3f), 1));
      Thread.sleep(700);
      assertEquals(0, sink.counters().delivered(), "nothing delivered without a broker");
      assertTrue(sink.queued() >= 1, "events wait in the queue: " + sink.queued());

      own.start();
      try (MqttRecorder recorder = new MqttRecorder(own.uri(), "rec-t3", "t3/events", true)) {
        recorder.await("t3/events", 2, WAIT);
        // a second outage, after the first connect: Paho's automatic reconnect
        own.stop();
        sink.accept(queued(TOPICS, alert("o", "cam-4", AlertState.END, W0 + 6, 0f, 3f), 2));
        Thread.sleep(300);
        own.start();
      }
      try (MqttRecorder recorder = new MqttRecorder(own.uri(), "rec-t3", "t3/events", true)) {
        List<Received> events = recorder.await("t3/events", 1, WAIT);
        sink.close();
        assertEquals("end", json(events.get(0).payload()).get("type").asText());
      }
      assertEquals(3, sink.counters().delivered());
      assertEquals(0, sink.counters().dropped());
    }
  }

  @Test
  void shouldDropTheOldestEventAndCountItWhenTheQueueIsFull() throws Exception {
    try (Mosquitto absent = new Mosquitto(Files.createDirectories(dir.resolve("absent")))) {
      MqttSink sink = new MqttSink(config(absent.uri(), "t4").withQueueCapacity(2));
      sink.start();
      sink.accept(queued(TOPICS, alert("q", "cam-5", AlertState.START, W0, 2f, 2f), 0));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (sink.queued() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10); // until the worker holds it, waiting for the broker
      }
      for (int i = 1; i < 6; i++) {
        sink.accept(queued(TOPICS, alert("q", "cam-5", AlertState.UPDATE, W0 + i, 2f, 2f), i));
      }
      // the worker holds the first, the queue the last two: the three between are dropped
      assertEquals(3, sink.counters().dropped());
      assertEquals(2, sink.queued());
      sink.close(java.time.Instant.now());
      assertEquals(6, sink.counters().dropped(), "the rest dropped at close, none delivered");
    }
  }

  @Test
  void shouldTurnSoundOffWhenAFullQueueDropsTheEnd() throws Exception {
    try (Mosquitto late = new Mosquitto(Files.createDirectories(dir.resolve("late")))) {
      MqttSink sink = new MqttSink(config(late.uri(), "t5").withQueueCapacity(2));
      sink.start();
      sink.accept(queued(TOPICS, alert("a", "cam-6", AlertState.START, W0, 2f, 2f), 0));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (sink.queued() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10); // until the worker holds it, waiting for the broker
      }
      sink.accept(queued(TOPICS, alert("a", "cam-6", AlertState.UPDATE, W0 + 1, 3f, 3f), 1));
      sink.accept(queued(TOPICS, alert("a", "cam-6", AlertState.END, W0 + 2, 0f, 3f), 2));
      // full: the UPDATE makes room first, then (no UPDATE left) the oldest, a's END
      sink.accept(queued(TOPICS, alert("b", "cam-7", AlertState.START, W0 + 3, 1f, 1f), 3));
      sink.accept(queued(TOPICS, alert("b", "cam-7", AlertState.END, W0 + 4, 0f, 1f), 4));
      assertEquals(2, sink.counters().dropped());

      late.start();
      deadline = System.nanoTime() + WAIT.toNanos();
      while (sink.counters().delivered() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      // the retained state a newcomer (Home Assistant) reads once the queue is through
      try (MqttRecorder newcomer = new MqttRecorder(late.uri(), "rec-t5", "t5/#", false)) {
        assertEquals(
            "OFF",
            newcomer.await("t5/cam-6/sound", 1, WAIT).get(0).payload(),
            "a's END was dropped, yet its camera's sound ends OFF");
        assertEquals("0", newcomer.await("t5/cam-6/sound/level", 1, WAIT).get(0).payload());
        assertEquals("OFF", newcomer.await("t5/cam-7/sound", 1, WAIT).get(0).payload());
      }
      sink.close();
      assertEquals(3, sink.counters().delivered());
      assertEquals(2, sink.counters().dropped());
    }
  }
}
