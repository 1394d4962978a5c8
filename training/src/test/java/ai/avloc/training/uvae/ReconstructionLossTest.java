package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.avloc.serving.TensorflowRuntime;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

class ReconstructionLossTest {
  @BeforeAll
  static void loadTensorflow() {
    TensorflowRuntime.ensureLoaded();
  }

  /** Two images whose errors are 0.5 at every even value and 2 at every odd one. */
  private static final int B = 2;

  private static final int VALUES = B * 36 * 48 * 12;

  /**
   * The loss the graph computes when the acoustic image is fed straight in (the network before it
   * is cut off), and, for the VAE, mu = 1 and sigma = 1 in all 150 dimensions.
   */
  private static float loss(UvaeConfig config) {
    float[] predicted = new float[VALUES];
    for (int i = 0; i < VALUES; i++) {
      predicted[i] = i % 2 == 0 ? 0.5f : 2f;
    }
    float[] ones = new float[B * UvaeConfig.LATENT];
    Arrays.fill(ones, 1f);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      UvaeTraining t = UvaeTraining.build(g, config);
      s.initialize();
      try (TFloat32 image = UvaeGraphTest.tensor(predicted, B, 36, 48, 12);
          TFloat32 target = UvaeGraphTest.tensor(new float[VALUES], B, 36, 48, 12);
          TFloat32 mu = UvaeGraphTest.tensor(ones, B, UvaeConfig.LATENT);
          TFloat32 sigma = UvaeGraphTest.tensor(ones, B, UvaeConfig.LATENT)) {
        Session.Runner run =
            s.runner().feed(t.model.acousticImage, image).feed(t.target, target).fetch(t.loss);
        if (config.variational()) {
          run.feed(t.model.mu, mu).feed(t.model.sigma, sigma);
        }
        try (Result r = run.run()) {
          return ((TFloat32) r.get(0)).getFloat();
        }
      }
    }
  }

  private static UvaeConfig autoencoder(ReconstructionLoss l) {
    // no energy term, no KL, no weight penalty: the loss is the reconstruction alone
    return UvaeConfig.preset("compact").withEnergyWeight(0).withVariational(false).withLoss(l);
  }

  @Test
  void theLossIsMseAloneHuberAloneOrTheirSum() {
    // MSE: (0.25 + 4) / 2; Huber (delta 1): (0.5 x 0.25 + (0.5 x 1 + (2 - 1))) / 2
    assertEquals(2.125, loss(autoencoder(ReconstructionLoss.MSE)), 1e-6);
    assertEquals(0.8125, loss(autoencoder(ReconstructionLoss.HUBER)), 1e-6);
    assertEquals(2.9375, loss(autoencoder(ReconstructionLoss.BOTH)), 1e-6);
  }

  @Test
  void theVaeAddsBetaTimesKlToEach() {
    // KL per sample: 0.5 x 150 x (1 + 1 - log(1 + 1e-8) - 1) = 75, times beta 1e-6
    UvaeConfig vae = UvaeConfig.preset("compact").withEnergyWeight(0);
    assertEquals(2.125 + 75e-6, loss(vae.withLoss(ReconstructionLoss.MSE)), 1e-6);
    assertEquals(0.8125 + 75e-6, loss(vae.withLoss(ReconstructionLoss.HUBER)), 1e-6);
  }

  @Test
  void theConfigRecordsTheLossAndReadsItsAbsenceAsBoth() {
    UvaeConfig huber = UvaeConfig.preset("compact").withLoss(ReconstructionLoss.HUBER);
    assertEquals("huber", huber.describe().get("loss"));
    assertEquals(ReconstructionLoss.HUBER, UvaeConfig.fromDescription(huber.describe()).loss());
    Map<String, Object> before = UvaeConfig.preset("compact").describe();
    assertEquals(null, before.get("loss"), "a run from before the option resumes");
    assertEquals(ReconstructionLoss.BOTH, UvaeConfig.fromDescription(before).loss());
    assertThrows(IllegalArgumentException.class, () -> ReconstructionLoss.parse("l1"));
  }
}
