package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.ModelCard;
import ai.avloc.training.data.FrameSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UvaeTrainerTest {
  static final UvaeTrainer.Listener QUIET = (epoch, step, steps, loss) -> {};

  /** Frames whose target is a bright blob where the frame has a bright square. */
  static List<FrameSample> frames(int count, long seed) {
    Random r = new Random(seed);
    List<FrameSample> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bgr = new byte[FrameSample.RGB_VALUES];
      int y0 = r.nextInt(180);
      int x0 = r.nextInt(250);
      for (int y = y0; y < y0 + 40; y++) {
        for (int x = x0; x < x0 + 40; x++) {
          for (int c = 0; c < 3; c++) {
            bgr[(y * 298 + x) * 3 + c] = (byte) 230;
          }
        }
      }
      float[] target = new float[FrameSample.TARGET_VALUES];
      for (int row = 0; row < 36; row++) {
        for (int col = 0; col < 48; col++) {
          boolean inside =
              row * 224 / 36 >= y0
                  && row * 224 / 36 < y0 + 40
                  && col * 298 / 48 >= x0
                  && col * 298 / 48 < x0 + 40;
          for (int k = 0; k < 12; k++) {
            target[(row * 48 + col) * 12 + k] = inside ? 0.1f : 0.4f + 0.04f * k;
          }
        }
      }
      float[] mfcc = new float[12];
      float[] noise = new float[12];
      for (int k = 0; k < 12; k++) {
        mfcc[k] = r.nextFloat();
        noise[k] = k / 11f;
      }
      out.add(new FrameSample("s" + i, i % 12, 0, i, bgr, mfcc, noise, target, List.of()));
    }
    return out;
  }

  static UvaeConfig tiny() {
    return UvaeConfig.preset("compact").withBatchSize(4).withSeed(5);
  }

  @Test
  void mirroredPairsChangeTrainingReproduciblyAndAreRecorded(@TempDir Path tmp) throws IOException {
    List<FrameSample> training = frames(8, 1);
    List<FrameSample> validation = frames(4, 2);
    UvaeTrainer.Options mirrored = new UvaeTrainer.Options(1, 0, 2, -1, false, true);
    UvaeTrainer.State a =
        new UvaeTrainer(tiny(), tmp.resolve("a"), mirrored).train(training, validation, QUIET);
    UvaeTrainer.State b =
        new UvaeTrainer(tiny(), tmp.resolve("b"), mirrored).train(training, validation, QUIET);
    UvaeTrainer.State plain =
        new UvaeTrainer(tiny(), tmp.resolve("plain"), new UvaeTrainer.Options(1, 0, 2, -1))
            .train(training, validation, QUIET);
    assertEquals(a.history().get(0).trainLoss(), b.history().get(0).trainLoss(), 1e-6);
    assertEquals(a.history().get(0).validationMse(), b.history().get(0).validationMse(), 1e-6);
    // a mirrored square sits elsewhere, so a mirrored batch is a different batch
    assertNotEquals(
        plain.history().get(0).validationMse(), a.history().get(0).validationMse(), 1e-7);
    assertEquals(true, a.config().get("mirror"));
    assertNull(plain.config().get("mirror"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new UvaeTrainer(tiny(), tmp.resolve("a"), new UvaeTrainer.Options(2, 0, 2, -1))
                .train(training, validation, QUIET),
        "a mirrored run does not resume without mirroring");
  }

  @Test
  void trainsResumesAndExportsAServableModel(@TempDir Path tmp) throws IOException {
    List<FrameSample> training = frames(8, 1);
    List<FrameSample> validation = frames(4, 2);
    Path run = tmp.resolve("run");
    UvaeTrainer.State two =
        new UvaeTrainer(tiny(), run, new UvaeTrainer.Options(2, 1, 0, -1))
            .train(training, validation, QUIET);
    assertEquals(2, two.epochsDone());
    assertEquals(2, two.history().size());
    // 8 real + 8 noise pairs in batches of 4
    assertTrue(Files.exists(run.resolve("checkpoints/best")));

    List<Integer> resumed = new ArrayList<>();
    UvaeTrainer.State three =
        new UvaeTrainer(tiny(), run, new UvaeTrainer.Options(3, 1, 0, -1))
            .train(
                training,
                validation,
                (epoch, step, steps, loss) -> {
                  assertEquals(4, steps);
                  resumed.add(epoch);
                });
    assertEquals(List.of(3, 3, 3, 3), resumed, "a resumed run trains only the missing epoch");
    assertEquals(3, three.history().size());
    for (UvaeTrainer.Epoch e : three.history()) {
      assertTrue(e.validationIou50() >= 0 && e.validationIou50() <= 1, "" + e);
    }
    assertEquals(two.history().get(1), three.history().get(1));
    assertTrue(
        three.history().get(2).trainLoss() < three.history().get(0).trainLoss(),
        "training lowers the loss: " + three.history());

    // the same settings in a fresh directory reproduce the run
    UvaeTrainer.State again =
        new UvaeTrainer(tiny(), tmp.resolve("again"), new UvaeTrainer.Options(2, 1, 0, -1))
            .train(training, validation, QUIET);
    assertEquals(two.history().get(0).trainLoss(), again.history().get(0).trainLoss(), 1e-6);
    assertEquals(
        two.history().get(1).validationMse(), again.history().get(1).validationMse(), 1e-6);

    // other settings on the same run directory are refused
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new UvaeTrainer(tiny().withSkips(2), run, new UvaeTrainer.Options(4, 1, 0, -1))
                .train(training, validation, QUIET));

    Path model = tmp.resolve("model");
    ModelCard card =
        new ModelCard(
            "uvae-test",
            "1",
            "compact",
            224,
            298,
            1,
            true,
            "unit test",
            Map.of("validationMse", three.bestValidationMse()),
            "test",
            tiny().describe(),
            Map.of());
    UvaeExport.export(
        new UvaeTrainer(tiny(), run, new UvaeTrainer.Options(3, 1, 0, -1)).bestCheckpoint(),
        tiny(),
        card,
        model);
    assertTrue(
        Files.size(model.resolve("saved_model.pb")) < 1_000_000, "weights are not in the graph");
    try (AcousticModel served = AcousticModel.load(model)) {
      float[] rgb = new float[2 * FrameSample.RGB_VALUES];
      validation.get(0).rgbInto(rgb, 0);
      validation.get(1).rgbInto(rgb, FrameSample.RGB_VALUES);
      float[] mfcc = new float[24];
      System.arraycopy(validation.get(0).mfcc(), 0, mfcc, 0, 12);
      System.arraycopy(validation.get(1).mfcc(), 0, mfcc, 12, 12);
      AcousticModel.Output a = served.predict(rgb, mfcc, 2);
      AcousticModel.Output b = served.predict(rgb, mfcc, 2);
      assertEquals(2 * 36 * 48 * 12, a.acousticImages().length);
      for (float v : a.acousticImages()) {
        assertTrue(v >= 0 && v <= 1);
      }
      // serving uses z = mu: the same input gives the same output
      assertEquals(java.util.Arrays.toString(a.energy()), java.util.Arrays.toString(b.energy()));
      // and matches the validation MSE the trainer measured with the best checkpoint
      double se = 0;
      for (int i = 0; i < 2; i++) {
        float[] t = validation.get(i).target();
        for (int j = 0; j < t.length; j++) {
          double d = a.acousticImages()[i * t.length + j] - t[j];
          se += d * d;
        }
      }
      assertTrue(se / (2.0 * FrameSample.TARGET_VALUES) < 0.2);
      assertEquals("uvae-test@1", served.card().id());
    }
  }

  @Test
  void noiseOnlyFramesComeAsOftenAsAskedAndAreRecorded(@TempDir Path tmp) throws IOException {
    List<FrameSample> training = new ArrayList<>();
    for (FrameSample f : frames(8, 1)) {
      // frames 0 and 4 are noise-only (class 3)
      long classId = f.location() % 4 == 0 ? 3 : 0;
      training.add(
          new FrameSample(
              f.source(),
              f.entry(),
              classId,
              f.location(),
              f.bgr(),
              f.mfcc(),
              f.noiseMfcc(),
              f.target(),
              f.boxes()));
    }
    List<Integer> steps = new ArrayList<>();
    UvaeTrainer.Listener counting = (epoch, step, total, loss) -> steps.add(total);
    UvaeTrainer.State state =
        new UvaeTrainer(
                tiny(),
                tmp.resolve("thrice"),
                new UvaeTrainer.Options(1, 0, 0, 3, false, false, 3, null, 12))
            .train(training, frames(4, 2), counting);
    // 8 frames + 2 noise-only frames twice more = 12 items, in batches of 4
    assertEquals(List.of(3, 3, 3), steps);
    assertEquals(3, state.config().get("noiseOnlyRepeat"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UvaeTrainer.Options(1, 0, 0, 3, false, false, 0, null, 12));
  }

  @Test
  void aRunDoesNotResumeOnFramesTakenAtAnotherRate(@TempDir Path tmp) throws IOException {
    Path run = tmp.resolve("run");
    UvaeTrainer.State three =
        new UvaeTrainer(tiny(), run, new UvaeTrainer.Options(1, 0, 1, -1, false, false, 1, null, 3))
            .train(frames(4, 1), frames(2, 2), QUIET);
    assertEquals(3, three.config().get("framesPerSecond"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new UvaeTrainer(
                    tiny(), run, new UvaeTrainer.Options(2, 0, 1, -1, false, false, 1, null, 6))
                .train(frames(4, 1), frames(2, 2), QUIET));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UvaeTrainer.Options(1, 0, 1, -1, false, false, 1, null, 5));
  }

  @Test
  void aRunStartedFromAnotherBeginsWithItsWeights(@TempDir Path tmp) throws IOException {
    List<FrameSample> training = frames(8, 1);
    List<FrameSample> validation = frames(4, 2);
    Path first = tmp.resolve("first");
    UvaeTrainer.State trained =
        new UvaeTrainer(tiny(), first, new UvaeTrainer.Options(3, 0, 0, -1))
            .train(training, validation, QUIET);
    // at a negligible learning rate the weights stay as they start (batch-norm averages move a
    // little)
    UvaeConfig still = tiny().withLearningRate(1e-9);
    Path from = UvaeTrainer.bestCheckpointOf(first);
    UvaeTrainer.State tuned =
        new UvaeTrainer(
                still,
                tmp.resolve("tuned"),
                new UvaeTrainer.Options(1, 0, 1, -1, false, false, 1, from, 12))
            .train(training, validation, QUIET);
    UvaeTrainer.State fresh =
        new UvaeTrainer(still, tmp.resolve("fresh"), new UvaeTrainer.Options(1, 0, 1, -1))
            .train(training, validation, QUIET);
    double best = trained.bestValidationMse();
    // epoch 0 is the starting point, validated before any step
    assertEquals(0, tuned.history().get(0).epoch());
    assertEquals(best, tuned.history().get(0).validationMse(), 1e-9);
    double started = tuned.history().get(1).validationMse();
    double untrained = fresh.history().get(0).validationMse();
    assertTrue(
        Math.abs(started - best) < 0.1 * Math.abs(untrained - best),
        "started from the run: " + started + ", its best " + best + ", fresh " + untrained);
    assertEquals(from.toString(), tuned.config().get("startFrom"));
    // an epoch that does not beat the starting point is not kept
    assertEquals(started >= best ? 0 : 1, tuned.bestEpoch(), "" + tuned.history());
    assertTrue(Files.exists(tmp.resolve("tuned/checkpoints/best")));
    // and the run resumes from its own last epoch, its history read back whole
    UvaeTrainer.State resumed =
        new UvaeTrainer(
                still,
                tmp.resolve("tuned"),
                new UvaeTrainer.Options(2, 0, 1, -1, false, false, 1, from, 12))
            .train(training, validation, QUIET);
    assertEquals(2, resumed.epochsDone());
    assertEquals(
        List.of(0, 1, 2), resumed.history().stream().map(UvaeTrainer.Epoch::epoch).toList());
    assertTrue(Double.isNaN(resumed.history().get(0).trainLoss()));
  }

  @Test
  void selectingByIouKeepsTheFirstEpochWithTheBestLocalization(@TempDir Path tmp)
      throws IOException {
    UvaeTrainer.State state =
        new UvaeTrainer(
                tiny(), tmp.resolve("iou"), new UvaeTrainer.Options(3, 0, 1, -1, true, false))
            .train(frames(4, 6), frames(4, 7), QUIET);
    double bestIou =
        state.history().stream()
            .mapToDouble(UvaeTrainer.Epoch::validationIou50)
            .max()
            .orElseThrow();
    int first =
        state.history().stream()
            .filter(e -> e.validationIou50() == bestIou)
            .findFirst()
            .orElseThrow()
            .epoch();
    assertEquals(first, state.bestEpoch(), "" + state.history());
    assertEquals("validation IoU@0.5", state.config().get("selectBy"));
  }

  @Test
  void paperPresetTrainsExportsAndServesOnTheCpu(@TempDir Path tmp) throws IOException {
    UvaeConfig paper = UvaeConfig.preset("paper").withBatchSize(1);
    List<Double> losses = new ArrayList<>();
    UvaeTrainer trainer =
        new UvaeTrainer(paper, tmp.resolve("run"), new UvaeTrainer.Options(1, 0, 2, -1));
    UvaeTrainer.State state =
        trainer.train(frames(2, 3), frames(1, 4), (epoch, step, steps, loss) -> losses.add(loss));
    assertEquals(2, losses.size());
    assertTrue(Double.isFinite(state.bestValidationMse()));
    Path model = tmp.resolve("paper");
    ModelCard card =
        new ModelCard(
            "uvae-paper-test",
            "1",
            "paper",
            224,
            298,
            1,
            true,
            "unit test",
            Map.of(),
            "two steps",
            paper.describe(),
            Map.of());
    UvaeExport.export(trainer.bestCheckpoint(), paper, card, model);
    try (AcousticModel served = AcousticModel.load(model)) {
      List<FrameSample> one = frames(1, 5);
      AcousticModel.Output out = served.predict(one.get(0).rgb(), one.get(0).mfcc(), 1);
      assertEquals(36 * 48, out.energy().length);
      for (float e : out.energy()) {
        assertTrue(Float.isFinite(e) && e > 0);
      }
    }
  }
}
