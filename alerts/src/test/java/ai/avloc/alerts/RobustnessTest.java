package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.W0;
import static ai.avloc.alerts.Fixtures.peak;
import static ai.avloc.alerts.Fixtures.rule;
import static ai.avloc.alerts.Fixtures.sounding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.InputLimits;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.WindowClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on both input topics, a record whose processing throws, and streams that stop: the app
 * goes on for the other streams, poison becomes dead letters, and the state holds only streams that
 * still send. Dead letters produced while a record is handled are checked at least once: under
 * exactly-once the test driver discards them (the broker test covers that).
 */
class RobustnessTest {
  @TempDir Path stateDir;

  static List<String> inside(AlertsDriver d, String stream, long offset) {
    return d.send(sounding(stream, W0 + offset, peak(0.25, 0.5, 2)));
  }

  static List<String> outside(AlertsDriver d, String stream, long offset) {
    return d.send(sounding(stream, W0 + offset, peak(0.75, 0.5, 2)));
  }

  @Test
  void poisonOnTheRulesTopicBecomesDeadLettersAndTheRulesStillWork() {
    try (AlertsDriver d = new AlertsDriver(stateDir, StreamsConfig.AT_LEAST_ONCE, b -> b, null)) {
      d.publish(rule("zone").build());
      // undecodable bytes (the driver decodes the rules topic with its own handler, which skips
      // them; AlertsAppFaultsKafkaTest checks their dead letter), and a rule that fails validation
      d.rawRules.pipeInput("junk", "not a rule".getBytes(StandardCharsets.UTF_8));
      AlertRule invalid = rule("bad").setMinDurationWindows(0).setCooldownWindows(-1).build();
      d.publish(invalid);
      inside(d, "cam-1", 0);
      inside(d, "cam-1", 1);
      assertEquals(List.of("START zone cam-1 +2 from +0"), inside(d, "cam-1", 2));

      assertEquals(1, d.ruleDeadLetters.size(), "the invalid rule: " + d.ruleDeadLetters);
      DeadLetter bad = d.ruleDeadLetters.get(0);
      assertEquals("t.alert-rules", bad.getTopic());
      assertEquals(ByteBuffer.wrap("bad".getBytes(StandardCharsets.UTF_8)), bad.getKey());
      assertEquals("rule", bad.getStage());
      assertEquals(
          "invalid rule 'bad': minDurationWindows: is 0; it must be at least 1;"
              + " cooldownWindows: is -1; it must be at least 0",
          bad.getError());
      AlertRule back = new AvroSerde<>(AlertRule.class).deserialize("t", bad.getValue().array());
      assertEquals(invalid, back, "the rule as published, to fix and publish again");
      assertTrue(d.deadLetters.isEmpty(), "no localization was poison");
      assertEquals(1, d.app.counters().deadLetters());
    }
  }

  @Test
  void aLocalizationWhoseProcessingThrowsIsDeadLetteredAndOtherStreamsGoOn() {
    // cam-bad's windows throw inside the alert processor, as a bug triggered by one camera would
    try (AlertsDriver d =
        new AlertsDriver(
            stateDir,
            StreamsConfig.AT_LEAST_ONCE,
            b -> b.wrapProcessor(RobustnessTest::throwingFor),
            null)) {
      d.publish(rule("zone").build());
      List<String> raised = new ArrayList<>();
      for (long w = 0; w < 6; w++) {
        raised.addAll(inside(d, "cam-bad", w));
        raised.addAll(w < 3 ? inside(d, "cam-1", w) : outside(d, "cam-1", w));
      }
      assertEquals(List.of("START zone cam-1 +2 from +0", "END zone cam-1 +5 from +0"), raised);
      List<DeadLetter> letters = d.deadLetters.readValuesToList();
      assertEquals(6, letters.size(), "each of cam-bad's windows once");
      DeadLetter first = letters.get(0);
      assertEquals("alert", first.getStage());
      assertEquals("IllegalStateException: a fault in cam-bad's window", first.getError());
      Localization original =
          d.app.topics().localizations().values().deserialize("t", first.getValue().array());
      assertEquals(W0, original.getWindow(), "the original record");
      assertEquals(6, d.app.counters().processingErrors());
      assertEquals(6, d.app.counters().localizations(), "cam-1's windows");
    }
  }

  @Test
  void hostileIdsAndWindowsFarAheadAreDeadLetteredAndTheCamerasAlertsGoOn() {
    try (AlertsDriver d = new AlertsDriver(stateDir, StreamsConfig.AT_LEAST_ONCE, b -> b, null)) {
      d.publish(rule("zone").build());
      inside(d, "cam-1", 0);
      // a record a year ahead would end nothing and hide nothing: it is refused
      long yearAhead = WindowClock.windowOf(System.currentTimeMillis() * 1000) + 12L * 86_400 * 365;
      assertEquals(List.of(), d.send(sounding("cam-1", yearAhead, peak(0.25, 0.5, 2))));
      assertEquals(List.of(), d.send(sounding("cam-1", Long.MAX_VALUE, peak(0.25, 0.5, 2))));
      inside(d, "cam-1", 1);
      assertEquals(List.of("START zone cam-1 +2 from +0"), inside(d, "cam-1", 2));
      assertEquals(List.of(), d.send(sounding("x", -5, peak(0.25, 0.5, 2))));
      assertEquals(List.of(), inside(d, "site/../cam-1", 3));
      assertEquals(List.of(), inside(d, "cam\n1", 3));

      List<String> errors =
          d.deadLetters.readValuesToList().stream().map(DeadLetter::getError).toList();
      assertEquals(5, errors.size(), "each refused record once: " + errors);
      assertTrue(errors.get(0).endsWith("s after this app's clock"), errors.get(0));
      assertTrue(errors.get(1).endsWith("s after this app's clock"), errors.get(1));
      assertTrue(errors.get(2).endsWith("starts before 2000-01-01T00:00:00Z"), errors.get(2));
      assertEquals("RefusedLocalization: stream id holds a '..' path segment", errors.get(3));
      assertEquals(
          "RefusedLocalization: stream id holds control character U+000A at 3", errors.get(4));
      assertEquals(List.of("cam-1|ARRAY"), lanes(d), "no lane for a refused id");
    }
  }

  @Test
  void anInfiniteContrastIsCarriedAsTheLargestFiniteOne() {
    try (AlertsDriver d = new AlertsDriver(stateDir, StreamsConfig.AT_LEAST_ONCE, b -> b, null)) {
      d.publish(rule("zone").build());
      for (long w = 0; w < 3; w++) {
        // the peak finder's contrast when more than half the map is 0
        d.localizations.pipeInput(
            "cam-1", sounding("cam-1", W0 + w, peak(0.25, 0.5, Double.POSITIVE_INFINITY)));
      }
      List<Alert> alerts = d.alerts.readValuesToList();
      assertEquals(1, alerts.size());
      assertEquals(Float.MAX_VALUE, alerts.get(0).getContrast());
      assertEquals(Float.MAX_VALUE, alerts.get(0).getPeakContrast());
    }
  }

  @Test
  void aDeadLetterOfALargeRecordIsCutToFitTheTopic() {
    try (AlertsDriver d = new AlertsDriver(stateDir, StreamsConfig.AT_LEAST_ONCE, b -> b, null)) {
      d.rawLocalizations.pipeInput("cam-1", new byte[2 << 20]);
      DeadLetter letter = d.deadLetters.readValuesToList().get(0);
      assertEquals(InputLimits.MAX_DEAD_LETTER_VALUE_BYTES, letter.getValue().remaining());
      assertTrue(
          letter.getError().contains("value cut to its first 983040 of 2097152 bytes"),
          letter.getError());
    }
  }

  static ProcessorSupplier<String, Localization, String, Alert> throwingFor(
      ProcessorSupplier<String, Localization, String, Alert> real) {
    return Fixtures.withFault(
        real,
        record -> {
          if (record.key().equals("cam-bad")) {
            throw new IllegalStateException("a fault in cam-bad's window");
          }
        });
  }

  @Test
  void aStreamThatStopsIsForgottenAfterItsAlertEnded() {
    try (AlertsDriver d =
        new AlertsDriver(
            stateDir,
            StreamsConfig.EXACTLY_ONCE_V2,
            b -> b.forgetStreamsAfter(Duration.ofSeconds(30)),
            null)) {
      d.publish(rule("zone").build()); // cooldown 2: quiet after 0.25 s + 5 s
      inside(d, "cam-1", 0);
      inside(d, "cam-1", 1);
      assertEquals(List.of("START zone cam-1 +2 from +0"), inside(d, "cam-1", 2));
      inside(d, "cam-2", 0); // sends once, no alert
      assertEquals(List.of("cam-1|ARRAY", "cam-2|ARRAY"), lanes(d));

      d.driver.advanceWallClockTime(Duration.ofSeconds(6));
      assertEquals(List.of("END zone cam-1 +5 from +0"), briefs(d));
      d.driver.advanceWallClockTime(Duration.ofSeconds(23));
      assertEquals(2, lanes(d).size(), "29 s silent: kept");
      d.driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertEquals(List.of(), lanes(d), "30 s silent: forgotten");
      assertEquals(List.of(), briefs(d), "ended once, before");
      assertEquals(2, d.app.counters().forgottenLanes());

      // it comes back: a fresh lane, a new alert
      inside(d, "cam-1", 1000);
      inside(d, "cam-1", 1001);
      assertEquals(List.of("START zone cam-1 +1002 from +1000"), inside(d, "cam-1", 1002));
    }
  }

  @Test
  void aStreamForgottenWhileItsAlertIsActiveEndsItFirst() {
    try (AlertsDriver d =
        new AlertsDriver(
            stateDir,
            StreamsConfig.EXACTLY_ONCE_V2,
            b -> b.forgetStreamsAfter(Duration.ofSeconds(2)),
            null)) {
      d.publish(rule("zone").setCooldownWindows(120).build()); // quiet only after 15 s
      inside(d, "cam-1", 0);
      inside(d, "cam-1", 1);
      assertEquals(List.of("START zone cam-1 +2 from +0"), inside(d, "cam-1", 2));
      d.driver.advanceWallClockTime(Duration.ofSeconds(2));
      assertEquals(List.of("END zone cam-1 +123 from +0"), briefs(d));
      assertEquals(List.of(), lanes(d));
    }
  }

  @Test
  void manyStreamsThatStopLeaveNoState() {
    int streams = 2_000;
    try (AlertsDriver d =
        new AlertsDriver(
            stateDir,
            StreamsConfig.AT_LEAST_ONCE,
            b -> b.forgetStreamsAfter(Duration.ofMinutes(10)),
            null)) {
      d.publish(rule("zone").setMinDurationWindows(1).build());
      for (int i = 0; i < streams; i++) {
        d.localizations.pipeInput(
            "cam-" + i, sounding("cam-" + i, W0, peak(0.25, 0.5, 2))); // each raises START
      }
      assertEquals(streams, lanes(d).size());
      d.driver.advanceWallClockTime(Duration.ofSeconds(6));
      List<Alert> alerts = d.alerts.readValuesToList();
      assertEquals(2 * streams, alerts.size(), "a START and, once quiet, an END per stream");
      assertEquals(streams, lanes(d).size(), "ended, not yet forgotten");
      d.driver.advanceWallClockTime(Duration.ofMinutes(10));
      assertEquals(0, lanes(d).size());
      assertEquals(streams, d.app.counters().forgottenLanes());
      assertTrue(d.alerts.isEmpty());
    }
  }

  static List<String> briefs(AlertsDriver d) {
    return d.alerts.readValuesToList().stream().map(AlertsTopologyTest::brief).toList();
  }

  static List<String> lanes(AlertsDriver d) {
    KeyValueStore<String, Object> store = d.driver.getKeyValueStore(AlertsTopology.STATE_STORE);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Object> all = store.all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }
}
