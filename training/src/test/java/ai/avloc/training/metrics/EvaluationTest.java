package ai.avloc.training.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.data.DatasetFixture;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.data.SoundingBox;
import ai.avloc.training.metrics.Evaluation.Model;
import ai.avloc.training.metrics.Evaluation.Options;
import ai.avloc.training.metrics.Evaluation.Report;
import ai.avloc.training.metrics.Evaluation.RowReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation on a tiny dataset: two sounding seconds of two classes with boxes, one noise-only
 * second, scored with the bright-spot contract model and an oracle that returns the target.
 */
class EvaluationTest {
  static final int PIXELS = 36 * 48;
  static final int IMAGE = PIXELS * 12;

  @TempDir static Path dir;
  static AcousticModel model;
  static AudioVisualDataset dataset;
  static List<FrameSample> frames;

  @BeforeAll
  static void setUp() throws IOException {
    Path root = dir.resolve("data");
    String a = DatasetFixture.path(0, 1, 1);
    String b = DatasetFixture.path(1, 2, 1);
    String n = DatasetFixture.path(2, 3, 1);
    DatasetFixture.write(
        root, a, DatasetFixture.sounding(21, Map.of("classes", 0L, "location", 1L)));
    DatasetFixture.write(
        root, b, DatasetFixture.sounding(22, Map.of("classes", 1L, "location", 2L)));
    DatasetFixture.write(
        root, n, DatasetFixture.noiseOnly(23, Map.of("classes", 2L, "location", 3L)));
    DatasetFixture.list(root, Split.TESTING, List.of(a, b, n));
    Files.writeString(
        root.resolve("dataset.json"),
        "{\"classes\":[\"train\",\"drone\",\"noise only\"],\"noise_only_class\":2}");
    Files.write(
        root.resolve("annotations.jsonl"),
        List.of(
            DatasetFixture.annotation(a, "testing", 1, 0, 21),
            // the second second's object is off screen in its first six frames
            DatasetFixture.annotation(b, "testing", 2, 1, 22)
                .replaceFirst(
                    "\"frames\":\\[(\\[[^\\]]*\\],){6}", "\"frames\":[[],[],[],[],[],[],"),
            DatasetFixture.emptyAnnotation(n, "testing", 3, 2)));
    dataset = AudioVisualDataset.open(root);
    frames = dataset.load(Split.TESTING, 0, 2, AudioVisualDataset.Progress.NONE);
    BrightSpotModel.export(dir.resolve("bright-spot"), 224, 298);
    model = AcousticModel.load(dir.resolve("bright-spot"));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  static Report evaluate(List<Model> models, Options options) {
    Evaluation e =
        new Evaluation(
            models, dataset.classNames(), dataset.noiseOnlyClass(), options, frames.size());
    // two chunks, as the command feeds them; the progress counts frames over both
    List<Integer> done = new ArrayList<>();
    Evaluation.Progress progress =
        (seen, total) -> {
          assertEquals(frames.size(), total);
          done.add(seen);
        };
    e.accept(frames.subList(0, 20), progress);
    assertEquals(20, done.get(done.size() - 1));
    e.accept(frames.subList(20, frames.size()), progress);
    assertEquals(frames.size(), done.get(done.size() - 1));
    return e.finish();
  }

  static List<SoundingBox> agreed(FrameSample f) {
    List<SoundingBox> boxes = new ArrayList<>();
    for (SoundingBox b : f.boxes()) {
      boxes.add(b);
      boxes.add(b);
    }
    return boxes;
  }

  @Test
  void shouldScoreTheModelAsTheMetricsDoFrameByFrame() {
    Report report =
        evaluate(
            List.of(new Model("bright-spot", model::predict)), new Options(5, 4, Double.NaN, 0.25));
    assertEquals(36, report.frames());
    assertEquals(24, report.soundingFrames());
    assertEquals(12, report.noiseOnlyFrames());
    assertEquals(18, report.boxedFrames());

    // recomputed one frame at a time, straight from the model and LocalizationMetrics
    List<Double> ious = new ArrayList<>();
    List<Double> cious = new ArrayList<>();
    int peaksOnObject = 0;
    List<Double> blackIous = new ArrayList<>();
    double mse = 0;
    for (FrameSample f : frames.subList(0, 24)) {
      AcousticModel.Output out = model.predict(f.rgb(), f.mfcc(), 1);
      float[] truth = EnergyMap.of(f.target());
      ious.add(LocalizationMetrics.iou(truth, out.energy()));
      if (f.hasBoxes()) {
        cious.add(LocalizationMetrics.ciou(out.energy(), 36, 48, agreed(f)));
        if (LocalizationMetrics.peakOnBox(out.energy(), 36, 48, agreed(f))) {
          peaksOnObject++;
        }
      }
      double sum = 0;
      for (int p = 0; p < IMAGE; p++) {
        double d = out.acousticImages()[p] - f.target()[p];
        sum += d * d;
      }
      mse += sum / IMAGE;
      AcousticModel.Output black = model.predict(new float[224 * 298 * 3], f.mfcc(), 1);
      blackIous.add(LocalizationMetrics.iou(truth, black.energy()));
    }
    RowReport row = report.row("bright-spot");
    double[] success = LocalizationMetrics.successRate(ious.stream().mapToDouble(d -> d).toArray());
    assertArrayEquals(success, row.success(), 1e-12);
    assertEquals(success[5], row.iou50(), 1e-12);
    assertEquals(LocalizationMetrics.auc(success), row.auc(), 1e-12);
    double[] cs = LocalizationMetrics.successRate(cious.stream().mapToDouble(d -> d).toArray());
    assertArrayEquals(cs, row.ciouSuccess(), 1e-12);
    assertEquals(LocalizationMetrics.auc(cs), row.cauc(), 1e-12);
    assertEquals(mse / 24, row.mse(), 1e-9);
    assertEquals(24, row.frames());
    assertEquals(18, row.boxedFrames());
    assertEquals(peaksOnObject / 18.0, row.peakOnObject(), 1e-12);
    // the bright spot sits where the fixture's source is: the model localizes it
    assertTrue(row.iou50() > 0.9, "IoU@0.5 " + row.iou50());
    assertTrue(row.peakOnObject() > 0.9, "peak on object " + row.peakOnObject());

    RowReport black = report.row("bright-spot: " + Evaluation.BLACK_IMAGE);
    assertArrayEquals(
        LocalizationMetrics.successRate(blackIous.stream().mapToDouble(d -> d).toArray()),
        black.success(),
        1e-12);
    assertEquals("ablation", black.kind());

    // per class: class 0 is the first second
    Evaluation.ClassReport first = row.perClass().get(0);
    assertEquals(0, first.id());
    assertEquals("train", first.name());
    assertEquals(12, first.frames());
    double[] firstSuccess =
        LocalizationMetrics.successRate(ious.subList(0, 12).stream().mapToDouble(d -> d).toArray());
    assertEquals(firstSuccess[5], first.iou50(), 1e-12);
    Evaluation.ClassReport noise = row.perClass().get(2);
    assertEquals(12, noise.frames());
    assertNull(noise.iou50());
    assertNotNull(noise.mse());

    // the grid keeps one frame of each quarter (9 frames), the (5 + 7i) mod 9-th, with its IoU
    assertEquals(4, report.grid().size());
    Evaluation.GridSample g = report.grid().get(1);
    assertEquals(frames.get(12), g.frame());
    assertEquals(ious.get(12), g.iou().get(0), 1e-12);
    assertEquals(frames.get(5), report.grid().get(0).frame());
    assertEquals(frames.get(35), report.grid().get(3).frame());
    assertNull(report.grid().get(3).iou().get(0));
  }

  @Test
  void shouldGiveTheTiledMfccAFlatMapAndTheCentrePriorItsMask() {
    Report report = evaluate(List.of(new Model("bright-spot", model::predict)), Options.defaults());
    RowReport tiled = report.row(Evaluation.TILED_MFCC);
    for (double s : tiled.success()) {
      assertEquals(0.0, s);
    }
    assertEquals(0.0, tiled.auc());
    assertEquals(1.0, tiled.noiseOnlyFlat());
    assertEquals(1.0, tiled.soundingFlat());
    assertEquals(0.0, tiled.contrastSounding().max());
    double mse = 0;
    for (FrameSample f : frames.subList(0, 24)) {
      float[] image = FrameSample.tile(f.mfcc());
      float[] energy = EnergyMap.of(image);
      for (float e : energy) {
        assertEquals(energy[0], e);
      }
      double sum = 0;
      for (int p = 0; p < IMAGE; p++) {
        double d = image[p] - f.target()[p];
        sum += d * d;
      }
      mse += sum / IMAGE;
    }
    assertEquals(mse / 24, tiled.mse(), 1e-9);

    RowReport prior = report.row(Evaluation.CENTRE_PRIOR);
    assertNull(prior.mse());
    float[] map = Evaluation.centrePrior(36, 48, 0.25);
    assertEquals(
        LocalizationMetrics.iou(EnergyMap.of(frames.get(7).target()), map),
        prior.perClass().get(0).iou50() == null ? -1 : iouOf(map, frames.get(7)),
        1e-12);
    double[] ious = new double[24];
    for (int i = 0; i < 24; i++) {
      ious[i] = iouOf(map, frames.get(i));
    }
    assertArrayEquals(LocalizationMetrics.successRate(ious), prior.success(), 1e-12);
    // a centred ellipse: the mask covers ~41 % of the map
    assertEquals(0.407, report.priorMaskCoverage(), 0.001);
    assertTrue(map[17 * 48 + 23] > 0.99f && map[0] < map[17 * 48 + 23]);
  }

  private static double iouOf(float[] map, FrameSample f) {
    return LocalizationMetrics.iou(EnergyMap.of(f.target()), map);
  }

  /** Returns the target of the frame it is shown (recognised by the fixture's marker pixel). */
  static Model oracle() {
    Map<Long, FrameSample> byMarker = new HashMap<>();
    for (FrameSample f : frames) {
      byMarker.put(marker(f.rgb(), 0), f);
    }
    return new Model(
        "oracle",
        (rgb, mfcc, batch) -> {
          float[] images = new float[batch * IMAGE];
          float[] energy = new float[batch * PIXELS];
          for (int b = 0; b < batch; b++) {
            FrameSample f = byMarker.get(marker(rgb, b * 224 * 298 * 3));
            if (f != null) {
              System.arraycopy(f.target(), 0, images, b * IMAGE, IMAGE);
              System.arraycopy(EnergyMap.of(f.target()), 0, energy, b * PIXELS, PIXELS);
            }
          }
          return new AcousticModel.Output(images, energy, batch);
        });
  }

  private static long marker(float[] rgb, int offset) {
    // first pixel: B carries the seed, G the entry
    return Math.round(rgb[offset + 2] * 255) * 100 + Math.round(rgb[offset + 1] * 255);
  }

  @Test
  void shouldScoreAModelThatReturnsTheTargetPerfectly() {
    Report report = evaluate(List.of(oracle()), new Options(7, 0, Double.NaN, 0.25));
    RowReport row = report.row("oracle");
    assertEquals(0.0, row.mse());
    assertEquals(0.0, row.noiseOnlyMse());
    assertEquals(1.0, row.iou50());
    // success is IoU > t: 1 up to t = 0.9, 0 at t = 1
    assertEquals(0.95, row.auc(), 1e-12);
    for (int k = 0; k < 10; k++) {
      assertEquals(1.0, row.success()[k]);
    }
    assertEquals(0.0, row.success()[10]);
    // its peaks are the true maps' peaks, which the fixture puts on its boxes
    assertEquals(report.truthPeakOnObject(), row.peakOnObject());
    assertTrue(
        report.truthPeakOnObject() > 0.9, "true peaks on object " + report.truthPeakOnObject());
    // the true maps of the noise-only second are flat and those of sounding ones are not, so the
    // derived threshold separates them and the oracle's maps read the same way
    Evaluation.FlatnessCheck check = report.flatness();
    assertEquals("ground truth", check.source());
    assertEquals(0.0, check.truthBalancedError());
    assertTrue(check.truthNoiseOnly().max() < check.threshold());
    assertTrue(check.truthSounding().min() > check.threshold());
    assertEquals(
        Math.sqrt(check.truthNoiseOnly().max() * check.truthSounding().min()),
        check.threshold(),
        1e-9 * check.threshold());
    assertEquals(1.0, row.noiseOnlyFlat());
    assertEquals(0.0, row.soundingFlat());
    // the oracle's maps are the true ones, so its own best threshold is the derived one
    assertEquals(check.threshold(), row.fittedFlatThreshold(), 1e-12 * check.threshold());
    // the fixture has 12 noise-only maps, so 97 % of them is all of them
    assertTrue(row.noiseShareThreshold() > check.truthNoiseOnly().max());
    assertTrue(report.grid().isEmpty());
  }

  @Test
  void shouldDeriveTheFlatnessThresholdWithTheLowestBalancedError() {
    // separable: the geometric middle of the gap
    assertEquals(
        Math.sqrt(0.02 * 1.0),
        Evaluation.FlatnessCheck.derive(new double[] {1, 2, 3}, new double[] {0.01, 0.02}),
        1e-12);
    // overlapping: between 0.7 and 2 one sounding map of 4 reads as flat (balanced error 0.125);
    // between 0.3 and 0.5 two noise-only maps of 5 do not (0.2)
    double[] sounding = {0.5, 2, 3, 4};
    double[] noise = {0.1, 0.2, 0.3, 0.6, 0.7};
    assertEquals(Math.sqrt(0.7 * 2), Evaluation.FlatnessCheck.derive(sounding, noise), 1e-12);
    assertEquals(
        0.125, Evaluation.FlatnessCheck.balancedError(sounding, noise, Math.sqrt(0.7 * 2)));
    // 97 % of 100 noise-only maps: the midpoint above the 97th smallest contrast
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = (i + 1) / 100.0;
    }
    assertEquals(
        Math.sqrt(0.97 * 0.98), Evaluation.FlatnessCheck.forNoiseShare(hundred, 0.97), 1e-12);
    // all of them: above the largest, as the balanced rule places it (2 x max + 1)
    assertEquals(3.0, Evaluation.FlatnessCheck.forNoiseShare(hundred, 1.0), 1e-12);
    assertEquals(0.005, Evaluation.FlatnessCheck.forNoiseShare(new double[] {0, 0.01}, 0.5));
    assertEquals(
        Double.POSITIVE_INFINITY,
        Evaluation.FlatnessCheck.forNoiseShare(
            new double[] {0.01, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, 0.97));
    assertEquals(0.0, Evaluation.peakContrast(new float[] {2, 2, 2}));
    assertEquals(0.5, Evaluation.peakContrast(new float[] {2, 2, 3}), 1e-12);
  }

  @Test
  void shouldWriteTheJsonAndThePictures() throws IOException {
    Report report =
        evaluate(
            List.of(new Model("bright-spot", model::predict), oracle()),
            new Options(16, 3, Double.NaN, 0.25));
    Path out = dir.resolve("out");
    EvaluationOutput.writeAll(report, out, "test");
    JsonNode json = new ObjectMapper().readTree(out.resolve(EvaluationOutput.JSON_FILE).toFile());
    assertEquals(36, json.get("frames").asInt());
    assertEquals(8, json.get("rows").size());
    JsonNode first = json.get("rows").get(0);
    assertEquals("bright-spot", first.get("name").asText());
    assertEquals(11, first.get("success").size());
    assertEquals(11, first.get("ciouSuccess").size());
    assertTrue(json.get("rows").get(7).get("mse").isNull());
    assertTrue(json.get("flatness").get("threshold").isNumber());
    assertEquals(3, json.get("classes").size());
    assertEquals(3, json.get("gridSamples").size());

    BufferedImage success = ImageIO.read(out.resolve(EvaluationOutput.SUCCESS_FILE).toFile());
    assertTrue(success.getWidth() > 800 && success.getHeight() > 300);
    BufferedImage grid = ImageIO.read(out.resolve(EvaluationOutput.GRID_FILE).toFile());
    // 3 rows of frame, true energy, and two models' energy and overlay
    assertTrue(
        grid.getWidth() > 6 * 298 && grid.getHeight() > 3 * 224,
        grid.getWidth() + "x" + grid.getHeight());

    String table = EvaluationOutput.table(report);
    assertTrue(table.contains("oracle: " + Evaluation.BACKGROUND_NOISE), table);
    assertTrue(table.contains("100.0 %"), table);
    String classes = EvaluationOutput.classTable(report);
    assertTrue(classes.contains("2 noise only (noise only)"), classes);
    String flat = EvaluationOutput.flatnessTable(report);
    assertTrue(flat.contains("ground truth"), flat);
  }

  @Test
  void shouldPublishNoSourceForABurstThatTheWindowsBeforeItDoNotConfirm() {
    // the oracle, but three windows of the noise-only second (3, 7, 8) get a sounding map
    Map<Long, FrameSample> byMarker = new HashMap<>();
    for (FrameSample f : frames) {
      byMarker.put(marker(f.rgb(), 0), f);
    }
    float[] sounding = EnergyMap.of(frames.get(0).target());
    Model oracle = oracle();
    Model bursts =
        new Model(
            "bursts",
            (rgb, mfcc, batch) -> {
              AcousticModel.Output out = oracle.predictor().predict(rgb, mfcc, batch);
              for (int b = 0; b < batch; b++) {
                FrameSample f = byMarker.get(marker(rgb, b * 224 * 298 * 3));
                if (f != null && f.classId() == 2 && List.of(3, 7, 8).contains(f.entry())) {
                  System.arraycopy(sounding, 0, out.energy(), b * PIXELS, PIXELS);
                }
              }
              return out;
            });
    Map<String, double[]> byRule = new HashMap<>();
    for (String rule : List.of("1/1", "2/3", "3/3")) {
      Options options =
          new Options(
              5, 0, Double.NaN, 0.25, Options.FLAT_NOISE_SHARE, SourceConfirmation.parse(rule));
      Report report = evaluate(List.of(bursts), options);
      RowReport row = report.row("bursts");
      assertEquals(9 / 12.0, row.noiseOnlyFlat(), 1e-12, "each window by its own map");
      assertEquals(0.0, row.soundingFlat());
      byRule.put(rule, new double[] {row.noiseOnlyFlatConfirmed(), row.soundingFlatConfirmed()});
      assertEquals(rule, report.confirmation().needed() + "/" + report.confirmation().windows());
    }
    // no rule: as each map reads; 2 of 3: window 8 is confirmed by 7, the lone 3 and 7 are not;
    // 3 of 3: window 6 was flat, so 8 is not confirmed either. Sounding seconds hold throughout.
    // Under a rule of 3 windows, the first 2 of each second (without their history) do not count.
    assertArrayEquals(new double[] {9 / 12.0, 0}, byRule.get("1/1"), 1e-12);
    assertArrayEquals(new double[] {9 / 10.0, 0}, byRule.get("2/3"), 1e-12);
    assertArrayEquals(new double[] {1, 0}, byRule.get("3/3"), 1e-12);
  }

  @Test
  void shouldScoreEveryFrameWithoutANoiseOnlyClass() {
    Evaluation e =
        new Evaluation(
            List.of(oracle()),
            Map.of(),
            OptionalLong.empty(),
            new Options(8, 0, Double.NaN, 0.25),
            36);
    e.accept(frames, Evaluation.Progress.NONE);
    Report report = e.finish();
    assertEquals(36, report.soundingFrames());
    assertEquals(36, report.row("oracle").frames());
    assertNull(report.flatness().threshold());
    assertNull(report.row("oracle").noiseOnlyFlat());
    assertEquals("class 2", report.classes().get(2).name());
  }
}
