package ai.avloc.stream.job;

import static ai.avloc.stream.job.LocalizationJobTest.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.Topics;
import ai.avloc.simulator.Simulation;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt model on a real broker and a Flink MiniCluster that may not restart: the job runs to
 * its end, the array camera gets every window localized, the mono camera every window published
 * uninferred with the model id "unavailable", and one dead letter says why.
 */
class ModelFailureTest {
  static final Topics TOPICS = Topics.withPrefix("model-failure.");
  static final int SECONDS = 2;

  @TempDir Path dir;

  @Test
  void aCorruptModelDisablesTheMonoPathOnlyAndTheJobGoesOn() throws Exception {
    Path model = JobTestKit.brightSpotModel(dir);
    Files.write(model.resolve("saved_model.pb"), "not a protobuf".getBytes()); // corrupt
    Simulation simulation = JobTestKit.pump(SECONDS);
    byte[] jpeg = JobTestKit.frameWithBrightSquare(60, 150);

    try (EmbeddedKafka kafka = JobTestKit.startKafka(TOPICS)) {
      publish(kafka, simulation, jpeg);
      // no restarts: any failure fails the test
      JobTestKit.runBounded(kafka, "model-failure.", model, "model-failure-test");

      Map<LocalizationMode, List<Localization>> byMode =
          JobTestKit.readAll(kafka, TOPICS.localizations().name(), Localization.class).stream()
              .collect(Collectors.groupingBy(Localization::getMode));
      List<Localization> array = byMode.get(LocalizationMode.ARRAY);
      assertEquals(12 * SECONDS, array.size(), "every array window");
      assertTrue(array.stream().allMatch(l -> l.getInferred() && !l.getPeaks().isEmpty()));
      List<Localization> mono = byMode.get(LocalizationMode.MONO);
      assertEquals(12 * SECONDS, mono.size(), "every mono window, published");
      assertEquals(12 * SECONDS, JobTestKit.distinctWindows(mono), "once");
      for (Localization l : mono) {
        assertFalse(l.getInferred(), "window " + l.getWindow());
        assertEquals(MonoInference.MODEL_UNAVAILABLE, l.getModelId().toString());
        assertTrue(l.getPeaks().isEmpty() && l.getEnergy().remaining() == 0);
      }

      List<DeadLetter> letters =
          JobTestKit.readAll(kafka, TOPICS.deadLetters().name(), DeadLetter.class);
      assertEquals(1, letters.size(), "one letter from the subtask serving the camera");
      DeadLetter letter = letters.get(0);
      assertEquals("model", letter.getStage().toString());
      assertTrue(
          letter.getError().toString().contains("the model in " + model + " cannot be loaded"),
          letter.getError().toString());
    }
  }

  static void publish(EmbeddedKafka kafka, Simulation simulation, byte[] jpeg) {
    Random random = new Random(5);
    try (var producer = JobTestKit.producer(kafka)) {
      for (int k = 0; k < 12 * SECONDS; k++) {
        JobTestKit.sendMonoWindow(producer, TOPICS, "cam-mono", k, T0, jpeg, random);
        JobTestKit.sendArrayWindow(producer, TOPICS, "cam-array", k, T0, simulation);
      }
    }
  }
}
