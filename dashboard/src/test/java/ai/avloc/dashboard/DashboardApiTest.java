package ai.avloc.dashboard;

import static ai.avloc.dashboard.Records.alert;
import static ai.avloc.dashboard.Records.frame;
import static ai.avloc.dashboard.Records.localization;
import static ai.avloc.dashboard.Records.start;
import static ai.avloc.dashboard.Records.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.dashboard.access.PasswordHash;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.Topic;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API against a real broker: what the pages and scripts rely on. */
class DashboardApiTest {
  static final String TOKEN = "test-token-0123456789";
  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] JPEG_A = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
  static final byte[] JPEG_B = {(byte) 0xFF, (byte) 0xD8, 4, 5, 6, (byte) 0xFF, (byte) 0xD9};

  static EmbeddedKafka kafka;
  static Topics topics;
  static Dashboard dashboard;
  static KafkaProducer<String, byte[]> producer;
  static HttpClient http;
  static String base;
  static long w0;

  @BeforeAll
  static void startAll() {
    kafka = EmbeddedKafka.start();
    topics = Topics.withPrefix("dash.");
    dashboard = new Dashboard(config()).start();
    base = "http://127.0.0.1:" + dashboard.port();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    w0 = Math.floorDiv(System.currentTimeMillis() * 12, 1000);
  }

  @AfterAll
  static void stopAll() throws Exception {
    producer.close();
    dashboard.close();
    kafka.close();
  }

  /** A dashboard on the test broker's "dash." topics, on a free port, with the test token. */
  static DashboardConfig config() {
    return DashboardConfig.local(kafka.bootstrapServers())
        .withTopicPrefix("dash.")
        .withPort(0)
        .withToken(TOKEN);
  }

  static <V extends SpecificRecord> void send(Topic<V> topic, String key, V value)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic.name(),
                key,
                value == null ? null : topic.values().serialize(topic.name(), value)))
        .get();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> api(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Reads a live event stream line by line, as the token's user, until cancelled. */
  static CompletableFuture<HttpResponse<Void>> follow(String url, Consumer<String> line) {
    HttpRequest live =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Accept", "text/event-stream")
            .build();
    return http.sendAsync(
        live,
        HttpResponse.BodyHandlers.fromLineSubscriber(
            new Flow.Subscriber<String>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(String item) {
                line.accept(item);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onComplete() {}
            }));
  }

  static JsonNode json(String path) throws Exception {
    HttpResponse<String> r = api("GET", path, null);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  /** Polls the path until the answer satisfies the check (the follower is asynchronous). */
  static JsonNode await(String path, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = api("GET", path, null);
      if (r.statusCode() == 200) {
        last = JSON.readTree(r.body());
        if (ready.test(last)) {
          return last;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(path + " never became ready; last answer " + last);
  }

  static JsonNode camera(JsonNode cameras, String id) {
    for (JsonNode c : cameras) {
      if (c.get("streamId").asText().equals(id)) {
        return c;
      }
    }
    return null;
  }

  @Test
  void shouldRefuseEveryoneWithoutTheToken() throws Exception {
    assertEquals(401, get("/api/cameras").statusCode());
    assertEquals(
        401, get("/api/cameras", "Authorization", "Bearer wrong-token-0123456789").statusCode());
    assertTrue(get("/api/cameras").body().contains("sign in first"));
    HttpResponse<String> page = get("/");
    assertEquals(303, page.statusCode());
    assertEquals("/login.html", page.headers().firstValue("Location").orElseThrow());
    assertEquals(200, get("/api/cameras", "Authorization", "Bearer " + TOKEN).statusCode());
  }

  @Test
  void shouldKeepEveryPageAndAssetButTheLoginPagesBehindTheSession() throws Exception {
    for (String path : List.of("/camera%2Ehtml", "/index.htm%6C", "/js/api.js", "/alerts.html")) {
      HttpResponse<String> r = get(path);
      assertEquals(303, r.statusCode(), path);
      assertEquals("/login.html", r.headers().firstValue("Location").orElseThrow(), path);
    }
    for (String path : List.of("/login.html", "/js/login.js", "/css/app.css")) {
      assertEquals(200, get(path).statusCode(), path);
    }
  }

  @Test
  void shouldHoldAtMostEightLiveStreamsPerSession() throws Exception {
    List<Socket> sockets = new java.util.ArrayList<>();
    try (Dashboard hub = new Dashboard(config()).start()) {
      for (int i = 0; i < 10; i++) {
        Socket s = new Socket("127.0.0.1", hub.port());
        sockets.add(s);
        s.getOutputStream()
            .write(
                ("GET /api/live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                        + "Authorization: Bearer "
                        + TOKEN
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (hub.liveClients() < 8 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(300);
      assertEquals(8, hub.liveClients());
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  void shouldRefuseAnAddressAfterTenFailedSignInsWithoutCheckingMore() throws Exception {
    try (Dashboard guarded = new Dashboard(config()).start()) {
      String at = "http://127.0.0.1:" + guarded.port();
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> wrong =
            post(at + "/api/login", "{\"token\":\"guess-" + i + "-0123456789\"}", Map.of());
        assertEquals(401, wrong.statusCode());
      }
      HttpResponse<String> right =
          post(at + "/api/login", "{\"token\":\"" + TOKEN + "\"}", Map.of());
      assertEquals(429, right.statusCode(), "even the right token waits: the address is refused");
      assertTrue(right.body().contains("too many failed sign-ins"), right.body());
      HttpResponse<String> bearer =
          http.send(
              HttpRequest.newBuilder(URI.create(at + "/api/cameras"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(429, bearer.statusCode());
    }
  }

  @Test
  void shouldShowEachCamerasLatestMapFrameAndHealth() throws Exception {
    Instant now = Instant.now();
    send(topics.cameraStatus(), "gate", status("gate", CameraState.CONNECTED, now));
    send(topics.frames(), "gate", frame("gate", 41, start(w0 + 1), JPEG_A));
    send(topics.localizations(), "gate", localization("gate", w0, 5, 5, 2));
    send(topics.localizations(), "gate", localization("gate", w0 + 1, 14, 29, 4));

    JsonNode gate =
        camera(
            await(
                "/api/cameras",
                c ->
                    camera(c, "gate") != null
                        && camera(c, "gate").get("lastWindow").asLong() == w0 + 1),
            "gate");
    assertEquals("MONO", gate.get("mode").asText());
    assertEquals("CONNECTED", gate.get("health").get("state").asText());
    assertEquals(-31.5, gate.get("health").get("audioDbfs").asDouble(), 1e-6);
    assertEquals("north", gate.get("health").get("labels").get("site").asText());
    assertEquals(41, gate.get("frameSequence").asLong());
    assertFalse(gate.get("silent").asBoolean());

    JsonNode latest = json("/api/cameras/gate/latest");
    assertEquals(w0 + 1, latest.get("window").asLong());
    assertEquals(14, latest.get("peaks").get(0).get("row").asInt());
    assertEquals(29, latest.get("peaks").get(0).get("col").asInt());
    // the map decodes to 36 x 48 little-endian floats whose maximum is the peak's cell
    ByteBuffer energy =
        ByteBuffer.wrap(Base64.getDecoder().decode(latest.get("energy").asText()))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(36 * 48 * 4, energy.remaining());
    int best = 0;
    for (int i = 1; i < 36 * 48; i++) {
      best = energy.getFloat(i * 4) > energy.getFloat(best * 4) ? i : best;
    }
    assertEquals(14 * 48 + 29, best);

    HttpResponse<byte[]> jpeg =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/cameras/gate/frame.jpg"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElseThrow());
    assertArrayEquals(JPEG_A, jpeg.body());

    JsonNode timeline = json("/api/cameras/gate/timeline?seconds=60");
    assertEquals(2, timeline.get("points").size());
    assertEquals(4.0, timeline.get("points").get(1).get("contrast").asDouble(), 1e-6);
    assertEquals(404, api("GET", "/api/cameras/nobody/latest", null).statusCode());
  }

  @Test
  void shouldFoldAnAlertsLifecycleAndKeepTheSnapshotOfItsStrongestWindow() throws Exception {
    String cam = "site/yard-2"; // ids may hold '/', as alert ids always do
    long w = w0 + 100;
    send(topics.frames(), cam, frame(cam, 7, start(w), JPEG_A));
    send(topics.localizations(), cam, localization(cam, w, 10, 20, 3));
    await("/api/cameras/site/yard-2/latest", l -> l.get("window").asLong() == w);
    send(topics.alerts(), cam, alert("loud", cam, w - 12, AlertState.START, w, 3));
    String id = "loud/" + cam + "/" + (w - 12);
    JsonNode started = await("/api/alerts/" + id, a -> a.get("snapshot").asBoolean());
    assertTrue(started.get("active").asBoolean());
    assertEquals(start(w - 12).toEpochMilli(), started.get("start").asLong());

    // a stronger window later moves the snapshot to it, with the frame shown then
    send(topics.frames(), cam, frame(cam, 8, start(w + 5), JPEG_B));
    send(topics.localizations(), cam, localization(cam, w + 5, 11, 21, 6));
    await("/api/cameras/site/yard-2/latest", l -> l.get("window").asLong() == w + 5);
    send(topics.alerts(), cam, alert("loud", cam, w - 12, AlertState.UPDATE, w + 5, 6));
    send(topics.alerts(), cam, alert("loud", cam, w - 12, AlertState.UPDATE, w + 6, 2));
    send(topics.alerts(), cam, alert("loud", cam, w - 12, AlertState.END, w + 30, 0));
    JsonNode ended = await("/api/alerts/" + id, a -> !a.get("active").asBoolean());
    assertEquals(w + 5, ended.get("peakWindow").asLong());
    assertEquals(6.0, ended.get("peakContrast").asDouble(), 1e-6);
    assertEquals(42 / 12.0, ended.get("durationSeconds").asDouble(), 0.002);
    JsonNode snapshot = json("/api/alerts/" + id + "/snapshot");
    assertEquals(w + 5, snapshot.get("localization").get("window").asLong());
    HttpResponse<byte[]> jpeg =
        http.send(
            HttpRequest.newBuilder(URI.create(base + snapshot.get("frameUrl").asText()))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(JPEG_B, jpeg.body());

    assertEquals(0, json("/api/alerts?state=active&camera=" + cam).size());
    assertEquals(1, json("/api/alerts?state=ended&camera=" + cam).size());
    assertEquals(400, api("GET", "/api/alerts?state=open", null).statusCode());
    JsonNode acked = JSON.readTree(api("POST", "/api/alerts/" + id + "/ack", null).body());
    assertTrue(acked.get("acknowledged").asBoolean());
    assertEquals("token", acked.get("acknowledgedBy").asText());

    JsonNode clip = json("/api/alerts/" + id + "/clip");
    assertEquals(2, clip.get("frames").size());
    assertEquals(2, clip.get("localizations").size());
    assertTrue(
        clip.get("replay").asText().startsWith("./avloc replay --stream '" + cam + "' "),
        clip.get("replay").asText());
  }

  @Test
  void shouldEndAClipAtItsByteBudgetCountingOnlyTheFramesItShows() throws Exception {
    String cam = "large-frames";
    long from = System.currentTimeMillis() - 1000; // the records are stamped on arrival, now
    byte[] jpeg = new byte[100_000];
    // five frames just before the clip's range (within the read's slack), then eight in it
    for (int i = 0; i < 13; i++) {
      long t = i < 5 ? from - 2000 + i * 100 : from + (i - 5) * 100;
      send(topics.frames(), cam, frame(cam, i, Instant.ofEpochMilli(t), jpeg));
    }
    ClipReader reader = new ClipReader(config().kafka(), topics, 350_000);
    ClipReader.Clip clip = reader.tryRead(cam, from, from + 10_000).orElseThrow();
    // 3 frames of 100 kB fit 350 kB; the five outside the range cost nothing
    assertEquals(
        List.of(from, from + 100, from + 200),
        clip.frames().stream().map(ClipReader.ClipFrame::t).toList());
  }

  @Test
  void shouldPublishAValidZoneAsARuleAndRefuseBadOnesNamingTheProblem() throws Exception {
    send(topics.localizations(), "door", localization("door", w0 + 200, 3, 3, 2));
    await("/api/cameras", c -> camera(c, "door") != null);

    HttpResponse<String> bowTie =
        api(
            "POST",
            "/api/rules",
            "{\"name\":\"bow\",\"streamIds\":[\"door\"],\"zone\":[{\"u\":0.1,\"v\":0.1},{\"u\":0.9,\"v\":0.9},{\"u\":0.1,\"v\":0.9},{\"u\":0.9,\"v\":0.1}]}");
    assertEquals(400, bowTie.statusCode());
    assertTrue(bowTie.body().contains("edge 0 crosses edge 2"), bowTie.body());
    HttpResponse<String> twoPoints =
        api(
            "POST",
            "/api/rules",
            "{\"name\":\"line\",\"zone\":[{\"u\":0.1,\"v\":0.1},{\"u\":0.9,\"v\":0.9}]}");
    assertTrue(twoPoints.body().contains("has 2 point(s)"), twoPoints.body());
    HttpResponse<String> outside =
        api(
            "POST",
            "/api/rules",
            "{\"name\":\"out\",\"zone\":[{\"u\":0.1,\"v\":0.1},{\"u\":1.2,\"v\":0.1},{\"u\":0.5,\"v\":0.5}]}");
    assertTrue(outside.body().contains("zone[1].u: is 1.2"), outside.body());
    HttpResponse<String> unknown =
        api("POST", "/api/rules", "{\"name\":\"ghost\",\"streamIds\":[\"nowhere\"]}");
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("camera 'nowhere' has not been seen"), unknown.body());
    assertEquals(
        400, api("POST", "/api/rules", "{\"name\":\"x\",\"colour\":\"red\"}").statusCode());
    assertEquals(
        413, api("POST", "/api/rules", "{\"name\":\"" + "x".repeat(100_000) + "\"}").statusCode());

    HttpResponse<String> created =
        api(
            "POST",
            "/api/rules",
            "{\"name\":\"Door knock\",\"streamIds\":[\"door\"],\"zone\":[{\"u\":0.2,\"v\":0.2},{\"u\":0.6,\"v\":0.2},{\"u\":0.4,\"v\":0.7}],\"minContrast\":2.5}");
    assertEquals(201, created.statusCode(), created.body());
    String id = JSON.readTree(created.body()).get("ruleId").asText();
    assertTrue(id.startsWith("door-knock-"), id);
    try (TopicReader<AlertRule> reader =
        TopicReader.on(kafka.bootstrapServers()).open(topics.alertRules())) {
      AlertRule onTopic =
          reader
              .readRecords(
                  TopicReader.Until.quiet(Duration.ofMillis(500)).within(Duration.ofSeconds(10)))
              .stream()
              .filter(r -> r.key().equals(id))
              .map(ConsumerRecord::value)
              .findFirst()
              .orElseThrow();
      assertEquals(2.5f, onTopic.getMinContrast());
      assertEquals(12, onTopic.getMinDurationWindows());
      assertEquals(List.of("door"), onTopic.getStreamIds());
    }
    assertTrue(json("/api/rules").toString().contains(id));
    assertEquals(204, api("DELETE", "/api/rules/" + id, null).statusCode());
    assertFalse(json("/api/rules").toString().contains(id));
    assertEquals(404, api("DELETE", "/api/rules/" + id, null).statusCode());
  }

  @Test
  void shouldSignABrowserInWithACookieAndDemandTheCsrfTokenOnItsWrites() throws Exception {
    HttpResponse<String> signIn = get("/?token=" + TOKEN);
    assertEquals(303, signIn.statusCode());
    assertEquals("/", signIn.headers().firstValue("Location").orElseThrow());
    String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertEquals(
        "/login.html?failed", get("/?token=nope").headers().firstValue("Location").orElseThrow());

    JsonNode session = JSON.readTree(get("/api/session", "Cookie", cookie).body());
    assertEquals("operator", session.get("role").asText());
    String rule = "{\"name\":\"csrf\",\"zone\":[]}";
    HttpResponse<String> forged =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/rules"))
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString(rule))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, forged.statusCode());
    assertTrue(forged.body().contains("X-CSRF-Token"), forged.body());
    HttpResponse<String> real =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/rules"))
                .header("Cookie", cookie)
                .header("X-CSRF-Token", session.get("csrf").asText())
                .POST(HttpRequest.BodyPublishers.ofString(rule))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, real.statusCode(), real.body());
    api("DELETE", "/api/rules/" + JSON.readTree(real.body()).get("ruleId").asText(), null);

    http.send(
        HttpRequest.newBuilder(URI.create(base + "/api/logout"))
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(401, get("/api/session", "Cookie", cookie).statusCode());
  }

  @Test
  void shouldLetAViewerLookButNotWrite(@TempDir Path dir) throws Exception {
    Path users = dir.resolve("users.yaml");
    Files.writeString(
        users,
        "users:\n  - name: guard\n    role: viewer\n    password: "
            + PasswordHash.hash("watch-1".toCharArray())
            + "\n");
    try (Dashboard withUsers = new Dashboard(config().withUsers(users)).start()) {
      String at = "http://127.0.0.1:" + withUsers.port();
      HttpResponse<String> wrong =
          post(at + "/api/login", "{\"user\":\"guard\",\"password\":\"nope\"}", Map.of());
      assertEquals(401, wrong.statusCode());
      HttpResponse<String> ok =
          post(at + "/api/login", "{\"user\":\"guard\",\"password\":\"watch-1\"}", Map.of());
      assertEquals(200, ok.statusCode(), ok.body());
      JsonNode session = JSON.readTree(ok.body());
      assertEquals("viewer", session.get("role").asText());
      String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      HttpResponse<String> look =
          http.send(
              HttpRequest.newBuilder(URI.create(at + "/api/cameras"))
                  .header("Cookie", cookie)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, look.statusCode());
      HttpResponse<String> write =
          post(
              at + "/api/rules",
              "{\"name\":\"no\"}",
              Map.of("Cookie", cookie, "X-CSRF-Token", session.get("csrf").asText()));
      assertEquals(403, write.statusCode());
      assertTrue(write.body().contains("user 'guard' may only look"), write.body());
    }
  }

  @Test
  void shouldFollowOneCameraWhoseIdHoldsACommaWithoutItsNamesakes() throws Exception {
    String cam = "yard,north";
    List<String> seen = new CopyOnWriteArrayList<>();
    int before = dashboard.liveClients();
    Pattern streamId = Pattern.compile("\"streamId\":\"([^\"]*)\"");
    CompletableFuture<HttpResponse<Void>> reading =
        follow(
            base + "/api/live?stream=" + URLEncoder.encode(cam, StandardCharsets.UTF_8),
            line -> {
              Matcher m = streamId.matcher(line);
              if (line.startsWith("data:") && m.find()) {
                seen.add(m.group(1));
              }
            });
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (dashboard.liveClients() <= before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    // its namesakes under the comma come first, then the camera itself
    send(topics.localizations(), "yard", localization("yard", w0 + 300, 1, 1, 2));
    send(topics.localizations(), "north", localization("north", w0 + 300, 1, 1, 2));
    send(topics.localizations(), cam, localization(cam, w0 + 301, 1, 1, 2));
    while (!seen.contains(cam) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    reading.cancel(true);
    assertEquals(List.of(cam), List.copyOf(new LinkedHashSet<>(seen)));
  }

  @Test
  void shouldCutOffABrowserThatStopsReadingWithoutSlowingTheOthers() throws Exception {
    try (Dashboard hub = new Dashboard(config().withStallLimit(Duration.ofSeconds(1))).start();
        Socket stalled = new Socket("127.0.0.1", hub.port())) {
      // a client that asks for every event and then never reads a byte
      stalled.setReceiveBufferSize(4096);
      stalled
          .getOutputStream()
          .write(
              ("GET /api/live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer "
                      + TOKEN
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      AtomicLong lastSeen = new AtomicLong(-1);
      CompletableFuture<HttpResponse<Void>> reading =
          follow(
              "http://127.0.0.1:" + hub.port() + "/api/live?streams=flood",
              line -> {
                Matcher m = WINDOW.matcher(line);
                if (line.startsWith("data:") && m.find()) {
                  lastSeen.set(Long.parseLong(m.group(1)));
                }
              });
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (hub.liveClients() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(2, hub.liveClients());

      // 25 MiB of maps: far more than the stalled socket's buffers hold
      long first = w0 + 10_000;
      int windows = 2400;
      for (int i = 0; i < windows; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.localizations().name(),
                "flood",
                topics
                    .localizations()
                    .values()
                    .serialize("", localization("flood", first + i, 4, 4, 2))));
      }
      producer.flush();
      long last = first + windows - 1;
      while (lastSeen.get() != last && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(last, lastSeen.get(), "the reading client saw the newest window");
      while (hub.liveClients() > 1
          && System.nanoTime() < deadline + Duration.ofSeconds(5).toNanos()) {
        Thread.sleep(50);
      }
      assertEquals(1, hub.liveClients(), "the stalled client was cut off, the reader kept");
      reading.cancel(true);
    }
  }

  static final Pattern WINDOW = Pattern.compile("\"window\":(\\d+)");

  @Test
  void shouldServeHttpsFromAGivenKeystoreWithASecureCookie(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "avloc",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=IP:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "store-pass-1")
            .redirectErrorStream(true)
            .start();
    assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      trusted.load(in, "store-pass-1".toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    HttpClient https =
        HttpClient.newBuilder().sslContext(tls).followRedirects(HttpClient.Redirect.NEVER).build();
    try (Dashboard secure = new Dashboard(config().withTls(keystore, "store-pass-1")).start()) {
      assertTrue(secure.url().startsWith("https://127.0.0.1:"), secure.url());
      String at = "https://127.0.0.1:" + secure.port();
      HttpResponse<String> cameras =
          https.send(
              HttpRequest.newBuilder(URI.create(at + "/api/cameras"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, cameras.statusCode());
      HttpResponse<String> signIn =
          https.send(
              HttpRequest.newBuilder(URI.create(at + "/?token=" + TOKEN)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          signIn.headers().firstValue("Set-Cookie").orElseThrow().endsWith("; Secure"),
          signIn.headers().toString());
    }
  }

  static HttpResponse<String> post(String url, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
