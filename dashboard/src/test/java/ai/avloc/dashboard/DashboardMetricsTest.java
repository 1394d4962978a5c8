package ai.avloc.dashboard;

import static ai.avloc.dashboard.Records.alert;
import static ai.avloc.dashboard.Records.localization;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.metrics.MetricsEndpoint;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.Topic;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A running dashboard's /metrics, scraped over HTTP from a {@link MetricsEndpoint} as Prometheus
 * would: each documented series is there and counts what the test did.
 */
class DashboardMetricsTest {
  static final String TOKEN = "metrics-token-0123456789";
  static final Topics TOPICS = Topics.withPrefix("dm.");
  final HttpClient http = HttpClient.newHttpClient();

  /** The scrape as series (name and labels, as written) to value. */
  static Map<String, Double> parse(String scrape) {
    Map<String, Double> series = new HashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }

  Map<String, Double> scrape(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return parse(r.body());
  }

  /** The series' value once it is {@code expected} (requests are counted as they complete). */
  double await(String url, String series, double expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Double last = null;
    while (System.nanoTime() < deadline) {
      last = scrape(url).get(series);
      if (last != null && last == expected) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(series + " is " + last + ", not " + expected);
  }

  int request(String base, String method, String path, String body, boolean signedIn)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (signedIn) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static <V extends SpecificRecord> void send(
      KafkaProducer<String, byte[]> producer, Topic<V> topic, String key, V value)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(topic.name(), key, topic.values().serialize(topic.name(), value)))
        .get();
  }

  @Test
  void theScrapeCountsRequestsRuleWritesRecordsStreamsAlertsAndEachCamerasAge() throws Exception {
    long w0 = Math.floorDiv(System.currentTimeMillis() * 12, 1000);
    Properties p = new Properties();
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        Dashboard dashboard =
            new Dashboard(
                    DashboardConfig.local(kafka.bootstrapServers())
                        .withTopicPrefix("dm.")
                        .withPort(0)
                        .withToken(TOKEN))
                .start();
        MetricsEndpoint endpoint =
            MetricsEndpoint.start("127.0.0.1", 0, dashboard.metrics()::scrape)) {
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      String base = "http://127.0.0.1:" + dashboard.port();
      String url = endpoint.url();
      String localizations = "{topic=\"dm.localizations\"}";
      String alerts = "{topic=\"dm.alerts\"}";

      Map<String, Double> before = scrape(url);
      assertEquals(0.0, before.get("avloc_dashboard_records_read_total" + localizations));
      assertEquals(0.0, before.get("avloc_dashboard_rule_writes_total{result=\"ok\"}"));
      assertEquals(0.0, before.get("avloc_dashboard_live_streams"));
      assertEquals(0.0, before.get("avloc_dashboard_alerts_held"));

      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        for (int k = 0; k < 3; k++) {
          send(producer, TOPICS.localizations(), "dock-1", localization("dock-1", w0 + k, 5, 5, 2));
        }
        send(producer, TOPICS.localizations(), "gate-2", localization("gate-2", w0, 7, 9, 3));
        send(
            producer,
            TOPICS.alerts(),
            "dock-1",
            alert("loud", "dock-1", w0, AlertState.START, w0 + 2, 3));
      }
      await(url, "avloc_dashboard_records_read_total" + localizations, 4);
      await(url, "avloc_dashboard_records_read_total" + alerts, 1);
      await(url, "avloc_dashboard_alerts_held", 1);

      assertEquals(200, request(base, "GET", "/api/cameras", null, true));
      assertEquals(200, request(base, "GET", "/api/cameras", null, true));
      assertEquals(401, request(base, "GET", "/api/cameras", null, false));
      assertEquals(404, request(base, "GET", "/api/alerts/none", null, true));
      String zone = "[{\"u\":0.2,\"v\":0.2},{\"u\":0.6,\"v\":0.2},{\"u\":0.4,\"v\":0.7}]";
      assertEquals(
          201,
          request(
              base,
              "POST",
              "/api/rules",
              "{\"name\":\"Dock\",\"streamIds\":[\"dock-1\"],\"zone\":" + zone + "}",
              true));
      assertEquals(
          400,
          request(
              base,
              "POST",
              "/api/rules",
              "{\"name\":\"ghost\",\"streamIds\":[\"nowhere\"]}",
              true));

      try (Socket live = new Socket("127.0.0.1", dashboard.port())) {
        live.getOutputStream()
            .write(
                ("GET /api/live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                        + "Authorization: Bearer "
                        + TOKEN
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        InputStream in = live.getInputStream();
        assertTrue(in.read() >= 0, "the stream answers");
        await(url, "avloc_dashboard_live_streams", 1);
      }

      String requests = "avloc_dashboard_http_requests_total";
      await(url, requests + "{route=\"cameras\",status=\"200\"}", 2);
      await(url, requests + "{route=\"cameras\",status=\"401\"}", 1);
      await(url, requests + "{route=\"alerts\",status=\"404\"}", 1);
      await(url, requests + "{route=\"rules\",status=\"201\"}", 1);
      await(url, requests + "{route=\"rules\",status=\"400\"}", 1);

      Map<String, Double> after = scrape(url);
      assertEquals(1.0, after.get("avloc_dashboard_rule_writes_total{result=\"ok\"}"));
      assertEquals(1.0, after.get("avloc_dashboard_rule_writes_total{result=\"refused\"}"));
      assertEquals(0.0, after.get("avloc_dashboard_rule_writes_total{result=\"failed\"}"));
      assertEquals(0.0, after.get("avloc_dashboard_consumer_lag_records" + localizations));
      assertEquals(1.0, after.get("avloc_dashboard_alerts_active"));
      assertEquals(2.0, after.get("avloc_dashboard_cameras"));
      for (String camera : new String[] {"dock-1", "gate-2"}) {
        Double age =
            after.get("avloc_dashboard_camera_localization_age_seconds{stream=\"" + camera + "\"}");
        assertTrue(age != null && age >= 0 && age < 60, camera + ": " + age);
      }
      assertEquals("cameras", DashboardMetrics.routeOf("/api/cameras/a/b/latest"));
      assertEquals("frame", DashboardMetrics.routeOf("/api/cameras/a/frame.jpg"));
      assertEquals("snapshot", DashboardMetrics.routeOf("/api/alerts/r/c/9/snapshot.jpg"));
      assertEquals("page", DashboardMetrics.routeOf("/js/api.js"));
      assertEquals("api", DashboardMetrics.routeOf("/api/anything-else"));
    }
  }
}
