package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir static Path dir;
  static Path withValidation;
  static Path trainingOnly;

  /** Two tiny synthetic datasets: 1 training + 1 validation scene, and 2 training-only scenes. */
  @BeforeAll
  static void synthesize() {
    withValidation = synth("a", "4", "50/50/0");
    trainingOnly = synth("b", "5", "100/0/0");
  }

  @Test
  void shouldTrainOnTheTrainingSplitsOfSeveralDatasetsTogether() throws Exception {
    Path model = dir.resolve("model");
    BadInputTest.Run run =
        BadInputTest.run(
            train(
                "--data",
                withValidation.toString(),
                "--data",
                trainingOnly.toString(),
                "--out",
                model.toString()));
    assertEquals(0, run.exit(), run.err());
    JsonNode card = new ObjectMapper().readTree(model.resolve("model.json").toFile());
    // 1 + 2 training scenes and 1 validation scene, 2 of each second's 12 frames
    assertEquals(6, card.at("/metrics/trainingFrames").asInt(), card.toString());
    assertEquals(2, card.at("/metrics/validationFrames").asInt());
    assertEquals("a + b", card.get("trainingData").asText());
    assertEquals(2, card.at("/data/datasets").size());
    assertEquals("b", card.at("/data/datasets/1/root").asText());
    assertEquals(5, card.at("/data/datasets/1/seed").asInt());
  }

  @Test
  void shouldRefuseADatasetWithoutTrainingSecondsAndAllWithoutValidation() {
    BadInputTest.assertFailsWith(
        BadInputTest.run(train("--data", trainingOnly.toString())),
        "no validation seconds",
        trainingOnly.toString());
    Path validationOnly = synth("c", "6", "0/100/0");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            train("--data", withValidation.toString(), "--data", validationOnly.toString())),
        validationOnly.toString(),
        "no training seconds");
  }

  @Test
  void shouldFineTuneFromAnotherRunOfTheSameShapeOnly() throws Exception {
    Path first = dir.resolve("first-run");
    BadInputTest.Run trained =
        BadInputTest.run(
            trainIn(
                first,
                "--data",
                withValidation.toString(),
                "--out",
                dir.resolve("first-model").toString()));
    assertEquals(0, trained.exit(), trained.err());

    Path model = dir.resolve("tuned");
    Path tunedRun = dir.resolve("tuned-run");
    BadInputTest.Run tuned =
        BadInputTest.run(
            trainIn(
                tunedRun,
                "--data",
                withValidation.toString(),
                "--start-from",
                first.toString(),
                "--out",
                model.toString()));
    assertEquals(0, tuned.exit(), tuned.err());
    ObjectMapper json = new ObjectMapper();
    JsonNode card = json.readTree(model.resolve("model.json").toFile());
    assertTrue(card.get("description").asText().contains("starting from"), card.toString());
    // the run's epoch 0 is where it started: the first run's best, validated again
    JsonNode from = json.readTree(first.resolve("state.json").toFile());
    JsonNode start = json.readTree(tunedRun.resolve("state.json").toFile()).at("/history/0");
    assertEquals(0, start.get("epoch").asInt());
    assertEquals(
        from.get("bestValidationMse").asDouble(), start.get("validationMse").asDouble(), 1e-9);

    BadInputTest.assertFailsWith(
        BadInputTest.run(
            train(
                "--data",
                withValidation.toString(),
                "--start-from",
                first.toString(),
                "--skips",
                "2")),
        "--start-from",
        "skips 1, this run asks for 2");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            train(
                "--data",
                withValidation.toString(),
                "--start-from",
                dir.resolve("no-such-run").toString())),
        "--start-from: no finished epoch");
  }

  @Test
  void shouldRecordTheLossAndTheLeftOutNoisePairsInTheCardAndTheRun() throws Exception {
    Path model = dir.resolve("huber");
    Path runDir = dir.resolve("huber-run");
    BadInputTest.Run run =
        BadInputTest.run(
            trainIn(
                runDir,
                "--data",
                withValidation.toString(),
                "--loss",
                "huber",
                "--no-noise-pairs",
                "--out",
                model.toString()));
    assertEquals(0, run.exit(), run.err());
    ObjectMapper json = new ObjectMapper();
    JsonNode card = json.readTree(model.resolve("model.json").toFile());
    assertEquals("huber", card.at("/config/loss").asText(), card.toString());
    assertTrue(card.at("/config/noNoisePairs").asBoolean(), card.toString());
    assertTrue(card.at("/metrics/noiseOnlySecondsLeftOut").isNumber(), card.toString());
    assertTrue(card.get("description").asText().contains("on Huber alone"), card.toString());
    JsonNode settings = json.readTree(runDir.resolve("state.json").toFile()).get("config");
    assertEquals("huber", settings.get("loss").asText());
    assertEquals(0.0, settings.get("noisePairs").asDouble());
    assertEquals("left out", settings.get("noiseOnly").asText());
  }

  @Test
  void shouldRefuseAnUnknownLossAndNoisePairsAskedBothWays() {
    BadInputTest.assertFailsWith(
        BadInputTest.run(train("--data", withValidation.toString(), "--loss", "l1")),
        "avloc train: --loss 'l1': expected mse, huber or both");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            train("--data", withValidation.toString(), "--no-noise-pairs", "--noise-pairs", "0.5")),
        "--no-noise-pairs trains on no background-noise pair");
  }

  @Test
  void aFineTuneFromAModelTakesItsArchitectureAndRefusesOptionsThatWouldChangeIt() {
    Path shipped =
        Path.of("..").resolve(ai.avloc.stream.job.JobConfig.SHIPPED_MODEL).toAbsolutePath();
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            train("--data", withValidation.toString(), "--start-from", shipped.toString())),
        "--preset: a fine-tune from the model " + shipped,
        "builds its graph from the model's model.json; leave out --preset, --skips, --ae,"
            + " --audio-gate, --visual-skip, --backbone-weights");
  }

  private static String[] train(String... data) {
    return trainIn(dir.resolve("run-" + System.nanoTime()), data);
  }

  private static String[] trainIn(Path runDir, String... data) {
    String[] common = {
      "train",
      "--preset",
      "compact",
      "--epochs",
      "1",
      "--steps-per-epoch",
      "1",
      "--batch",
      "2",
      "--frames-per-second",
      "2",
      "--run",
      runDir.toString()
    };
    String[] args = new String[common.length + data.length];
    System.arraycopy(common, 0, args, 0, common.length);
    System.arraycopy(data, 0, args, common.length, data.length);
    return args;
  }

  private static Path synth(String name, String seed, String split) {
    Path out = dir.resolve(name);
    BadInputTest.Run run = BadInputTest.run(SynthCommandTest.twoScenes(out, seed, split));
    assertEquals(0, run.exit(), run.err());
    return out;
  }
}
