package ai.avloc.serving;

import ai.avloc.schemas.ModelShapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * A small, untrained model that meets the model contract, for exercising the mono path end to end
 * before a trained U-VAE exists: it places the window's sound on the brightest part of the frame.
 *
 * <p>acoustic_image[b, r, c, k] = (1 - gray[b, r, c]) * mfcc[b, k], where gray is the frame's
 * channel mean resized to 36 x 48 (bilinear, half-pixel centres), and energy is the paper's energy
 * map of that image computed in the graph. A bright pixel gets all-zero coefficients, which the
 * energy map scores highest (1/24); silence (all-zero MFCC) gives a flat map. The same function is
 * easy to recompute outside TensorFlow, so tests can check every number DJL returns.
 */
public final class BrightSpotModel {
  public static final String NAME = "bright-spot";
  public static final String VERSION = "1";

  private BrightSpotModel() {}

  /** Builds the graph and writes the SavedModel and its {@code model.json} into {@code dir}. */
  public static ModelCard export(Path dir, int height, int width) throws IOException {
    TensorflowRuntime.ensureLoaded();
    int rows = ModelShapes.ROWS;
    int cols = ModelShapes.COLS;
    int coeffs = ModelShapes.COEFFICIENTS;
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> rgb =
          tf.withName(ModelContract.RGB)
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, height, width, 3)));
      Placeholder<TFloat32> mfcc =
          tf.withName(ModelContract.MFCC)
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, coeffs)));

      Operand<TFloat32> gray = tf.math.mean(rgb, tf.constant(3), Mean.keepDims(true));
      Operand<TFloat32> small =
          tf.image.resizeBilinear(
              gray, tf.constant(new int[] {rows, cols}), ResizeBilinear.halfPixelCenters(true));
      Operand<TFloat32> quiet = tf.math.sub(tf.constant(1f), small);
      Operand<TFloat32> image =
          tf.withName(ModelContract.ACOUSTIC_IMAGE)
              .math
              .mul(quiet, tf.reshape(mfcc, tf.constant(new int[] {-1, 1, 1, coeffs})));

      Operand<TFloat32> energy =
          tf.withName(ModelContract.ENERGY).identity(ModelContract.energy(tf, image));

      Signature signature =
          Signature.builder()
              .key(ModelContract.SIGNATURE)
              .input(ModelContract.RGB, rgb)
              .input(ModelContract.MFCC, mfcc)
              .output(ModelContract.ACOUSTIC_IMAGE, image)
              .output(ModelContract.ENERGY, energy)
              .build();
      SavedModelBundle.exporter(dir.toString())
          .withTags(ModelContract.TAG)
          .withFunction(SessionFunction.create(signature, session))
          .export();
    }
    ModelCard card =
        new ModelCard(
            NAME,
            VERSION,
            "test",
            height,
            width,
            0,
            false,
            "none (untrained)",
            Map.of(),
            "Contract test model: puts the window's sound on the brightest part of the frame.",
            Map.of(),
            Map.of());
    card.write(dir);
    return card;
  }
}
