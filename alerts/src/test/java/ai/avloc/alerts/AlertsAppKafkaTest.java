package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.W0;
import static ai.avloc.alerts.Fixtures.peak;
import static ai.avloc.alerts.Fixtures.sounding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.metrics.MetricsEndpoint;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts app end to end on a real broker, exactly-once: rules seeded from YAML, localizations
 * published, alerts read back with a read_committed consumer; rule changes reach the running app;
 * garbage on both input topics neither stops it nor leaks into the alerts; a new instance picks up
 * an active alert from the changelog.
 */
class AlertsAppKafkaTest {
  static final Topics TOPICS = Topics.withPrefix("e2e.");

  @TempDir Path dir;

  static final String RULES =
      """
      rules:
        - ruleId: dock
          name: Loading dock
          streamIds: [cam-1]
          zone: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]]
          minContrast: 1.0
          minDurationWindows: 3
          cooldownWindows: 2
      """;

  @Test
  void shouldRaiseAlertsExactlyOnceFollowRuleChangesAndSurviveARestart() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(2, TOPICS.localizations().name(), TOPICS.alerts().name());
      kafka.createTopics(1, TOPICS.alertRules().name(), TOPICS.deadLetters().name());
      Path rulesFile = dir.resolve("rules.yaml");
      Files.writeString(rulesFile, RULES);
      try (KafkaProducer<String, byte[]> producer = producer(kafka);
          TopicReader<Alert> alertReader =
              TopicReader.on(kafka.bootstrapServers()).open(TOPICS.alerts())) {
        // already on the rules topic when the app starts: read while the global store restores
        producer.send(record(TOPICS.alertRules().name(), "junk", new byte[] {1, 2, 3})).get();

        try (AlertsApp app = app(kafka, "state-1").rulesFile(rulesFile).build()) {
          app.start();
          assertTrue(
              app.awaitRunning(Duration.ofSeconds(60)),
              "running: " + app.state() + " " + app.failure());
          assertEquals("Loading dock", app.loadedRule("dock").orElseThrow().getName());

          // cam-1 is in the zone from +2 to +5; cam-2 is not watched
          for (long w = 0; w < 10; w++) {
            boolean in = w >= 2 && w <= 5;
            double contrast = w == 4 ? 4 : 2;
            send(producer, sounding("cam-1", W0 + w, peak(in ? 0.25 : 0.75, 0.5, contrast)));
            send(producer, sounding("cam-2", W0 + w, peak(0.25, 0.5, 9)));
            if (w == 3) {
              producer.send(
                  record(
                      TOPICS.localizations().name(),
                      "cam-1",
                      "garbage".getBytes(StandardCharsets.UTF_8)));
            }
          }
          List<Alert> alerts = read(producer, alertReader, 3);
          assertEquals(
              List.of(
                  "START dock cam-1 +4 from +2",
                  "UPDATE dock cam-1 +5 from +2",
                  "END dock cam-1 +8 from +2"),
              briefs(alerts));
          Alert start = alerts.get(0);
          assertEquals("dock/cam-1/" + (W0 + 2), start.getAlertId());
          assertEquals("Loading dock", start.getRuleName());
          assertEquals(new ImagePoint(0.25f, 0.5f), start.getWhere());
          assertEquals(4f, start.getContrast());
          assertEquals(4f, start.getPeakContrast());
          assertEquals(2f, alerts.get(1).getContrast());
          assertEquals(4f, alerts.get(1).getPeakContrast());
          Alert end = alerts.get(2);
          assertNull(end.getWhere());
          assertEquals(0f, end.getContrast());
          assertEquals(Fixtures.start(W0 + 8), end.getTimestamp());

          // a second alert; the rule is disabled while it is active
          for (long w = 20; w <= 22; w++) {
            send(producer, sounding("cam-1", W0 + w, peak(0.25, 0.5, 2)));
          }
          assertEquals(
              List.of("START dock cam-1 +22 from +20"), briefs(read(producer, alertReader, 1)));
          AlertRule rule = RuleFile.parse(RULES, "rules").get(0);
          rule.setEnabled(false);
          try (RuleSeeder seeder = new RuleSeeder(kafka.bootstrapServers(), TOPICS)) {
            seeder.publish(List.of(rule));
          }
          await(
              () -> app.loadedRule("dock").map(r -> !r.getEnabled()).orElse(false),
              "the running app sees the disabled rule");
          send(producer, sounding("cam-1", W0 + 23, peak(0.25, 0.5, 2)));
          send(producer, sounding("cam-1", W0 + 24, peak(0.25, 0.5, 2)));
          assertEquals(
              List.of("END dock cam-1 +23 from +20"), briefs(read(producer, alertReader, 1)));

          // enabled again: a third alert, active when the app stops
          rule.setEnabled(true);
          try (RuleSeeder seeder = new RuleSeeder(kafka.bootstrapServers(), TOPICS)) {
            seeder.publish(List.of(rule));
          }
          await(
              () -> app.loadedRule("dock").map(AlertRule::getEnabled).orElse(false),
              "the running app sees the enabled rule");
          for (long w = 30; w <= 32; w++) {
            send(producer, sounding("cam-1", W0 + w, peak(0.25, 0.5, 2)));
          }
          assertEquals(
              List.of("START dock cam-1 +32 from +30"), briefs(read(producer, alertReader, 1)));

          List<DeadLetter> letters;
          try (TopicReader<DeadLetter> dlq =
              TopicReader.on(kafka.bootstrapServers()).open(TOPICS.deadLetters())) {
            letters = new ArrayList<>(read(dlq, 2));
          }
          // one per input topic: the rules topic's junk went out while the rules were restored
          letters.sort(java.util.Comparator.comparing(DeadLetter::getTopic));
          assertEquals(2, letters.size(), "the garbage of both input topics: " + letters);
          assertEquals(TOPICS.alertRules().name(), letters.get(0).getTopic());
          assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), letters.get(0).getValue());
          assertEquals(
              ByteBuffer.wrap("garbage".getBytes(StandardCharsets.UTF_8)),
              letters.get(1).getValue());
          assertEquals(TOPICS.localizations().name(), letters.get(1).getTopic());
          assertEquals(2, app.counters().badRecords(), "one per input topic");
          assertEquals(0, app.counters().outOfOrder());
          assertEquals(KafkaStreams.State.RUNNING, app.state());
          assertFalse(app.failure().isPresent());

          // the same counts, and Kafka Streams' own, on the app's Prometheus endpoint
          try (AlertsMetrics metrics = new AlertsMetrics(app);
              MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics::scrape)) {
            String scraped =
                java.net.http.HttpClient.newHttpClient()
                    .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoint.url()))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(scraped.contains("avloc_alerts_bad_records_total 2.0"), scraped);
            assertTrue(
                scraped.contains("avloc_alerts_alerts_total " + app.counters().alerts() + ".0"),
                scraped);
            assertTrue(app.counters().alerts() > 0, "alerts were raised above");
            assertTrue(scraped.contains("avloc_alerts_broker_down 0.0"), scraped);
            assertTrue(scraped.contains("kafka_stream_thread_process_total"), scraped);
          }
        }

        // a new instance on an empty state dir restores the alert from the changelog and carries on
        try (AlertsApp again = app(kafka, "state-2").build()) {
          again.start();
          assertTrue(again.awaitRunning(Duration.ofSeconds(60)), "running again");
          send(producer, sounding("cam-1", W0 + 33, peak(0.25, 0.5, 3)));
          for (long w = 34; w <= 37; w++) {
            send(producer, sounding("cam-1", W0 + w, peak(0.75, 0.5, 3)));
          }
          List<Alert> alerts = read(producer, alertReader, 2);
          assertEquals(
              List.of("UPDATE dock cam-1 +33 from +30", "END dock cam-1 +36 from +30"),
              briefs(alerts));
          assertEquals("dock/cam-1/" + (W0 + 30), alerts.get(1).getAlertId());
          assertEquals(3f, alerts.get(1).getPeakContrast());
          assertFalse(again.failure().isPresent());
        }
      }
    }
  }

  AlertsApp.Builder app(EmbeddedKafka kafka, String stateDir) {
    return AlertsApp.builder()
        .bootstrapServers(kafka.bootstrapServers())
        .applicationId("alerts-e2e")
        .stateDir(dir.resolve(stateDir))
        .topicPrefix("e2e.");
  }

  /** Flushes what was sent and reads the alerts it raised. */
  static List<Alert> read(
      KafkaProducer<String, byte[]> producer, TopicReader<Alert> reader, int expected) {
    producer.flush();
    return read(reader, expected);
  }

  static List<String> briefs(List<Alert> alerts) {
    return alerts.stream().map(AlertsTopologyTest::brief).toList();
  }

  static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key, value);
  }

  static void send(KafkaProducer<String, byte[]> producer, Localization l) {
    String topic = TOPICS.localizations().name();
    producer.send(
        record(topic, l.getStreamId(), TOPICS.localizations().values().serialize(topic, l)));
  }

  /**
   * Reads until {@code expected} records have come (at most 30 s), then 0.5 s longer, so that an
   * extra record fails the test: alerts commit every 100 ms under exactly-once.
   */
  static <T> List<T> read(TopicReader<T> reader, int expected) {
    List<T> out =
        new ArrayList<>(
            reader.read(TopicReader.Until.count(expected).within(Duration.ofSeconds(30))));
    out.addAll(reader.poll(Duration.ofMillis(500)));
    return out;
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(50);
    }
  }
}
