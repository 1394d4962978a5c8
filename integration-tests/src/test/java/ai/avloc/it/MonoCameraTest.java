package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.WindowClock;
import ai.avloc.serving.ModelCard;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SoundSource;
import ai.avloc.stream.job.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An ordinary camera, one microphone: a loudspeaker plays in its view, off centre. Through the
 * gateway, the broker and the Flink job serving each U-VAE committed with the project (the job's
 * default and the lite one, for nodes with more cameras per core), every window gets a mono
 * localization whose strongest peak is on the loudspeaker.
 */
class MonoCameraTest {
  static final Path SHIPPED = Path.of("..").resolve(JobConfig.SHIPPED_MODEL).toAbsolutePath();
  static final Path LITE = Path.of("..", "models", "uvae-lite").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theJobsDefaultIsTheCompactModel() throws Exception {
    String shipped = ModelCard.read(SHIPPED).id();
    assertTrue(shipped.startsWith("uvae-compact@"), shipped);
  }

  static List<Path> shippedModels() {
    return List.of(SHIPPED, LITE);
  }

  @ParameterizedTest
  @MethodSource("shippedModels")
  void theShippedModelPutsTheSoundOnTheObjectThatMakesIt(Path model) throws Exception {
    assertTrue(Files.isRegularFile(model.resolve("saved_model.pb")), model + " is committed");
    String shipped = ModelCard.read(model).id();
    double seconds = 6;
    SoundSource speaker = LoudspeakerScene.loudspeaker(seconds);
    Scene scene = LoudspeakerScene.with(speaker, seconds);
    Topics topics = Topics.withPrefix("it-m.");
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    try (TestKafka kafka = TestKafka.start()) {
      KafkaTopics.create(kafka, topics);
      try (KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
          Gateway gateway =
              new Gateway(
                  List.of(
                      new SceneCamera(scene, "cam-m", start, null, SceneCamera.Options.defaults())),
                  events,
                  Gateway.Pace.MAX)) {
        gateway.run();
      }
      KafkaTopics.runBoundedJob(kafka, "it-m.", dir, "--model", model.toString());

      int windows = (int) (seconds * 12);
      List<Localization> out =
          KafkaTopics.readAll(
              kafka,
              topics.localizations().name(),
              Localization.class,
              windows,
              Duration.ofSeconds(60));
      assertEquals(windows, out.size(), "one localization per window");
      long first = WindowClock.windowOf(ChronoUnit.MICROS.between(Instant.EPOCH, start));
      LookGrid grid =
          LookGrid.cameraFov(SceneCamera.DEFAULT_HFOV_DEG, SceneCamera.DEFAULT_VFOV_DEG, 36, 48);
      double[] errors =
          out.stream()
              .mapToDouble(
                  l -> {
                    assertEquals(LocalizationMode.MONO, l.getMode());
                    assertEquals(shipped, l.getModelId().toString());
                    assertTrue(l.getInferred());
                    assertFalse(l.getPeaks().isEmpty(), "window " + l.getWindow() + " has a peak");
                    double t = (l.getWindow() - first + 0.5) / 12.0;
                    int truth = grid.nearestIndex(speaker.directionAt(t));
                    var p = l.getPeaks().get(0);
                    return Math.hypot(p.getRow() - truth / 48, p.getCol() - truth % 48);
                  })
              .sorted()
              .toArray();
      // guessing the middle of the view is what a model that ignores the frame would do
      int truth = grid.nearestIndex(speaker.directionAt(0));
      double centreError = Math.hypot(truth / 48 + 0.5 - 18, truth % 48 + 0.5 - 24);
      double median = errors[errors.length / 2];
      var peaks = out.get(out.size() / 2).getPeaks();
      String seen =
          "median error "
              + median
              + " cells, the centre is "
              + centreError
              + " away; truth ("
              + truth / 48
              + ", "
              + truth % 48
              + "), peaks "
              + peaks;
      System.out.println("mono camera, " + shipped + ": " + seen);
      // the loudspeaker (0.9 m at 5 m) covers about 4 columns by 7 rows around the truth, so
      // 4 cells is at most about one cell past its edge
      assertTrue(median <= 4, seen);
      assertTrue(median <= 0.75 * centreError, seen);
    }
  }
}
