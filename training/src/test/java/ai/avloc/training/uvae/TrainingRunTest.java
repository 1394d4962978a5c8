package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.serving.ModelCard;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.data.DatasetFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run on tiny fixture datasets, without the command line. */
class TrainingRunTest {
  @TempDir static Path dir;
  static Path twoAndOne;
  static Path trainingOnly;

  /** Two training seconds and one validation second; and three training seconds only. */
  @BeforeAll
  static void datasets() throws IOException {
    twoAndOne = dataset("a", 2, 1, 11);
    trainingOnly = dataset("b", 3, 0, 21);
  }

  static Path dataset(String name, int trainingSeconds, int validationSeconds, long seed)
      throws IOException {
    Path root = dir.resolve(name);
    List<String> training = new ArrayList<>();
    List<String> validation = new ArrayList<>();
    for (int i = 0; i < trainingSeconds + validationSeconds; i++) {
      String path = DatasetFixture.path(i % 2, i, 0);
      DatasetFixture.write(
          root, path, DatasetFixture.sounding(seed + i, Map.of("classes", (long) (i % 2))));
      (i < trainingSeconds ? training : validation).add(path);
    }
    DatasetFixture.list(root, Split.TRAINING, training);
    DatasetFixture.list(root, Split.VALIDATION, validation);
    Files.writeString(
        root.resolve("dataset.json"),
        "{\"classes\":[\"train\",\"drone\"],\"seed\":"
            + seed
            + ",\"generator\":\"fixture\",\"noise\":{\"sensor_snr_db\":40},"
            + "\"backdrops\":{\"kind\":\"photographs\",\"photographs\":[{\"file\":\"p.jpg\","
            + "\"licence\":\"GPL-2+\",\"author\":\"A. Author\"}]},"
            + "\"sounds\":{\"kind\":\"recordings\",\"recordings\":[{\"file\":\"r.wav\","
            + "\"licence\":\"BSD-3-Clause\"}]}}");
    return root;
  }

  static TrainingRun.Options options(List<Path> data, Path run, Path out) {
    return new TrainingRun.Options(
        data,
        UvaeConfig.preset("compact").withBatchSize(2).withSeed(3),
        null,
        run,
        out,
        "7",
        1,
        0,
        1,
        false,
        2,
        0,
        1,
        false,
        null,
        false,
        false);
  }

  /** Records each load's split and the counts it was told. */
  static final class Loads implements TrainingRun.LoadListener {
    final List<String> events = new ArrayList<>();

    @Override
    public TrainingRun.Loading loading(Split split) {
      events.add("open " + split);
      return new TrainingRun.Loading() {
        int done = -1;
        int total = -1;

        @Override
        public void update(int secondsDone, int secondsTotal) {
          assertTrue(secondsDone > done, "seconds done only grow");
          done = secondsDone;
          total = secondsTotal;
        }

        @Override
        public void close() {
          events.add("close " + split + " " + done + "/" + total);
        }
      };
    }
  }

  @Test
  void shouldLoadEverySplitOfEveryDatasetTrainAndExportWithItsCard() throws IOException {
    Loads loads = new Loads();
    Path out = dir.resolve("model");
    TrainingRun run =
        TrainingRun.prepare(
            options(List.of(twoAndOne, trainingOnly), dir.resolve("run"), out), loads);
    // one load per dataset and split it holds, each told all of its seconds
    assertEquals(
        List.of(
            "open TRAINING",
            "close TRAINING 2/2",
            "open TRAINING",
            "close TRAINING 3/3",
            "open VALIDATION",
            "close VALIDATION 1/1"),
        loads.events);
    // 2 of each second's 12 frames
    assertEquals(10, run.trainingFrames());
    assertEquals(2, run.validationFrames());
    assertEquals("uvae-compact-s1", run.modelName());
    assertNull(run.resuming());
    assertTrue(run.parameters() > 0 && run.gflopPerFrame() > 0);

    List<Integer> epochs = new ArrayList<>();
    TrainingRun.Result result =
        run.train(
            new UvaeTrainer.Listener() {
              @Override
              public void step(int epoch, int step, int steps, double loss) {}

              @Override
              public void epoch(UvaeTrainer.Epoch e) {
                epochs.add(e.epoch());
              }
            });
    assertEquals(List.of(1), epochs);
    assertEquals(1, result.state().bestEpoch());
    assertEquals(twoAndOne, result.evaluationData(), "the dataset with validation seconds");
    ModelCard card = ModelCard.read(out);
    assertEquals("7", card.version());
    assertEquals("a + b", card.trainingData());
    assertEquals(10.0, card.metrics().get("trainingFrames"));
    assertTrue(
        card.description().startsWith("U-VAE (compact preset, 1 skip, VAE) trained 1 epochs at 2"),
        card.description());
    assertEquals(List.of("datasets"), List.copyOf(card.data().keySet()));
    // each dataset's photographs and recordings keep their licences in the model's card; the
    // rest of a dataset card (its noise levels here) stays with the dataset
    JsonNode first = new ObjectMapper().valueToTree(card.data()).get("datasets").get(0);
    assertEquals("a", first.get("root").asText());
    assertEquals(
        "GPL-2+", first.get("backdrops").get("photographs").get(0).get("licence").asText());
    assertEquals(
        "A. Author", first.get("backdrops").get("photographs").get(0).get("author").asText());
    assertEquals(
        "BSD-3-Clause", first.get("sounds").get("recordings").get(0).get("licence").asText());
    assertNull(first.get("noise"));

    // exporting again the run's best epoch loads nothing
    Loads none = new Loads();
    TrainingRun again =
        TrainingRun.prepare(
            withExportOnly(options(List.of(twoAndOne), dir.resolve("run"), out)), none);
    assertEquals(List.of(), none.events);
    assertEquals(1, again.resuming().epochsDone());
    assertEquals(1, again.train((epoch, step, steps, loss) -> {}).state().epochsDone());
  }

  @Test
  void shouldRefuseBeforeLoadingWhatCannotTrain() {
    Loads loads = new Loads();
    Path run = dir.resolve("refused");
    IllegalArgumentException noValidation =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainingRun.prepare(options(List.of(trainingOnly), run, null), loads));
    assertTrue(noValidation.getMessage().contains("no validation seconds"));
    IllegalArgumentException noStart =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainingRun.prepare(
                    withStartFrom(options(List.of(twoAndOne), run, null), dir.resolve("none")),
                    loads));
    assertTrue(noStart.getMessage().startsWith("--start-from: no finished epoch"));
    assertEquals(List.of(), loads.events);
  }

  @Test
  void withoutNoisePairsTheNoiseOnlySecondsAreLeftOutAndTheCardSaysHowMany() throws IOException {
    // two sounding and one noise-only training second, one sounding validation second
    Path root = dir.resolve("quiet");
    List<String> training = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String path = DatasetFixture.path(i, i, 0);
      DatasetFixture.write(
          root,
          path,
          i == 1
              ? DatasetFixture.noiseOnly(40 + i, Map.of("classes", 2L))
              : DatasetFixture.sounding(40 + i, Map.of("classes", 0L)));
      training.add(path);
    }
    String validation = DatasetFixture.path(0, 3, 0);
    DatasetFixture.write(root, validation, DatasetFixture.sounding(43, Map.of("classes", 0L)));
    DatasetFixture.list(root, Split.TRAINING, training);
    DatasetFixture.list(root, Split.VALIDATION, List.of(validation));
    Files.writeString(
        root.resolve("dataset.json"),
        "{\"classes\":[\"train\",\"drone\",\"noise only\"],\"noise_only_class\":2}");

    TrainingRun.Options with = options(List.of(root), dir.resolve("with-noise"), null);
    TrainingRun all = TrainingRun.prepare(with, new Loads());
    assertEquals(6, all.trainingFrames(), "3 seconds, 2 frames each");
    assertEquals(0, all.noiseOnlyFramesLeftOut());

    Path out = dir.resolve("no-noise-model");
    TrainingRun.Options without =
        withNoNoisePairs(options(List.of(root), dir.resolve("no-noise"), out));
    TrainingRun run = TrainingRun.prepare(without, new Loads());
    assertEquals(4, run.trainingFrames(), "the noise-only second's 2 frames are left out");
    assertEquals(2, run.noiseOnlyFramesLeftOut());
    assertEquals(1.0, run.noiseOnlySecondsLeftOut());
    run.train((epoch, step, steps, loss) -> {});
    ModelCard card = ModelCard.read(out);
    assertEquals(1.0, card.metrics().get("noiseOnlySecondsLeftOut"));
    assertEquals(4.0, card.metrics().get("trainingFrames"));
    assertEquals(true, card.config().get("noNoisePairs"));
    assertEquals("both", card.config().get("loss"), "the card names the default loss too");
    assertTrue(card.description().contains("without background-noise pairs"), card.description());
    UvaeTrainer.State state = UvaeTrainer.readState(dir.resolve("no-noise"));
    assertEquals("left out", state.config().get("noiseOnly"));
    assertEquals(0.0, state.config().get("noisePairs"), "no §4.3 pair either");
    assertNull(UvaeTrainer.readState(dir.resolve("with-noise")));
  }

  static TrainingRun.Options withNoNoisePairs(TrainingRun.Options o) {
    return new TrainingRun.Options(
        o.data(),
        o.config(),
        o.name(),
        o.runDir(),
        o.out(),
        o.version(),
        o.epochs(),
        1,
        o.noiseOnlyRepeat(),
        o.mirror(),
        o.framesPerSecond(),
        o.maxSeconds(),
        o.stepsPerEpoch(),
        o.selectByIou(),
        o.startFrom(),
        o.exportOnly(),
        true);
  }

  static TrainingRun.Options withExportOnly(TrainingRun.Options o) {
    return new TrainingRun.Options(
        o.data(),
        o.config(),
        o.name(),
        o.runDir(),
        o.out(),
        o.version(),
        o.epochs(),
        o.noisePairs(),
        o.noiseOnlyRepeat(),
        o.mirror(),
        o.framesPerSecond(),
        o.maxSeconds(),
        o.stepsPerEpoch(),
        o.selectByIou(),
        o.startFrom(),
        true,
        o.noNoisePairs());
  }

  static TrainingRun.Options withStartFrom(TrainingRun.Options o, Path startFrom) {
    return new TrainingRun.Options(
        o.data(),
        o.config(),
        o.name(),
        o.runDir(),
        o.out(),
        o.version(),
        o.epochs(),
        o.noisePairs(),
        o.noiseOnlyRepeat(),
        o.mirror(),
        o.framesPerSecond(),
        o.maxSeconds(),
        o.stepsPerEpoch(),
        o.selectByIou(),
        startFrom,
        o.exportOnly(),
        o.noNoisePairs());
  }
}
