package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.alerts.AlertsApp;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.MediaFileSource;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.Topics;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.testsupport.RealData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, case d: the real parking-lot clip (H.264 at 12.5 fps, digital-silence audio) through
 * FFmpeg decoding, the gateway, the broker, the mono path with the contract test model and the
 * alerts app: every window is localized, each is reported as silence, and no alert is raised.
 */
@Tag("real-data")
class CarClipTest {
  static final String RULES =
      """
      rules:
        - ruleId: anything
          name: Any sound anywhere
          minContrast: 0.0
          minDurationWindows: 1
          cooldownWindows: 0
          enabled: true
      """;

  @TempDir Path dir;

  @Test
  void theSilentClipIsLocalizedAsSilenceAndRaisesNoAlert() throws Exception {
    Path clip = RealData.file("car-detection.mp4");
    Topics topics = Topics.withPrefix("it-d.");
    Path model = dir.resolve("model");
    BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);
    try (TestKafka kafka = TestKafka.start()) {
      KafkaTopics.create(kafka, topics);
      try (AlertsApp alerts = KafkaTopics.startAlerts(kafka, "it-d.", dir, RULES)) {
        try (KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
            Gateway gateway =
                new Gateway(
                    List.of(
                        new MediaFileSource(
                            clip, "parking", start, DecodeOptions.modelDefaults(), false)),
                    events,
                    Gateway.Pace.MAX)) {
          Gateway.Progress done = gateway.run();
          assertEquals(360, done.frames(), 2, "12.5 fps sampled to one frame per 1/12 s");
        }

        KafkaTopics.runBoundedJob(kafka, "it-d.", dir, "--model", model.toString());

        List<Localization> out =
            KafkaTopics.readAll(
                kafka,
                topics.localizations().name(),
                Localization.class,
                355,
                Duration.ofSeconds(30));
        assertEquals(360, out.size(), 2, "30 s of windows");
        assertEquals(out.size(), out.stream().map(Localization::getWindow).distinct().count());
        for (Localization l : out) {
          assertEquals(LocalizationMode.MONO, l.getMode());
          assertTrue(l.getInferred(), "window " + l.getWindow() + " had a frame");
          assertTrue(l.getSilent(), "window " + l.getWindow() + " is silence");
          assertTrue(l.getPeaks().isEmpty());
        }
        long covered = out.stream().filter(l -> l.getAudioCoverage() == 1f).count();
        assertTrue(covered >= out.size() - 2, covered + " of " + out.size() + " fully covered");

        // the rules would fire on any peak at all; silence has none, so nothing may be raised
        List<Alert> raised =
            KafkaTopics.readAll(
                kafka, topics.alerts().name(), Alert.class, 0, Duration.ofSeconds(5));
        assertEquals(List.of(), raised);
      }
    }
  }
}
