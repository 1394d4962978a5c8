package ai.avloc.alerts;

import static ai.avloc.alerts.AlertsAppKafkaTest.briefs;
import static ai.avloc.alerts.AlertsAppKafkaTest.send;
import static ai.avloc.alerts.Fixtures.W0;
import static ai.avloc.alerts.Fixtures.peak;
import static ai.avloc.alerts.Fixtures.rule;
import static ai.avloc.alerts.Fixtures.sounding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.infra.LocalKafka;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts app on a real broker in its own JVM, stopped for 20 s and restarted on its data: the
 * app stays up, says in its log that it lost the broker and has it back, and a camera's
 * localizations sent after the restart raise and end their alert exactly once.
 */
class AlertsAppBrokerOutageTest {
  /** The checkout: the tests run in alerts/. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  static final Topics TOPICS = AlertsAppKafkaTest.TOPICS;

  static final Duration OUTAGE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void theAppRidesOutABrokerOutageAndAlertsOnceAfterIt() throws Exception {
    Log log = Log.capture();
    Set<KafkaStreams.State> states = ConcurrentHashMap.newKeySet();
    try (LocalKafka kafka = LocalKafka.start(ROOT, dir.resolve("kafka"))) {
      kafka.createTopics(2, TOPICS.localizations().name(), TOPICS.alerts().name());
      kafka.createTopics(1, TOPICS.alertRules().name(), TOPICS.deadLetters().name());
      try (AlertsApp app =
          AlertsApp.builder()
              .bootstrapServers(kafka.bootstrapServers())
              .applicationId("alerts-outage")
              .stateDir(dir.resolve("state"))
              .topicPrefix("e2e.")
              .build()) {
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
          String rules = TOPICS.alertRules().name();
          AlertRule zone = rule("zone").build(); // every stream, minDuration 3, cooldown 2
          producer.send(
              new ProducerRecord<>(
                  rules, "zone", TOPICS.alertRules().values().serialize(rules, zone)));
          producer.flush();
        }
        app.start();
        assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "running: " + app.state());
        AlertsAppKafkaTest.await(() -> app.loadedRule("zone").isPresent(), "the rule is loaded");
        Thread watcher = watchStates(app, states);

        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers());
            TopicReader<Alert> reader =
                TopicReader.on(kafka.bootstrapServers()).open(TOPICS.alerts())) {
          sendVisit(producer, "cam-1", W0);
          assertEquals(
              List.of(
                  "START zone cam-1 +2 from +0",
                  "UPDATE zone cam-1 +3 from +0",
                  "END zone cam-1 +6 from +0"),
              briefs(AlertsAppKafkaTest.read(reader, 3)),
              "the alert before the outage");
        }

        long stopped = System.nanoTime();
        kafka.stopBroker(1);
        Thread.sleep(OUTAGE.toMillis());
        KafkaStreams.State during = app.state();
        assertTrue(during.isRunningOrRebalancing(), "still up after the outage: " + during);
        AlertsAppKafkaTest.await(
            () -> log.contains("lost the broker"), "the app logs that it lost the broker");
        kafka.restartBroker(1);
        long restarted = System.nanoTime();

        // the whole topic, read_committed: the alerts of before the outage once, and the new ones
        List<Alert> alerts = new ArrayList<>();
        long firstAlert;
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers());
            TopicReader<Alert> reader =
                TopicReader.on(kafka.bootstrapServers()).open(TOPICS.alerts())) {
          sendVisit(producer, "cam-1", W0 + 20);
          alerts.addAll(reader.read(TopicReader.Until.count(4).within(Duration.ofSeconds(60))));
          firstAlert = System.nanoTime();
          alerts.addAll(
              reader.read(
                  TopicReader.Until.count(Math.max(0, 6 - alerts.size()))
                      .within(Duration.ofSeconds(30))));
          // an alert raised twice would come within the next seconds (commits every 100 ms)
          alerts.addAll(reader.poll(Duration.ofSeconds(3)));
        }
        AlertsAppKafkaTest.await(
            () -> log.contains("reachable again"), "the app logs that it has the broker back");
        watcher.interrupt();
        System.out.printf(
            "AlertsAppBrokerOutageTest: broker down %.1f s; first alert %.1f s after the restart;"
                + " states seen %s; %s%n",
            (restarted - stopped) / 1e9, (firstAlert - restarted) / 1e9, states, app.counters());

        assertEquals(
            List.of(
                "START zone cam-1 +2 from +0",
                "UPDATE zone cam-1 +3 from +0",
                "END zone cam-1 +6 from +0",
                "START zone cam-1 +22 from +20",
                "UPDATE zone cam-1 +23 from +20",
                "END zone cam-1 +26 from +20"),
            briefs(alerts),
            "the alert before the outage, and the one after it, each raised and ended once");
        assertEquals(KafkaStreams.State.RUNNING, app.state());
        assertTrue(
            Set.of(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING).containsAll(states),
            "never left RUNNING/REBALANCING: " + states);
        assertEquals(1, app.counters().brokerOutages(), app.counters().toString());
        assertEquals(0, app.counters().replacedThreads(), "no thread died of the outage");
        assertTrue(app.failure().isEmpty(), "no failure: " + app.failure());
      }
    } finally {
      log.close();
    }
  }

  /** Windows +0 to +7 of a camera: in the zone for the first four, then out of it. */
  private static void sendVisit(KafkaProducer<String, byte[]> producer, String stream, long w0)
      throws Exception {
    for (long w = 0; w < 8; w++) {
      send(producer, sounding(stream, w0 + w, peak(w < 4 ? 0.25 : 0.75, 0.5, 2)));
    }
    producer.flush();
  }

  /** Records every state the app is seen in, every 50 ms, until interrupted. */
  private static Thread watchStates(AlertsApp app, Set<KafkaStreams.State> states) {
    Thread t =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                states.add(app.state());
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "alerts-state-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /**
   * What the app logs: slf4j-simple writes to whatever {@code System.err} is at each line, so a tee
   * of it sees the app's warnings and still shows them.
   */
  private static final class Log extends OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    private Log(PrintStream original) {
      this.original = original;
    }

    static Log capture() {
      Log log = new Log(System.err);
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      return log;
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      seen.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      seen.write(b, off, len);
    }

    synchronized boolean contains(String text) {
      return seen.toString(StandardCharsets.UTF_8).contains(text);
    }

    @Override
    public void close() {
      System.setErr(original);
    }
  }
}
