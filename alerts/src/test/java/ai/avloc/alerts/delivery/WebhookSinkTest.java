package ai.avloc.alerts.delivery;

import static ai.avloc.alerts.delivery.DeliveryFixtures.W0;
import static ai.avloc.alerts.delivery.DeliveryFixtures.alert;
import static ai.avloc.alerts.delivery.DeliveryFixtures.json;
import static ai.avloc.alerts.delivery.DeliveryFixtures.queued;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The webhook sink against a real HTTP server (the JDK's) and a real broker for its dead letters:
 * signed Frigate-shaped events in order, a retry after a 500, dead letters after the last try or a
 * refusal, and a hanging endpoint that holds up no other sink.
 */
class WebhookSinkTest {
  static final Topics TOPICS = Topics.withPrefix("webhook.");
  static final String SECRET = "s3cret";

  static EmbeddedKafka kafka;
  static HttpServer server;
  static ExecutorService handlers;
  static DeadLetterSender deadLetters;
  static final CountDownLatch RELEASE_HANGING = new CountDownLatch(1);

  /** A request as the server saw it. */
  record Request(Map<String, List<String>> headers, String body, long atNanos) {
    String header(String name) {
      return headers.get(name) == null ? null : headers.get(name).get(0);
    }
  }

  @BeforeAll
  static void start() throws IOException {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(1, TOPICS.alerts().name(), TOPICS.deadLetters().name());
    deadLetters = DeadLetterSender.to(kafka.bootstrapServers(), TOPICS.deadLetters());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    handlers = Executors.newCachedThreadPool();
    server.setExecutor(handlers);
    server.start();
  }

  @AfterAll
  static void stop() {
    RELEASE_HANGING.countDown();
    server.stop(0);
    handlers.shutdownNow();
    deadLetters.close();
    kafka.close();
  }

  /** Records every request to {@code path} and answers with the next of {@code statuses}. */
  static List<Request> endpoint(String path, int... statuses) {
    List<Request> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    server.createContext(
        path,
        exchange -> {
          requests.add(read(exchange));
          int i = next.getAndIncrement();
          int status = statuses[Math.min(i, statuses.length - 1)];
          byte[] body = ("answer " + status).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    return requests;
  }

  static Request read(HttpExchange exchange) throws IOException {
    return new Request(
        Map.copyOf(exchange.getRequestHeaders()),
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
        System.nanoTime());
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  static WebhookConfig fast(String url) {
    return WebhookConfig.of(url)
        .withTimeout(Duration.ofSeconds(2))
        .withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
  }

  static void await(java.util.function.BooleanSupplier done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(10);
    }
  }

  static String hmac(String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void shouldPostSignedFrigateEventsInOrderWithBeforeAndAfter() throws Exception {
    List<Request> requests = endpoint("/signed", 200);
    String id = "dock/cam-1/" + W0;
    WebhookSink sink = new WebhookSink(fast(url("/signed")).withSecret(SECRET), deadLetters);
    sink.start();
    long before = System.currentTimeMillis() / 1000;
    sink.accept(queued(TOPICS, alert(id, "cam-1", AlertState.START, W0 + 2, 4f, 4f), 0));
    sink.accept(queued(TOPICS, alert(id, "cam-1", AlertState.UPDATE, W0 + 3, 2.5f, 4f), 1));
    sink.accept(queued(TOPICS, alert(id, "cam-1", AlertState.END, W0 + 6, 0f, 4f), 2));
    await(() -> sink.counters().delivered() == 3, "3 events delivered");
    sink.close();

    assertEquals(3, requests.size());
    List<JsonNode> bodies = new ArrayList<>();
    for (Request r : requests) {
      assertEquals("application/json", r.header("Content-type"));
      long timestamp = Long.parseLong(r.header("X-avloc-timestamp"));
      assertTrue(timestamp >= before && timestamp <= before + 10, "timestamp " + timestamp);
      assertEquals(
          "sha256=" + hmac(timestamp + "." + r.body()), r.header("X-avloc-signature"), r.body());
      bodies.add(json(r.body()));
    }
    assertEquals(
        List.of(id + "@" + (W0 + 2) + ":new", id + "@" + (W0 + 3) + ":update"),
        List.of(
            requests.get(0).header("X-avloc-event-id"),
            requests.get(1).header("X-avloc-event-id")));
    assertEquals(
        List.of("new", "update", "end"), bodies.stream().map(b -> b.get("type").asText()).toList());

    JsonNode start = bodies.get(0).get("after");
    assertEquals(id, start.get("id").asText());
    assertEquals("cam-1", start.get("camera").asText());
    assertEquals("sound", start.get("label").asText());
    assertEquals("Loading dock", start.get("sub_label").asText());
    assertEquals("dock", start.get("rule_id").asText());
    assertEquals(W0 / 12.0, start.get("start_time").asDouble(), 1e-3);
    assertTrue(start.get("end_time").isNull());
    assertEquals(4.0, start.get("score").asDouble());
    assertEquals(0.25, start.get("position").get("u").asDouble());
    assertEquals(0.5, start.get("position").get("v").asDouble());
    assertEquals(W0 + 2, start.get("window").asLong());
    assertEquals(start, bodies.get(0).get("before"), "a new event's before is itself");

    JsonNode update = bodies.get(1);
    assertEquals(4.0, update.get("before").get("score").asDouble());
    assertEquals(2.5, update.get("after").get("score").asDouble());
    assertEquals(4.0, update.get("after").get("top_score").asDouble());

    // epoch seconds written plainly, as Frigate does (W0 is 1764369600 s)
    assertTrue(
        requests.get(0).body().contains("\"start_time\":1764369600,"), requests.get(0).body());
    assertTrue(
        requests.get(2).body().contains("\"end_time\":1764369600.5,"), requests.get(2).body());
    JsonNode end = bodies.get(2);
    assertEquals(2.5, end.get("before").get("score").asDouble());
    assertEquals((W0 + 6) / 12.0, end.get("after").get("end_time").asDouble(), 1e-3);
    assertEquals(0.0, end.get("after").get("score").asDouble());
    assertTrue(end.get("after").get("position").isNull());
    assertEquals(0, sink.counters().retried());
  }

  @Test
  void shouldEncodeIdsAHeaderCannotHoldAndKeepDeliveringTheAlertsBehind() throws Exception {
    List<Request> requests = endpoint("/ids", 200);
    WebhookSink sink = new WebhookSink(fast(url("/ids")), deadLetters);
    sink.start();
    sink.accept(
        queued(TOPICS, alert("dock/кухня/1", "кухня", AlertState.START, W0 + 2, 3f, 3f), 0));
    sink.accept(queued(TOPICS, alert("dock/a\nb%/1", "a\nb", AlertState.START, W0 + 2, 3f, 3f), 1));
    sink.accept(
        queued(TOPICS, alert("dock/cam-1/1", "cam-1", AlertState.START, W0 + 2, 3f, 3f), 2));
    await(() -> sink.counters().delivered() == 3, "all 3 delivered");
    sink.close();

    assertEquals(3, requests.size());
    assertEquals(
        List.of(
            "dock/%D0%BA%D1%83%D1%85%D0%BD%D1%8F/1@" + (W0 + 2) + ":new",
            "dock/a%0Ab%25/1@" + (W0 + 2) + ":new",
            "dock/cam-1/1@" + (W0 + 2) + ":new"),
        requests.stream().map(r -> r.header("X-avloc-event-id")).toList());
    assertEquals("кухня", json(requests.get(0).body()).get("after").get("camera").asText());
    assertEquals(0, sink.counters().deadLettered());
  }

  @Test
  void shouldNotWaitForABodyThatStallsHalfway() throws Exception {
    // each answer promises 500 bytes, sends 10 and hangs: 200, then 503, then 200
    List<Request> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    int[] statuses = {200, 503, 200};
    AtomicInteger next = new AtomicInteger();
    server.createContext(
        "/stall",
        exchange -> {
          requests.add(read(exchange));
          exchange.sendResponseHeaders(statuses[Math.min(next.getAndIncrement(), 2)], 500);
          exchange.getResponseBody().write("half an a".getBytes(StandardCharsets.UTF_8));
          exchange.getResponseBody().flush();
          try {
            RELEASE_HANGING.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    WebhookSink sink = new WebhookSink(fast(url("/stall")), deadLetters);
    sink.start();
    sink.accept(queued(TOPICS, alert("s-1", "cam-1", AlertState.START, W0 + 2, 3f, 3f), 0));
    sink.accept(queued(TOPICS, alert("s-2", "cam-2", AlertState.START, W0 + 2, 3f, 3f), 1));
    // the first at its 200; the second after its 503's body timed out (2 s) and a retry
    await(() -> sink.counters().delivered() == 2, "both delivered");
    sink.close();
    assertEquals(3, requests.size());
    assertEquals(1, sink.counters().retried());
  }

  @Test
  void shouldRetryAfterA500AndThenDeliver() throws Exception {
    List<Request> requests = endpoint("/flaky", 500, 200);
    WebhookSink sink = new WebhookSink(fast(url("/flaky")), deadLetters);
    sink.start();
    sink.accept(queued(TOPICS, alert("a-500", "cam-1", AlertState.START, W0 + 2, 3f, 3f), 0));
    await(() -> sink.counters().delivered() == 1, "delivered after the retry");
    sink.close();

    assertEquals(2, requests.size());
    assertEquals(requests.get(0).body(), requests.get(1).body());
    assertEquals(
        requests.get(0).header("X-avloc-event-id"), requests.get(1).header("X-avloc-event-id"));
    assertFalse(requests.get(0).headers().containsKey("X-avloc-signature"), "no secret, no sign");
    long pauseMillis = (requests.get(1).atNanos() - requests.get(0).atNanos()) / 1_000_000;
    assertTrue(pauseMillis >= 100, "waited the first backoff, 100 ms: " + pauseMillis);
    assertEquals(1, sink.counters().retried());
    assertEquals(0, sink.counters().deadLettered());
  }

  @Test
  void shouldDeadLetterAfterTheLastTryOrARefusalNamingTheUrlAndStatus() throws Exception {
    List<Request> broken = endpoint("/broken", 503);
    List<Request> missing = endpoint("/missing", 404);
    String brokenUrl = url("/broken").replace("http://", "http://user:pw@");
    WebhookSink retrying = new WebhookSink(fast(brokenUrl).withTries(3), deadLetters);
    WebhookSink refused = new WebhookSink(fast(url("/missing")), deadLetters);
    retrying.start();
    refused.start();
    QueuedAlert event =
        queued(TOPICS, alert("a-503", "cam-2", AlertState.START, W0 + 2, 3f, 3f), 7);
    retrying.accept(event);
    refused.accept(queued(TOPICS, alert("a-404", "cam-2", AlertState.START, W0 + 2, 3f, 3f), 8));
    await(
        () -> retrying.counters().deadLettered() == 1 && refused.counters().deadLettered() == 1,
        "both dead-lettered");
    retrying.close();
    refused.close();

    assertEquals(3, broken.size(), "3 tries");
    assertEquals(2, retrying.counters().retried());
    assertEquals(1, missing.size(), "a 404 is not tried again");
    List<DeadLetter> letters;
    try (TopicReader<DeadLetter> reader =
        TopicReader.on(kafka.bootstrapServers()).open(TOPICS.deadLetters())) {
      letters =
          new ArrayList<>(reader.read(TopicReader.Until.count(2).within(Duration.ofSeconds(10))));
    }
    letters.sort(java.util.Comparator.comparingLong(DeadLetter::getOffset));
    assertEquals(2, letters.size());
    DeadLetter gaveUp = letters.get(0);
    assertEquals("webhook", gaveUp.getStage());
    assertEquals(TOPICS.alerts().name(), gaveUp.getTopic());
    assertEquals(7, gaveUp.getOffset());
    assertEquals(
        "webhook http://***@127.0.0.1:"
            + server.getAddress().getPort()
            + "/broken failed 3 of 3 tries, last: HTTP 503 'answer 503'",
        gaveUp.getError());
    assertArrayEquals(event.source().value(), bytes(gaveUp.getValue()), "the record, to replay");
    assertEquals(Instant.ofEpochMilli(event.source().timestamp()), gaveUp.getRecordTimestamp());
    assertEquals(
        "webhook " + url("/missing") + " refused on try 1 (not retried): HTTP 404 'answer 404'",
        letters.get(1).getError());
  }

  @Test
  void shouldNotDelayASecondSinkWhileOneEndpointHangs() throws Exception {
    server.createContext(
        "/hanging",
        exchange -> {
          try {
            RELEASE_HANGING.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    List<Request> fast = endpoint("/fast", 204);
    WebhookSink hanging =
        new WebhookSink(
            fast(url("/hanging")).withTimeout(Duration.ofSeconds(10)).withTries(1), deadLetters);
    WebhookSink healthy = new WebhookSink(fast(url("/fast")), deadLetters);
    hanging.start();
    healthy.start();
    long t0 = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      QueuedAlert event =
          queued(
              TOPICS,
              alert(
                  "a-hang",
                  "cam-3",
                  i == 0 ? AlertState.START : AlertState.UPDATE,
                  W0 + 2 + i,
                  2f,
                  2f),
              20 + i);
      hanging.accept(event);
      healthy.accept(event);
    }
    await(() -> healthy.counters().delivered() == 5, "the healthy sink delivered all 5");
    long millis = (System.nanoTime() - t0) / 1_000_000;

    assertTrue(
        millis < 5000, "5 events in " + millis + " ms, well inside the hanging 10 s timeout");
    assertEquals(0, hanging.counters().delivered());
    assertTrue(
        hanging.queued() >= 4, "the hanging sink still holds its events: " + hanging.queued());
    assertEquals(5, fast.size());
    healthy.close();
    hanging.close(Instant.now());
    assertEquals(5, hanging.counters().deadLettered(), "given up at close, each dead-lettered");
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
