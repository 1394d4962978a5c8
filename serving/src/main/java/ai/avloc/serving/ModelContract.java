package ai.avloc.serving;

import ai.avloc.acoustics.audio.MelCepstrum;
import ai.avloc.schemas.ModelShapes;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The SavedModel signature every acoustic-image model serves (ARCHITECTURE.md, "Model contract"):
 * {@code serving_default} takes {@code rgb [B, H, W, 3]} in [0, 1] and {@code mfcc [B, 12]}
 * (min-max normalized) and returns {@code acoustic_image [B, 36, 48, 12]} in [0, 1] and {@code
 * energy [B, 36, 48]} (the paper's energy map). The shapes are {@link ModelShapes}'.
 *
 * <p>A model may also return {@code latent [B, L]}, the vector its acoustic image is decoded from
 * (the U-VAE's mean, the autoencoder's embedding), which the evaluation's KNN measure classifies.
 * It is optional: models exported before it, and models without one, serve the same.
 */
public final class ModelContract {
  public static final String TAG = "serve";
  public static final String SIGNATURE = "serving_default";
  public static final String RGB = "rgb";
  public static final String MFCC = "mfcc";
  public static final String ACOUSTIC_IMAGE = "acoustic_image";
  public static final String ENERGY = "energy";

  /** The optional latent output. */
  public static final String LATENT = "latent";

  private ModelContract() {}

  /**
   * The paper's energy map as graph ops (uvae-reference.md §5.1): each pixel's 12 coefficients go
   * back to 24 log-mel bands, and energy = 1 / sum(exp(log-mel)).
   *
   * @param image [B, 36, 48, 12]
   * @return [B, 36, 48]
   */
  public static Operand<TFloat32> energy(Ops tf, Operand<TFloat32> image) {
    Operand<TFloat32> perPixel =
        tf.reshape(image, tf.constant(new int[] {-1, ModelShapes.COEFFICIENTS}));
    double[][] basis = MelCepstrum.logMelBasis();
    float[][] b = new float[basis.length][];
    for (int i = 0; i < basis.length; i++) {
      b[i] = new float[basis[i].length];
      for (int j = 0; j < basis[i].length; j++) {
        b[i][j] = (float) basis[i][j];
      }
    }
    Operand<TFloat32> logMel = tf.linalg.matMul(perPixel, tf.constant(b));
    Operand<TFloat32> bandSum = tf.sum(tf.math.exp(logMel), tf.constant(1));
    return tf.reshape(
        tf.math.reciprocal(bandSum),
        tf.constant(new int[] {-1, ModelShapes.ROWS, ModelShapes.COLS}));
  }
}
