package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.ModelCard;
import ai.avloc.serving.ModelContract;
import ai.avloc.training.data.FrameSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;

class UvaeExportTest {
  /** The shipped model's settings: VAE, one skip, audio gate and visual skip. */
  static UvaeConfig shipped() {
    return UvaeTrainerTest.tiny().withAudioGate(AudioGate.FEATURE).withVisualSkip(true);
  }

  static ModelCard card(UvaeConfig config) {
    return new ModelCard(
        "uvae-export-test",
        "1",
        config.preset(),
        224,
        298,
        config.skips(),
        config.variational(),
        "unit test",
        Map.of(),
        "test",
        config.describe(),
        Map.of());
  }

  @Test
  void aModelInTheTrainingGraphsFormServesTheSameImagesAfterReexport(@TempDir Path tmp)
      throws IOException {
    UvaeConfig config = shipped();
    List<FrameSample> validation = UvaeTrainerTest.frames(2, 2);
    Path run = tmp.resolve("run");
    new UvaeTrainer(config, run, new UvaeTrainer.Options(1, 1, 2, -1))
        .train(UvaeTrainerTest.frames(8, 1), validation, UvaeTrainerTest.QUIET);

    // the form models were exported in before: the training graph, sigma branch and the
    // training switch included, served at its default of 0
    Path before = tmp.resolve("before");
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      UvaeGraph model = UvaeGraph.build(Ops.create(graph), config);
      session.restore(UvaeTrainer.bestCheckpointOf(run).toString());
      UvaeExport.write(model, session, card(config), before);
    }
    Path after = tmp.resolve("after");
    UvaeExport.reexport(before, after);

    float[] rgb = new float[2 * FrameSample.RGB_VALUES];
    float[] mfcc = new float[24];
    for (int i = 0; i < 2; i++) {
      validation.get(i).rgbInto(rgb, i * FrameSample.RGB_VALUES);
      System.arraycopy(validation.get(i).mfcc(), 0, mfcc, i * 12, 12);
    }
    try (AcousticModel old = AcousticModel.load(before);
        AcousticModel rebuilt = AcousticModel.load(after)) {
      AcousticModel.Output a = old.predict(rgb, mfcc, 2);
      AcousticModel.Output b = rebuilt.predict(rgb, mfcc, 2);
      assertEquals(a.acousticImages().length, b.acousticImages().length);
      double worst = 0;
      for (int i = 0; i < a.acousticImages().length; i++) {
        worst = Math.max(worst, Math.abs(a.acousticImages()[i] - b.acousticImages()[i]));
      }
      assertTrue(worst < 1e-5, "largest difference " + worst);
      assertEquals(card(config).id(), rebuilt.card().id());
      // the card states the serving graph's cost: the audio encoder's distinct cells, no sigma
      long served = UvaeGraph.macsPerFrame(config, config.backbone(), true);
      long trained = UvaeGraph.macsPerFrame(config, config.backbone(), false);
      long skipped =
          (36 * 48 - 25) * 9L * (12 * 24 + 24 * 24)
              + (12 * 16 - 9) * 9L * 24 * 24
              + (12 * 16 - 49) * 9L * (24 * 25 + 25 * 25)
              + 12 * 16 * 37 * 150L;
      assertEquals(trained - skipped, served);
      assertEquals(
          Math.rint(2e-6 * served) / 1000, rebuilt.card().metrics().get("gflopPerFrame"), 1e-12);
    }
    try (SavedModelBundle old = SavedModelBundle.load(before.toString(), ModelContract.TAG);
        SavedModelBundle rebuilt = SavedModelBundle.load(after.toString(), ModelContract.TAG)) {
      assertNotNull(old.graph().operation("training"));
      assertNotNull(old.graph().operation("latent.sigma.kernel"));
      assertNull(rebuilt.graph().operation("training"), "a serving graph has no training switch");
      assertNull(rebuilt.graph().operation("latent.sigma.kernel"), "nor the sigma branch");
    }
    // 150 x (12 x 16 x 37) sigma weights fewer
    long saved =
        Files.size(before.resolve("variables/variables.data-00000-of-00001"))
            - Files.size(after.resolve("variables/variables.data-00000-of-00001"));
    assertEquals(4L * (150 * 12 * 16 * 37 + 150), saved);

    // in place too
    UvaeExport.reexport(after, after);
    try (AcousticModel again = AcousticModel.load(after)) {
      assertEquals(card(config).id(), again.card().id());
    }
    // never over something that is not a model, nor over the folder that holds the model
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(notes.resolve("keep.txt"), "mine");
    assertThrows(IllegalArgumentException.class, () -> UvaeExport.reexport(after, notes));
    assertThrows(IllegalArgumentException.class, () -> UvaeExport.reexport(after, tmp));
    assertTrue(Files.exists(notes.resolve("keep.txt")));
    // a reexport killed between its moves left the old model beside its place: it comes back
    Files.move(after, tmp.resolve("after.previous"));
    UvaeExport.reexport(before, after);
    assertTrue(Files.exists(after.resolve("saved_model.pb")));
    assertTrue(Files.notExists(tmp.resolve("after.previous")));
  }

  @Test
  void theExportedModelReturnsItsLatentAndAReexportAddsItToAnOlderModel(@TempDir Path tmp)
      throws IOException {
    UvaeConfig config = shipped();
    Path run = tmp.resolve("run");
    new UvaeTrainer(config, run, new UvaeTrainer.Options(1, 0, 1, -1))
        .train(UvaeTrainerTest.frames(4, 1), UvaeTrainerTest.frames(2, 2), UvaeTrainerTest.QUIET);
    // a model exported before the latent output: the contract's two outputs only
    Path older = tmp.resolve("older");
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      UvaeGraph model = UvaeGraph.build(Ops.create(graph), config, config.backbone(), true);
      session.restore(UvaeTrainer.bestCheckpointOf(run).toString());
      Signature contract =
          Signature.builder()
              .key(ModelContract.SIGNATURE)
              .input(ModelContract.RGB, model.rgb)
              .input(ModelContract.MFCC, model.mfcc)
              .output(ModelContract.ACOUSTIC_IMAGE, model.acousticImage)
              .output(ModelContract.ENERGY, model.energy)
              .build();
      SavedModelBundle.exporter(older.toString())
          .withTags(ModelContract.TAG)
          .withFunction(SessionFunction.create(contract, session))
          .export();
      card(config).write(older);
    }
    Path now = tmp.resolve("now");
    UvaeExport.reexport(older, now);
    float[] rgb = new float[3 * FrameSample.RGB_VALUES];
    float[] mfcc = new float[36];
    List<FrameSample> frames = UvaeTrainerTest.frames(3, 5);
    for (int i = 0; i < 3; i++) {
      frames.get(i).rgbInto(rgb, i * FrameSample.RGB_VALUES);
      System.arraycopy(frames.get(i).mfcc(), 0, mfcc, i * 12, 12);
    }
    try (AcousticModel old = AcousticModel.load(older);
        AcousticModel rebuilt = AcousticModel.load(now)) {
      assertEquals(0, old.latentSize());
      assertNull(old.predict(rgb, mfcc, 3).latents(), "an older model still serves, latent-less");
      assertEquals(150, rebuilt.latentSize());
      AcousticModel.Output out = rebuilt.predict(rgb, mfcc, 3);
      assertEquals(3 * 150, out.latents().length);
      // the VAE's mean, one per frame: different frames, different latents
      float[] first = java.util.Arrays.copyOfRange(out.latents(), 0, 150);
      float[] second = java.util.Arrays.copyOfRange(out.latents(), 150, 300);
      assertTrue(!java.util.Arrays.equals(first, second));
      for (float v : out.latents()) {
        assertTrue(Float.isFinite(v));
      }
    }
  }

  @Test
  void aConfigurationReadsBackFromItsDescription() {
    for (UvaeConfig c :
        List.of(
            shipped(),
            UvaeConfig.preset("paper"),
            UvaeConfig.preset("compact").withSkips(2).withVariational(false).withFocusWeight(0.5),
            UvaeConfig.preset("compact").withAudioGate(AudioGate.BACKBONE),
            UvaeConfig.preset("compact").withLoss(ReconstructionLoss.MSE))) {
      assertEquals(c, UvaeConfig.fromDescription(c.describe()));
    }
  }

  @Test
  void aCardWithoutAUvaeConfigurationIsRefused(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("bright");
    ai.avloc.serving.BrightSpotModel.export(dir, 224, 298);
    assertThrows(IllegalArgumentException.class, () -> UvaeExport.reexport(dir, tmp.resolve("x")));
  }
}
