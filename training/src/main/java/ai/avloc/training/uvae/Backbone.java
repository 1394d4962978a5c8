package ai.avloc.training.uvae;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** The visual encoder: a frame in, the 12 x 16 x 12 feature the U-VAE fuses with the audio. */
public interface Backbone {
  int FEATURE_ROWS = 12;
  int FEATURE_COLS = 16;
  int FEATURE_CHANNELS = 12;

  /**
   * @param rgb [B, H, W, 3] RGB in [0, 1]
   * @param training a scalar, 1 while training and 0 otherwise (batch-norm statistics); null in a
   *     serving graph, which uses the moving averages only
   * @return [B, 12, 16, 12] features, before the U-VAE's min-max normalization
   */
  Operand<TFloat32> features(Layers layers, Operand<TFloat32> rgb, Operand<TFloat32> training);

  /**
   * The features with the sound gating channels inside the backbone ({@link AudioGate#BACKBONE}).
   *
   * @param sound [B, soundWidth], the audio encoder's vector
   * @throws UnsupportedOperationException for a backbone that has no such gate
   */
  default Operand<TFloat32> features(
      Layers layers,
      Operand<TFloat32> rgb,
      Operand<TFloat32> training,
      Operand<TFloat32> sound,
      int soundWidth) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no audio gate");
  }

  /** Multiply-accumulates of the gate inside the backbone, per frame. */
  default long gateMacsPerFrame(int soundWidth) {
    return 0;
  }

  /** Multiply-accumulates per frame, for the GFLOP figures of the benchmarks. */
  long macsPerFrame();
}
