package ai.avloc.training.dualcam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.data.DatasetFixture;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.dualcam.GanEvaluation.MeanStd;
import ai.avloc.training.dualcam.GanEvaluation.Report;
import ai.avloc.training.metrics.Evaluation;
import ai.avloc.training.metrics.EvaluationOutput;
import ai.avloc.training.metrics.EvaluationRun;
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

/**
 * GAN-test and GAN-train on a fixture dataset (two sounding classes and a noise-only one) with the
 * bright-spot contract model as the generator, written into evaluation.json as evaluate does.
 */
class GanEvaluationTest {
  @TempDir static Path dir;
  static Path data;
  static Path model;

  @BeforeAll
  static void setUp() throws IOException {
    data = dir.resolve("data");
    List<String> training = new ArrayList<>();
    List<String> validation = new ArrayList<>();
    List<String> testing = new ArrayList<>();
    int scene = 0;
    for (int k = 0; k < 4; k++) {
      for (long c = 0; c < 3; c++) {
        scene++;
        String p = DatasetFixture.path(c, scene, 1);
        long seed = 100 + scene;
        DatasetFixture.write(
            data,
            p,
            c == 2
                ? DatasetFixture.noiseOnly(seed, Map.of("classes", c))
                : DatasetFixture.sounding(seed, Map.of("classes", c)));
        (k < 2 ? training : k == 2 ? validation : testing).add(p);
      }
    }
    DatasetFixture.list(data, Split.TRAINING, training);
    DatasetFixture.list(data, Split.VALIDATION, validation);
    DatasetFixture.list(data, Split.TESTING, testing);
    Files.writeString(
        data.resolve("dataset.json"),
        "{\"classes\":[\"train\",\"drone\",\"noise only\"],\"noise_only_class\":2}");
    model = dir.resolve("model");
    BrightSpotModel.export(model, 224, 298);
  }

  @Test
  void shouldTakeMeanAndSampleStdOverSeeds() {
    // mean (0.8 + 0.9 + 1.0) / 3 = 0.9; std sqrt((0.01 + 0 + 0.01) / (3 - 1)) = 0.1
    MeanStd m = MeanStd.of(List.of(0.8, 0.9, 1.0));
    assertEquals(0.9, m.mean(), 1e-12);
    assertEquals(0.1, m.std(), 1e-12);
    assertEquals(0, MeanStd.of(List.of(0.75)).std(), 0);
    assertEquals("0.900 ± 0.100", m.toString());
  }

  @Test
  void shouldKeepEachSecondsRealImagesMfccAndGeneratedImagesInFrameOrder() throws IOException {
    AudioVisualDataset dataset = AudioVisualDataset.open(data);
    List<Path> files = dataset.select(Split.TESTING, 0);
    try (AcousticModel m = AcousticModel.load(model)) {
      GanEvaluation.Data d =
          GanEvaluation.load(
              dataset,
              "testing",
              files,
              List.of(new Evaluation.Model("bright-spot", m::predict)),
              new GanEvaluation.Options(1, 1, 4, 0, 0, 1),
              line -> {});
      assertEquals(List.of(0, 1, 2), d.labels);
      List<FrameSample> frames =
          dataset.load(files.subList(1, 2), 1, AudioVisualDataset.Progress.NONE);
      int image = DualCamNet.CLIP_VALUES / 12;
      float[] clip = new float[DualCamNet.CLIP_VALUES];
      d.real().copy(1, clip, 0);
      float[] tiled = new float[DualCamNet.CLIP_VALUES];
      d.tiled().copy(1, tiled, 0);
      float[] generated = new float[DualCamNet.CLIP_VALUES];
      d.generated(0).copy(1, generated, 0);
      for (int e = 0; e < 12; e++) {
        FrameSample f = frames.get(e);
        assertArrayEquals(
            f.target(), java.util.Arrays.copyOfRange(clip, e * image, (e + 1) * image));
        assertArrayEquals(
            FrameSample.tile(f.mfcc()),
            java.util.Arrays.copyOfRange(tiled, e * image, (e + 1) * image));
        float[] own = m.predict(f.rgb(), f.mfcc(), 1).acousticImages();
        assertArrayEquals(
            java.util.Arrays.copyOf(own, image),
            java.util.Arrays.copyOfRange(generated, e * image, (e + 1) * image),
            1e-5f);
      }
    }
  }

  @Test
  void shouldReportGanTestAndGanTrainIntoTheEvaluationsJson() throws IOException {
    Path out = dir.resolve("out");
    EvaluationRun.Options options =
        new EvaluationRun.Options(
            List.of(model),
            data,
            Split.TESTING,
            0,
            2,
            EvaluationRun.CHUNK_SECONDS,
            new Evaluation.Options(6, 0, 0.001, 0.25, 0.97, SourceConfirmation.DEFAULT),
            out,
            false);
    Report report;
    List<String> lines = new ArrayList<>();
    try (EvaluationRun run = EvaluationRun.prepare(options)) {
      run.evaluate(Evaluation.Progress.NONE);
      report =
          GanEvaluation.run(
              run.dataset(),
              Split.TESTING,
              run.models(),
              new GanEvaluation.Options(2, 2, 3, 0, 0, 2),
              lines::add);
      EvaluationOutput.putJson(
          out.resolve(EvaluationOutput.JSON_FILE), GanEvaluation.JSON_KEY, report);
    }
    // 6 training, 3 validation and 3 test seconds; 3 classes
    assertEquals(6, report.clips().training());
    assertEquals(3, report.clips().validation());
    assertEquals(3, report.clips().testing());
    assertEquals(3, report.classes());
    // per seed: real, generated by the one model, tiled MFCC
    assertEquals(6, report.runs().size());
    assertEquals(
        List.of("real images", "generated by bright-spot@1", "tiled MFCC"),
        report.runs().subList(0, 3).stream().map(GanEvaluation.Run::trainedOn).toList());
    // one accuracy per seed, each a share of the 3 test clips
    for (MeanStd m :
        List.of(
            report.ganTest().real(),
            report.ganTest().generated().get("bright-spot@1"),
            report.ganTest().tiledMfcc(),
            report.ganTrain().generated().get("bright-spot@1").real(),
            report.ganTrain().generated().get("bright-spot@1").generated(),
            report.ganTrain().tiledMfcc().real())) {
      assertEquals(2, m.values().size());
      for (double v : m.values()) {
        assertEquals(0, Math.abs(v * 3 - Math.round(v * 3)), 1e-9, "" + v);
      }
      assertEquals((m.values().get(0) + m.values().get(1)) / 2, m.mean(), 1e-12);
    }
    // progress: 3 sets loaded, 2 epochs and a kept epoch per training
    assertEquals(3 + 6 * 3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(3).startsWith("dualcamnet seed 1/2, trained on real images: epoch 1/2"));

    JsonNode json = new ObjectMapper().readTree(out.resolve(EvaluationOutput.JSON_FILE).toFile());
    assertEquals(36, json.get("frames").asInt(), "the evaluation's fields stay");
    JsonNode dc = json.get("dualcamnet");
    assertEquals(
        report.ganTest().real().mean(), dc.get("ganTest").get("real").get("mean").asDouble(), 0);
    assertEquals(
        report.ganTest().generated().get("bright-spot@1").std(),
        dc.get("ganTest").get("generated").get("bright-spot@1").get("std").asDouble(),
        0);
    assertTrue(dc.get("ganTest").get("tiledMfcc").has("mean"));
    assertTrue(dc.get("ganTrain").get("generated").get("bright-spot@1").get("real").has("mean"));
    assertTrue(dc.get("ganTrain").get("tiledMfcc").get("real").has("mean"));
    assertEquals(2, dc.get("epochs").asInt());
    assertEquals(2, dc.get("seeds").asInt());
    assertEquals(6, dc.get("clips").get("training").asInt());
    assertEquals(0.850, dc.get("paper").get("real").asDouble(), 0);

    String table = GanEvaluation.table(report);
    assertTrue(table.startsWith("DualCamNet  trained on"), table);
    assertTrue(
        table.contains("GAN-test    real                      generated: bright-spot@1  "), table);
    assertTrue(table.contains("0.834"), table);
    assertTrue(table.contains("clips: 6 training, 3 validation, 3 test"), table);
  }
}
