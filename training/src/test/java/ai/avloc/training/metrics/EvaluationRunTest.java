package ai.avloc.training.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.serving.ModelCard;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.data.DatasetFixture;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.metrics.Evaluation.Report;
import ai.avloc.training.metrics.Evaluation.RowReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation run on a fixture split of three seconds (two sounding, one noise only) with the
 * bright-spot contract model, without the command line.
 */
class EvaluationRunTest {
  @TempDir static Path dir;
  static Path data;
  static Path modelA;
  static Path modelB;

  @BeforeAll
  static void setUp() throws IOException {
    data = dir.resolve("data");
    String a = DatasetFixture.path(0, 1, 1);
    String b = DatasetFixture.path(1, 2, 1);
    String n = DatasetFixture.path(2, 3, 1);
    DatasetFixture.write(data, a, DatasetFixture.sounding(31, Map.of("classes", 0L)));
    DatasetFixture.write(data, b, DatasetFixture.sounding(32, Map.of("classes", 1L)));
    DatasetFixture.write(data, n, DatasetFixture.noiseOnly(33, Map.of("classes", 2L)));
    DatasetFixture.list(data, Split.TESTING, List.of(a, b, n));
    DatasetFixture.list(data, Split.VALIDATION, List.of());
    Files.writeString(
        data.resolve("dataset.json"),
        "{\"classes\":[\"train\",\"drone\",\"noise only\"],\"noise_only_class\":2}");
    // the same model twice, as two versions that kept their name would be
    modelA = dir.resolve("a");
    modelB = dir.resolve("b");
    BrightSpotModel.export(modelA, 224, 298);
    BrightSpotModel.export(modelB, 224, 298);
  }

  static Evaluation.Options scoring() {
    return new Evaluation.Options(5, 4, 0.001, 0.25, 0.97, SourceConfirmation.DEFAULT);
  }

  static EvaluationRun.Options options(
      List<Path> models, Split split, int chunkSeconds, Path out, boolean updateCard) {
    return new EvaluationRun.Options(
        models, data, split, 0, 2, chunkSeconds, scoring(), out, updateCard);
  }

  @Test
  void shouldScoreChunkBySecondAsOnePassOverTheSplitAndWriteTheFirstModelsCard()
      throws IOException {
    Path out = dir.resolve("out");
    List<int[]> progress = new ArrayList<>();
    EvaluationRun.Result result;
    try (EvaluationRun run =
        EvaluationRun.prepare(options(List.of(modelA, modelB), Split.TESTING, 1, out, true))) {
      // the second model keeps its name with its directory's beside it
      assertEquals(List.of("bright-spot@1", "bright-spot@1 (b)"), run.modelNames());
      assertEquals(3, run.seconds());
      assertEquals(36, run.frames());
      assertEquals(2, run.noiseOnlyClass().getAsLong());
      result = run.evaluate((done, total) -> progress.add(new int[] {done, total}));
    }
    // one second (12 frames) at a time in batches of 5: 5, 10, 12, then the next second
    assertEquals(
        List.of(5, 10, 12, 17, 22, 24, 29, 34, 36), progress.stream().map(p -> p[0]).toList());
    assertTrue(progress.stream().allMatch(p -> p[1] == 36));

    // the same scores as the evaluation fed every frame of the split at once
    Report whole;
    try (AcousticModel model = AcousticModel.load(modelA)) {
      AudioVisualDataset dataset = AudioVisualDataset.open(data);
      List<FrameSample> frames =
          dataset.load(Split.TESTING, 0, 2, AudioVisualDataset.Progress.NONE);
      Evaluation e =
          new Evaluation(
              List.of(new Evaluation.Model("bright-spot@1", model::predict)),
              dataset.classNames(),
              dataset.noiseOnlyClass(),
              scoring(),
              frames.size());
      e.accept(frames, Evaluation.Progress.NONE);
      whole = e.finish();
    }
    Report report = result.report();
    assertEquals(36, report.frames());
    assertEquals(12, report.noiseOnlyFrames());
    RowReport expected = whole.row("bright-spot@1");
    for (String name : List.of("bright-spot@1", "bright-spot@1 (b)")) {
      RowReport row = report.row(name);
      assertEquals(expected.iou50(), row.iou50(), 1e-12, name);
      assertEquals(expected.auc(), row.auc(), 1e-12, name);
      assertEquals(expected.mse(), row.mse(), 1e-12, name);
      assertEquals(expected.noiseOnlyFlat(), row.noiseOnlyFlat(), 1e-12, name);
    }
    // the bright spot sits on the fixture's source
    assertTrue(expected.iou50() > 0.9, "IoU@0.5 " + expected.iou50());
    assertTrue(result.seconds() > 0);

    assertTrue(Files.size(out.resolve(EvaluationOutput.JSON_FILE)) > 1000);
    assertTrue(Files.size(out.resolve(EvaluationOutput.SUCCESS_FILE)) > 1000);
    assertTrue(Files.size(out.resolve(EvaluationOutput.GRID_FILE)) > 1000);

    assertEquals(modelA.resolve(ModelCard.FILE), result.card());
    Map<String, Double> metrics = ModelCard.read(modelA).metrics();
    assertEquals(expected.iou50(), metrics.get("testingIoU50"), 1e-12);
    assertEquals(expected.auc(), metrics.get("testingAuc"), 1e-12);
    assertEquals(expected.mse(), metrics.get("testingMse"), 1e-12);
    assertEquals(expected.noiseOnlyFlat(), metrics.get("testingNoiseOnlyFlat"), 1e-12);
    assertEquals(0.001, metrics.get("flatContrast"), 0);
    assertEquals(2, metrics.get("confirmNeeded"), 0);
    assertEquals(3, metrics.get("confirmWindows"), 0);
    assertFalse(ModelCard.read(modelB).metrics().containsKey("testingIoU50"));
  }

  @Test
  void shouldLeaveTheCardAloneUnlessAsked() throws IOException {
    Path copy = dir.resolve("c");
    BrightSpotModel.export(copy, 224, 298);
    EvaluationRun.Result result;
    try (EvaluationRun run =
        EvaluationRun.prepare(
            options(List.of(copy), Split.TESTING, 16, dir.resolve("out-c"), false))) {
      result = run.evaluate(Evaluation.Progress.NONE);
    }
    assertEquals(null, result.card());
    assertEquals(36, result.report().frames());
    assertFalse(ModelCard.read(copy).metrics().containsKey("testingIoU50"));
  }

  @Test
  void shouldRefuseAModelOfAnotherFrameSizeAndASplitWithoutSeconds() throws IOException {
    Path small = dir.resolve("small");
    BrightSpotModel.export(small, 112, 149);
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EvaluationRun.prepare(
                    options(List.of(modelA, small), Split.TESTING, 16, dir.resolve("x"), false)));
    assertEquals(small + " takes 112x149 frames; the dataset's are 224x298", shape.getMessage());

    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EvaluationRun.prepare(
                    options(List.of(modelA), Split.VALIDATION, 16, dir.resolve("y"), false)));
    assertEquals(
        data.resolve("lists").resolve("validation.txt") + " lists no seconds", empty.getMessage());
  }
}
