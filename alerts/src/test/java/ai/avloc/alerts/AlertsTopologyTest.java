package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.W0;
import static ai.avloc.alerts.Fixtures.peak;
import static ai.avloc.alerts.Fixtures.rule;
import static ai.avloc.alerts.Fixtures.silent;
import static ai.avloc.alerts.Fixtures.sounding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.RuleSchedule;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert lifecycle through the real topology and configuration (exactly-once, RocksDB state,
 * global rules table, dead-letter handler) in Kafka's TopologyTestDriver. Windows are written as
 * offsets from W0.
 */
class AlertsTopologyTest {
  /** A source inside the default rule's zone (the left half of the image). */
  static final double IN_U = 0.25;

  /** A source outside it. */
  static final double OUT_U = 0.75;

  @TempDir Path stateDir;
  AlertsDriver topology;

  @BeforeEach
  void startDriver() {
    startDriver(StreamsConfig.EXACTLY_ONCE_V2);
  }

  void startDriver(String guarantee) {
    topology =
        new AlertsDriver(
            stateDir, guarantee, builder -> builder.applicationId("alerts-topology-test"), null);
  }

  @AfterEach
  void closeDriver() {
    topology.driver.close();
  }

  void publish(AlertRule rule) {
    topology.publish(rule);
  }

  /** Sends one window and returns the alerts it raised, each as "STATE rule stream +w from +s". */
  List<String> send(Localization localization) {
    return topology.send(localization);
  }

  List<String> inside(String stream, long offset, double contrast) {
    return send(sounding(stream, W0 + offset, peak(IN_U, 0.5, contrast)));
  }

  List<String> outside(String stream, long offset) {
    return send(sounding(stream, W0 + offset, peak(OUT_U, 0.5, 5)));
  }

  static String brief(Alert a) {
    return String.format(
        "%s %s %s +%d from +%d",
        a.getState(), a.getRuleId(), a.getStreamId(), a.getWindow() - W0, a.getStartWindow() - W0);
  }

  @Test
  void aStreamThatStopsSendingHasItsAlertEndedOnTheWallClock() {
    publish(rule("zone").build()); // minDuration 3, cooldown 2
    inside("cam-1", 0, 2);
    inside("cam-1", 1, 2);
    assertEquals(List.of("START zone cam-1 +2 from +0"), inside("cam-1", 2, 2));
    assertEquals(List.of("UPDATE zone cam-1 +3 from +0"), inside("cam-1", 3, 2));
    // the camera goes away: cooldown (3 windows, 250 ms) plus 5 s grace
    topology.driver.advanceWallClockTime(java.time.Duration.ofSeconds(5));
    assertTrue(topology.alerts.isEmpty(), "still within the grace");
    topology.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
    List<Alert> ended = topology.alerts.readValuesToList();
    assertEquals(1, ended.size());
    assertEquals(AlertState.END, ended.get(0).getState());
    assertEquals(
        W0 + 3 + 2 + 1, ended.get(0).getWindow(), "where the cooldown would have ended it");
    assertEquals("zone/cam-1/" + W0, ended.get(0).getAlertId());
    topology.driver.advanceWallClockTime(java.time.Duration.ofSeconds(10));
    assertTrue(topology.alerts.isEmpty(), "ended once");
    // it comes back later: a new alert, not a continuation
    inside("cam-1", 100, 2);
    inside("cam-1", 101, 2);
    assertEquals(List.of("START zone cam-1 +102 from +100"), inside("cam-1", 102, 2));
  }

  @Test
  void shouldStartAfterExactlyMinDurationUpdateAndEndAfterExactlyCooldown() {
    publish(rule("zone").build()); // minDuration 3, cooldown 2, minContrast 1, left half
    assertEquals(List.of(), outside("cam-1", 0));
    assertEquals(List.of(), outside("cam-1", 1));
    assertEquals(List.of(), inside("cam-1", 2, 2));
    assertEquals(List.of(), inside("cam-1", 3, 3));

    topology.localizations.pipeInput("cam-1", sounding("cam-1", W0 + 4, peak(IN_U, 0.5, 4)));
    Alert start = topology.alerts.readValue();
    assertEquals(AlertState.START, start.getState());
    assertEquals("zone/cam-1/" + (W0 + 2), start.getAlertId());
    assertEquals("rule zone", start.getRuleName());
    assertEquals(W0 + 2, start.getStartWindow());
    assertEquals(W0 + 4, start.getWindow());
    assertEquals(Fixtures.start(W0 + 4), start.getTimestamp());
    assertEquals(new ImagePoint(0.25f, 0.5f), start.getWhere());
    assertEquals(4f, start.getContrast());
    assertEquals(4f, start.getPeakContrast());
    assertTrue(topology.alerts.isEmpty());

    assertEquals(List.of("UPDATE zone cam-1 +5 from +2"), inside("cam-1", 5, 2.5));
    topology.localizations.pipeInput("cam-1", sounding("cam-1", W0 + 6, peak(IN_U, 0.75, 6)));
    Alert update = topology.alerts.readValue();
    assertEquals(AlertState.UPDATE, update.getState());
    assertEquals(start.getAlertId(), update.getAlertId());
    assertEquals(new ImagePoint(0.25f, 0.75f), update.getWhere());
    assertEquals(6f, update.getContrast());
    assertEquals(6f, update.getPeakContrast());
    assertEquals(List.of("UPDATE zone cam-1 +7 from +2"), inside("cam-1", 7, 3));

    // leaves: windows +8 and +9 are the cooldown, +10 ends it
    assertEquals(List.of(), outside("cam-1", 8));
    assertEquals(List.of(), send(silent("cam-1", W0 + 9)));
    topology.localizations.pipeInput("cam-1", sounding("cam-1", W0 + 10, peak(OUT_U, 0.5, 5)));
    Alert end = topology.alerts.readValue();
    assertEquals(AlertState.END, end.getState());
    assertEquals(start.getAlertId(), end.getAlertId());
    assertEquals(W0 + 10, end.getWindow());
    assertEquals(Fixtures.start(W0 + 10), end.getTimestamp());
    assertNull(end.getWhere());
    assertEquals(0f, end.getContrast());
    assertEquals(6f, end.getPeakContrast(), "the highest since the start");
    assertTrue(topology.alerts.isEmpty());

    // the rule may start again, with a new id and a fresh peak contrast
    assertEquals(List.of(), inside("cam-1", 11, 1.5));
    assertEquals(List.of(), inside("cam-1", 12, 1.5));
    topology.localizations.pipeInput("cam-1", sounding("cam-1", W0 + 13, peak(IN_U, 0.5, 1.5)));
    Alert again = topology.alerts.readValue();
    assertEquals("zone/cam-1/" + (W0 + 11), again.getAlertId());
    assertEquals(AlertState.START, again.getState());
    assertEquals(1.5f, again.getPeakContrast());
  }

  @Test
  void shouldRideOutAQuietSpellAsLongAsTheCooldown() {
    publish(rule("zone").setMinDurationWindows(1).setCooldownWindows(2).build());
    assertEquals(List.of("START zone cam-1 +0 from +0"), inside("cam-1", 0, 2));
    assertEquals(List.of(), outside("cam-1", 1));
    assertEquals(List.of(), outside("cam-1", 2));
    assertEquals(List.of("UPDATE zone cam-1 +3 from +0"), inside("cam-1", 3, 2));
    assertEquals(List.of(), outside("cam-1", 4));
    assertEquals(List.of(), outside("cam-1", 5));
    assertEquals(List.of("END zone cam-1 +6 from +0"), outside("cam-1", 6));
  }

  @Test
  void shouldStartAndEndAtOnceWithMinDurationOneAndNoCooldown() {
    publish(rule("zone").setMinDurationWindows(1).setCooldownWindows(0).build());
    assertEquals(List.of("START zone cam-1 +0 from +0"), inside("cam-1", 0, 2));
    assertEquals(List.of("END zone cam-1 +1 from +0"), outside("cam-1", 1));
    assertEquals(List.of("START zone cam-1 +2 from +2"), inside("cam-1", 2, 2));
  }

  @Test
  void shouldCountOnlyPeaksReachingTheContrastAndTakeTheStrongestInTheZone() {
    publish(rule("zone").setMinDurationWindows(2).build()); // minContrast 1
    assertEquals(List.of(), inside("cam-1", 0, 0.99));
    assertEquals(List.of(), inside("cam-1", 1, 0.99));
    assertEquals(List.of(), inside("cam-1", 2, 1.0)); // reaching counts
    topology.localizations.pipeInput(
        "cam-1",
        sounding(
            "cam-1",
            W0 + 3,
            peak(OUT_U, 0.5, 9), // strongest, but outside
            peak(0.1, 0.2, 1.5),
            peak(0.4, 0.8, 3),
            peak(0.3, 0.3, 0.5))); // inside, too weak
    Alert start = topology.alerts.readValue();
    assertEquals(W0 + 2, start.getStartWindow());
    assertEquals(new ImagePoint(0.4f, 0.8f), start.getWhere());
    assertEquals(3f, start.getContrast());
    assertEquals(3f, start.getPeakContrast());
  }

  @Test
  void shouldNotCountSilentOrUninferredWindows() {
    publish(rule("zone").setMinDurationWindows(2).build());
    assertEquals(List.of(), inside("cam-1", 0, 2));
    Localization silentWithPeak =
        Fixtures.base("cam-1", W0 + 1)
            .setSilent(true)
            .setPeaks(List.of(peak(IN_U, 0.5, 9)))
            .build();
    assertEquals(List.of(), send(silentWithPeak));
    assertEquals(List.of(), inside("cam-1", 2, 2));
    Localization notInferred =
        Fixtures.base("cam-1", W0 + 3)
            .setInferred(false)
            .setPeaks(List.of(peak(IN_U, 0.5, 9)))
            .build();
    assertEquals(List.of(), send(notInferred));
    assertEquals(List.of(), inside("cam-1", 4, 2));
    assertEquals(List.of("START zone cam-1 +5 from +4"), inside("cam-1", 5, 2));
  }

  @Test
  void shouldCountPeaksOnlyWithinTheRulesSchedule() {
    // W0 is 2025-11-28 (a Friday) 22:40 UTC, 23:40 in Rome
    LocalTime rome = Fixtures.start(W0).atZone(ZoneId.of("Europe/Rome")).toLocalTime();
    assertEquals(LocalTime.of(23, 40), rome);
    publish(
        rule("nights")
            .setSchedule(new RuleSchedule("Europe/Rome", List.of("FRI"), "22:00", "06:00"))
            .build());
    publish(
        rule("daytime")
            .setSchedule(new RuleSchedule("Europe/Rome", List.of(), "08:00", "20:00"))
            .build());
    assertEquals(List.of(), inside("cam-1", 0, 2));
    assertEquals(List.of(), inside("cam-1", 1, 2));
    // only the night rule counts at 23:40 on a Friday
    assertEquals(List.of("START nights cam-1 +2 from +0"), inside("cam-1", 2, 2));
  }

  @Test
  void shouldWatchOnlyTheRulesStreamsAndKeepStreamsApart() {
    publish(rule("cam2-only").setStreamIds(List.of("cam-2")).setMinDurationWindows(2).build());
    publish(rule("everywhere").setMinDurationWindows(3).build());
    assertEquals(List.of(), inside("cam-1", 0, 2));
    assertEquals(List.of(), inside("cam-2", 0, 2));
    assertEquals(List.of(), inside("cam-1", 1, 2));
    assertEquals(List.of("START cam2-only cam-2 +1 from +0"), inside("cam-2", 1, 2));
    assertEquals(List.of("START everywhere cam-1 +2 from +0"), inside("cam-1", 2, 2));
    assertEquals(
        List.of("UPDATE cam2-only cam-2 +2 from +0", "START everywhere cam-2 +2 from +0"),
        inside("cam-2", 2, 2));
    // a rule's alert on one stream does not end another stream's
    assertEquals(List.of(), outside("cam-1", 3));
    assertEquals(
        List.of("UPDATE cam2-only cam-2 +3 from +0", "UPDATE everywhere cam-2 +3 from +0"),
        inside("cam-2", 3, 2));
  }

  @Test
  void shouldEndTheAlertWhenTheRuleIsDisabledAndStayQuietUntilEnabled() {
    publish(rule("zone").setMinDurationWindows(2).build());
    inside("cam-1", 0, 2);
    assertEquals(List.of("START zone cam-1 +1 from +0"), inside("cam-1", 1, 2));
    publish(rule("zone").setMinDurationWindows(2).setEnabled(false).build());
    assertEquals(List.of("END zone cam-1 +2 from +0"), inside("cam-1", 2, 2));
    assertEquals(List.of(), inside("cam-1", 3, 2));
    assertEquals(List.of(), inside("cam-1", 4, 2));
    publish(rule("zone").setMinDurationWindows(2).build());
    assertEquals(List.of(), inside("cam-1", 5, 2));
    assertEquals(List.of("START zone cam-1 +6 from +5"), inside("cam-1", 6, 2));
  }

  @Test
  void shouldEndTheAlertWhenTheRuleIsDeletedKeepingItsName() {
    publish(rule("zone").setName("Loading dock").setMinDurationWindows(1).build());
    assertEquals(List.of("START zone cam-1 +0 from +0"), inside("cam-1", 0, 2));
    topology.rules.pipeInput("zone", (AlertRule) null);
    topology.localizations.pipeInput("cam-1", sounding("cam-1", W0 + 1, peak(IN_U, 0.5, 3)));
    Alert end = topology.alerts.readValue();
    assertEquals(AlertState.END, end.getState());
    assertEquals("Loading dock", end.getRuleName());
    assertEquals(W0 + 1, end.getWindow());
    assertEquals(2f, end.getPeakContrast());
    assertEquals(List.of(), inside("cam-1", 2, 2));
  }

  @Test
  void shouldEndTheAlertWhenTheRuleBecomesInvalidAndCountIt() {
    publish(rule("zone").setMinDurationWindows(1).build());
    assertEquals(List.of("START zone cam-1 +0 from +0"), inside("cam-1", 0, 2));
    publish(rule("zone").setMinDurationWindows(0).build()); // not through the seeder
    assertEquals(List.of("END zone cam-1 +1 from +0"), inside("cam-1", 1, 2));
    assertEquals(List.of(), inside("cam-1", 2, 2));
    assertEquals(1, topology.app.counters().invalidRules(), "each bad version once");
    topology.rules.pipeInput("other-key", rule("zone").build()); // key and ruleId disagree
    assertEquals(List.of(), inside("cam-1", 3, 2));
    assertEquals(2, topology.app.counters().invalidRules());
  }

  @Test
  void shouldTreatMissingWindowsAsNonCounting() {
    publish(rule("zone").build()); // minDuration 3, cooldown 2
    // a gap before the start breaks the run
    inside("cam-1", 0, 2);
    inside("cam-1", 1, 2);
    assertEquals(List.of(), inside("cam-1", 3, 2));
    assertEquals(List.of(), inside("cam-1", 4, 2));
    assertEquals(List.of("START zone cam-1 +5 from +3"), inside("cam-1", 5, 2));
    // a gap as long as the cooldown keeps the alert
    assertEquals(List.of("UPDATE zone cam-1 +8 from +3"), inside("cam-1", 8, 2));
    // a longer gap ends it on the window the cooldown ran out, which never arrived
    topology.localizations.pipeInput("cam-1", sounding("cam-1", W0 + 20, peak(IN_U, 0.5, 2)));
    Alert end = topology.alerts.readValue();
    assertEquals("END zone cam-1 +11 from +3", brief(end));
    assertEquals(Fixtures.start(W0 + 11), end.getTimestamp());
    assertTrue(topology.alerts.isEmpty(), "window +20 starts a new run, no alert yet");
    assertEquals(List.of(), inside("cam-1", 21, 2));
    assertEquals(List.of("START zone cam-1 +22 from +20"), inside("cam-1", 22, 2));
  }

  @Test
  void shouldIgnoreOutOfOrderWindowsAndCountThem() {
    publish(rule("zone").build());
    inside("cam-1", 0, 2);
    inside("cam-1", 1, 2);
    // late and repeated windows: no alert, no effect on the run
    assertEquals(List.of(), outside("cam-1", 0));
    assertEquals(List.of(), outside("cam-1", 1));
    assertEquals(List.of(), inside("cam-1", 1, 2));
    assertEquals(3, topology.app.counters().outOfOrder());
    assertEquals(List.of("START zone cam-1 +2 from +0"), inside("cam-1", 2, 2));
    // another stream has its own order
    assertEquals(List.of(), inside("cam-2", 0, 2));
    assertEquals(3, topology.app.counters().outOfOrder());
  }

  @Test
  void shouldDeadLetterGarbageAndKeepProcessing() {
    // Under exactly-once the test driver drops what is produced while a record is decoded (its
    // MockProducer.clear() discards the open transaction); the broker test covers that case.
    topology.driver.close();
    startDriver(StreamsConfig.AT_LEAST_ONCE);
    publish(rule("zone").build());
    inside("cam-1", 0, 2);
    byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    topology.rawLocalizations.pipeInput("cam-1", garbage);
    topology.rawLocalizations.pipeInput(
        "cam-1", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0});
    topology.rawRules.pipeInput("zone", new byte[] {0, 1, 2});
    inside("cam-1", 1, 2);
    assertEquals(List.of("START zone cam-1 +2 from +0"), inside("cam-1", 2, 2));

    List<DeadLetter> letters = topology.deadLetters.readValuesToList();
    assertEquals(2, letters.size(), "the rules topic's garbage is only counted");
    DeadLetter first = letters.get(0);
    assertEquals(topology.app.topics().localizations().name(), first.getTopic());
    assertEquals("decode", first.getStage());
    assertEquals(ByteBuffer.wrap(garbage), first.getValue());
    assertEquals(ByteBuffer.wrap("cam-1".getBytes(StandardCharsets.UTF_8)), first.getKey());
    assertTrue(first.getError().contains("not an Avro single-object record"), first.getError());
    assertTrue(
        letters.get(1).getError().contains("unknown schema fingerprint"),
        letters.get(1).getError());
    // the driver decodes the rules topic with its own handler; the broker test counts those too
    assertEquals(2, topology.app.counters().badRecords());
    assertEquals(3, topology.app.counters().localizations(), "every good window was processed");
  }

  @Test
  void shouldKeepStateInAPersistentStore() {
    assertTrue(topology.driver.getKeyValueStore(AlertsTopology.STATE_STORE).persistent());
    publish(rule("zone").build());
    inside("cam-1", 0, 2);
    StreamAlerts state =
        (StreamAlerts)
            topology.driver.getKeyValueStore(AlertsTopology.STATE_STORE).get("cam-1|ARRAY");
    assertEquals(W0, state.lastWindow);
    assertEquals(1, state.runs.get("zone").runLength);
  }

  @Test
  void shouldRoundTripTheStateFormat() {
    StreamAlerts state = new StreamAlerts();
    state.lastWindow = W0 + 7;
    RuleRun run = new RuleRun();
    run.runStart = W0 + 2;
    run.runLength = 3;
    run.peakContrast = 6.5f;
    run.active = true;
    run.lastCounting = W0 + 7;
    run.ruleName = "Läderdock";
    state.runs.put("zone", run);
    state.lastSeenMillis = 1_795_000_000_123L;
    StreamAlertsSerde serde = new StreamAlertsSerde();
    byte[] v2 = serde.serialize("t", state);
    StreamAlerts back = serde.deserialize("t", v2);
    assertEquals(W0 + 7, back.lastWindow);
    assertEquals(1_795_000_000_123L, back.lastSeenMillis);
    RuleRun r = back.runs.get("zone");
    assertEquals(List.of(W0 + 2, 3L, 6.5, true, W0 + 7, "Läderdock"), fields(r));

    // layout 1, as stores written before the last-seen time hold it: read, time not known
    byte[] v1 = new byte[v2.length - 8];
    v1[0] = 1;
    System.arraycopy(v2, 1, v1, 1, 8);
    System.arraycopy(v2, 17, v1, 9, v2.length - 17);
    StreamAlerts old = serde.deserialize("t", v1);
    assertEquals(W0 + 7, old.lastWindow);
    assertEquals(0, old.lastSeenMillis);
    assertEquals(fields(r), fields(old.runs.get("zone")));
  }

  static List<Object> fields(RuleRun r) {
    return List.of(
        r.runStart,
        (long) r.runLength,
        (double) r.peakContrast,
        r.active,
        r.lastCounting,
        r.ruleName);
  }
}
