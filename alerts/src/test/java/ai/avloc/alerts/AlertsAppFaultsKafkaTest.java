package ai.avloc.alerts;

import static ai.avloc.alerts.AlertsAppKafkaTest.briefs;
import static ai.avloc.alerts.AlertsAppKafkaTest.producer;
import static ai.avloc.alerts.AlertsAppKafkaTest.read;
import static ai.avloc.alerts.AlertsAppKafkaTest.record;
import static ai.avloc.alerts.AlertsAppKafkaTest.send;
import static ai.avloc.alerts.Fixtures.W0;
import static ai.avloc.alerts.Fixtures.peak;
import static ai.avloc.alerts.Fixtures.rule;
import static ai.avloc.alerts.Fixtures.sounding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker, exactly-once: poison on both input topics, a camera whose windows throw, and a
 * stream thread killed by an error; the healthy camera's alerts all arrive once, the poison is in
 * the dead letters, and the app never stops.
 */
class AlertsAppFaultsKafkaTest {
  static final Topics TOPICS = AlertsAppKafkaTest.TOPICS;

  @TempDir Path dir;

  @Test
  void poisonAndFaultsNeitherStopTheAppNorCostTheHealthyCameraAnAlert() throws Exception {
    AtomicBoolean errorThrown = new AtomicBoolean();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(2, TOPICS.localizations().name(), TOPICS.alerts().name());
      kafka.createTopics(1, TOPICS.alertRules().name(), TOPICS.deadLetters().name());
      try (KafkaProducer<String, byte[]> producer = producer(kafka);
          TopicReader<Alert> alertReader =
              TopicReader.on(kafka.bootstrapServers()).open(TOPICS.alerts());
          TopicReader<DeadLetter> dlq =
              TopicReader.on(kafka.bootstrapServers()).open(TOPICS.deadLetters());
          AlertsApp app =
              AlertsApp.builder()
                  .bootstrapServers(kafka.bootstrapServers())
                  .applicationId("alerts-faults")
                  .stateDir(dir.resolve("state"))
                  .topicPrefix("e2e.")
                  .wrapProcessor(real -> faulty(real, errorThrown))
                  .build()) {
        String rules = TOPICS.alertRules().name();
        AlertRule zone = rule("zone").build(); // every stream, minDuration 3, cooldown 2
        producer.send(record(rules, "zone", TOPICS.alertRules().values().serialize(rules, zone)));
        app.start();
        assertTrue(app.awaitRunning(Duration.ofSeconds(60)), "running: " + app.state());
        AlertsAppKafkaTest.await(() -> app.loadedRule("zone").isPresent(), "the rule is loaded");

        // poison on the rules topic while running: undecodable, and a rule that fails validation
        producer.send(record(rules, "junk", "not a rule".getBytes(StandardCharsets.UTF_8)));
        AlertRule invalid = rule("bad").setMinDurationWindows(0).build();
        producer.send(record(rules, "bad", TOPICS.alertRules().values().serialize(rules, invalid)));
        for (long w = 0; w < 8; w++) {
          boolean in = w < 4;
          send(producer, sounding("cam-1", W0 + w, peak(in ? 0.25 : 0.75, 0.5, 2)));
          send(producer, sounding("cam-bad", W0 + w, peak(0.25, 0.5, 2))); // throws each time
          if (w == 1) {
            producer.send(record(TOPICS.localizations().name(), "cam-1", "garbage".getBytes()));
            send(producer, sounding("cam-error", W0, peak(0.25, 0.5, 2))); // kills its thread
          }
        }
        // the killed thread's partitions wait for its group session (15 s) to expire
        producer.flush();
        long sent = System.nanoTime();
        List<Alert> alerts =
            new java.util.ArrayList<>(
                alertReader.read(TopicReader.Until.count(3).within(Duration.ofSeconds(90))));
        System.out.printf(
            "cam-1's alerts complete %.1f s after its windows were sent%n",
            (System.nanoTime() - sent) / 1e9);
        alerts.addAll(alertReader.poll(Duration.ofMillis(500)));
        assertEquals(
            List.of(
                "START zone cam-1 +2 from +0",
                "UPDATE zone cam-1 +3 from +0",
                "END zone cam-1 +6 from +0"),
            briefs(alerts.stream().filter(a -> a.getStreamId().equals("cam-1")).toList()),
            "the healthy camera's alerts, each once");

        List<DeadLetter> letters = read(dlq, 11);
        assertEquals(
            List.of("alert x8", "decode e2e.alert-rules", "decode e2e.localizations", "rule"),
            summarize(letters),
            "poison of both topics and every window of cam-bad");
        assertEquals(KafkaStreams.State.RUNNING, app.state());
        assertTrue(errorThrown.get());
        assertEquals(1, app.counters().replacedThreads(), "the killed thread was replaced");
        // counted per attempt: windows redone after the replacement count again, their dead
        // letters commit once (above)
        assertTrue(app.counters().processingErrors() >= 8, app.counters().toString());
        // likewise the undecodable records: the garbage localization counts again when it lies in
        // the range the replaced thread redoes
        assertTrue(app.counters().badRecords() >= 2, app.counters().toString());
      }
    }
  }

  /** The letters as "stage topic" for decode, "rule", and "alert xN" for the processing ones. */
  static List<String> summarize(List<DeadLetter> letters) {
    long alerts = letters.stream().filter(l -> l.getStage().equals("alert")).count();
    List<String> out = new java.util.ArrayList<>();
    out.add("alert x" + alerts);
    letters.stream()
        .filter(l -> !l.getStage().equals("alert"))
        .map(l -> l.getStage().equals("decode") ? "decode " + l.getTopic() : l.getStage())
        .sorted()
        .forEach(out::add);
    return out;
  }

  /**
   * The real processor, plus faults: every window of cam-bad throws an exception; the first window
   * of cam-error throws an Error, which no handler takes, so it kills the stream thread (once; the
   * replaced thread processes the window again from the last commit).
   */
  static ProcessorSupplier<String, Localization, String, Alert> faulty(
      ProcessorSupplier<String, Localization, String, Alert> real, AtomicBoolean errorThrown) {
    return Fixtures.withFault(
        real,
        record -> {
          if (record.key().equals("cam-error") && errorThrown.compareAndSet(false, true)) {
            throw new AssertionError("an error no handler takes");
          }
          if (record.key().equals("cam-bad")) {
            throw new IllegalStateException("a fault in cam-bad's window");
          }
        });
  }
}
