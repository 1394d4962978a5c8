package ai.avloc.training.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.data.DatasetFixture;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.metrics.Evaluation.Model;
import ai.avloc.training.metrics.Evaluation.Report;
import ai.avloc.training.metrics.Evaluation.RowReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KNN measure of the evaluation, on models whose latents are placed by hand. */
class EvaluationKnnTest {
  @TempDir static Path dir;

  /**
   * Where each second's frames lie on a line: seeds 31 and 32 are class 0 at 0 and 1, seeds 33 and
   * 34 class 1 at 2.2 and 1.8, and the last two are one scene.
   */
  private static final Map<Long, Float> PLACE = Map.of(31L, 0f, 32L, 1f, 33L, 2.2f, 34L, 1.8f);

  /** A model whose latent is its frame's place (read from the fixture's marker pixel), then 0. */
  static Model placed(AcousticModel images) {
    return new Model(
        "placed",
        (rgb, mfcc, batch) -> {
          AcousticModel.Output out = images.predict(rgb, mfcc, batch);
          float[] latents = new float[batch * 3];
          for (int b = 0; b < batch; b++) {
            long seed = Math.round(rgb[b * FrameSample.RGB_VALUES + 2] * 255);
            latents[b * 3] = PLACE.getOrDefault(seed, 100f);
          }
          return new AcousticModel.Output(out.acousticImages(), out.energy(), batch, latents);
        });
  }

  @Test
  void eachModelRowGetsTheLeaveOneSceneOutAccuracyOfItsLatents() throws IOException {
    Path root = dir.resolve("data");
    List<String> seconds = new java.util.ArrayList<>();
    for (long seed = 31; seed <= 34; seed++) {
      long classId = seed <= 32 ? 0 : 1;
      String path = DatasetFixture.path(classId, (int) seed, 0);
      long scene = seed <= 32 ? seed : 7;
      DatasetFixture.write(
          root, path, DatasetFixture.sounding(seed, Map.of("classes", classId, "location", scene)));
      seconds.add(path);
    }
    DatasetFixture.list(root, Split.TESTING, seconds);
    Files.writeString(root.resolve("dataset.json"), "{\"classes\":[\"train\",\"drone\"]}");
    AudioVisualDataset dataset = AudioVisualDataset.open(root);
    List<FrameSample> frames = dataset.load(Split.TESTING, 0, 2, AudioVisualDataset.Progress.NONE);
    BrightSpotModel.export(dir.resolve("bright"), 224, 298);
    Report report;
    try (AcousticModel bright = AcousticModel.load(dir.resolve("bright"))) {
      assertEquals(0, bright.latentSize(), "the bright-spot model returns no latent");
      Evaluation e =
          new Evaluation(
              List.of(placed(bright), new Model("bright", bright::predict)),
              dataset.classNames(),
              dataset.noiseOnlyClass(),
              new Evaluation.Options(5, 0, Double.NaN, 0.25),
              frames.size());
      e.accept(frames, Evaluation.Progress.NONE);
      report = e.finish();
    }
    // 15 neighbours from the other scenes: at 0, 12 at 1 and 3 at 1.8 say class 0 (right); at 1,
    // 12 at 1.8 and 3 at 0 say class 1 (wrong); at 2.2 and at 1.8, whose scene-mates may not vote,
    // 12 at 1 say class 0 (wrong): 12 of 48 frames, half of class 0 and none of class 1. By
    // second it would be 36 of 48.
    RowReport placed = report.row("placed");
    assertEquals(0.25, placed.knn(), 1e-12);
    assertEquals(0.5, placed.perClass().get(0).knn(), 1e-12);
    assertEquals(0.0, placed.perClass().get(1).knn(), 1e-12);
    assertNull(report.row("placed: " + Evaluation.BLACK_IMAGE).knn(), "ablations have none");
    assertNull(report.row(Evaluation.TILED_MFCC).knn());
    assertNull(report.row("bright").knn(), "no latent, no KNN");
    assertEquals(48, report.knn().frames());
    assertEquals(15, report.knn().k());
    assertEquals(List.of("placed"), report.knn().models());

    Path json = dir.resolve("evaluation.json");
    EvaluationOutput.writeJson(report, json);
    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertEquals(0.25, doc.at("/rows/0/knn").asDouble(), 1e-12);
    assertTrue(doc.at("/rows/3/knn").isNull(), doc.at("/rows/3").toString());
    assertTrue(doc.at("/knn/protocol").asText().startsWith("leave-one-scene-out"));
    String table = EvaluationOutput.table(report);
    assertTrue(table.lines().findFirst().orElseThrow().contains("KNN"), table);
    assertTrue(
        table
            .lines()
            .filter(l -> l.startsWith("placed "))
            .findFirst()
            .orElseThrow()
            .contains("25.0 %"),
        table);
  }
}
