package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.alerts.AlertsApp;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, case a: an array camera watches a source cross into a zone and back out. Through the
 * gateway, the broker, the Flink job and the alerts app, localizations follow the source's true
 * direction, and one alert starts after it has been in the zone for the rule's duration and ends
 * once it has been out for the cooldown.
 */
class ArrayCameraAlertTest {
  static final String SCENE =
      """
      {"sampleRate": 12288, "duration": 10, "seed": 4, "array": "vogel64",
       "sensorNoise": {"snrDb": 40},
       "sources": [{"name": "drone",
         "signal": {"type": "harmonic", "f0": 190, "harmonics": 16, "amplitude": 0.5, "rolloff": 0.85},
         "path": [{"t": 0, "azimuth": -22, "elevation": 6, "distance": 8},
                  {"t": 5, "azimuth": 22, "elevation": 6, "distance": 8},
                  {"t": 10, "azimuth": -22, "elevation": 6, "distance": 8}]}]}
      """;

  static final String RULES =
      """
      rules:
        - ruleId: right-half
          name: Sound in the right half
          streamIds: [cam-a]
          zone: [[0.5, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 1.0]]
          minContrast: 1.0
          minDurationWindows: 6
          cooldownWindows: 12
          enabled: true
      """;

  @TempDir Path dir;

  @Test
  void localizationsFollowTheSourceAndAnAlertSpansItsVisitToTheZone() throws Exception {
    Topics topics = Topics.withPrefix("it-a.");
    Scene scene = Scene.parse(SCENE, null);
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    try (TestKafka kafka = TestKafka.start()) {
      KafkaTopics.create(kafka, topics);
      try (AlertsApp alerts = KafkaTopics.startAlerts(kafka, "it-a.", dir, RULES)) {

        try (KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
            Gateway gateway =
                new Gateway(
                    List.of(
                        new SceneCamera(
                            scene,
                            "cam-a",
                            start,
                            null,
                            SceneCamera.Options.defaults().withArray("vogel64"))),
                    events,
                    Gateway.Pace.MAX)) {
          gateway.run();
        }

        KafkaTopics.runBoundedJob(kafka, "it-a.", dir);

        int windows = 120;
        List<Localization> out =
            KafkaTopics.readAll(
                kafka,
                topics.localizations().name(),
                Localization.class,
                windows,
                Duration.ofSeconds(30));
        assertEquals(windows, out.size(), "one localization per window of 10 s");
        long first = WindowClock.windowOf(ChronoUnit.MICROS.between(Instant.EPOCH, start));
        LookGrid grid = LookGrid.cameraFov(65, 50, 36, 48);
        double[] errors =
            out.stream()
                .mapToDouble(
                    l -> {
                      assertEquals(LocalizationMode.ARRAY, l.getMode());
                      assertTrue(
                          !l.getPeaks().isEmpty(), "window " + l.getWindow() + " has a peak");
                      double t = (l.getWindow() - first + 0.5) / 12.0;
                      int truth = grid.nearestIndex(scene.sources().get(0).directionAt(t));
                      var p = l.getPeaks().get(0);
                      return Math.hypot(p.getRow() - truth / 48, p.getCol() - truth % 48);
                    })
                .sorted()
                .toArray();
        assertTrue(
            errors[errors.length / 2] <= 1, "median error " + errors[errors.length / 2] + " cells");

        List<Alert> raised =
            KafkaTopics.readAll(
                kafka, topics.alerts().name(), Alert.class, 2, Duration.ofSeconds(30));
        raised.sort(Comparator.comparingLong(Alert::getWindow));
        List<Alert> starts = raised.stream().filter(a -> a.getState() == AlertState.START).toList();
        List<Alert> ends = raised.stream().filter(a -> a.getState() == AlertState.END).toList();
        assertEquals(1, starts.size(), "one alert started: " + raised);
        assertEquals(1, ends.size(), "and it ended: " + raised);
        // The source is right of centre (u > 0.5) from t = 2.5 s to 7.5 s: windows 30 to 89.
        double startSecond = (starts.get(0).getWindow() - first) / 12.0;
        double endSecond = (ends.get(0).getWindow() - first) / 12.0;
        assertEquals(2.5 + 6 / 12.0, startSecond, 0.25, "START after 6 windows in the zone");
        assertEquals(7.5 + 12 / 12.0, endSecond, 0.25, "END 12 windows after it left");
        assertTrue(starts.get(0).getWhere().getU() > 0.5);
      }
    }
  }
}
