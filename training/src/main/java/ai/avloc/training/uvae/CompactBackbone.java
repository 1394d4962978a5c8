package ai.avloc.training.uvae;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The compact preset's visual encoder: four stride-2 3x3 convolutions (16, 32, 64, 64 channels)
 * take 224 x 298 down to 14 x 19, two of them followed by a stride-1 3x3 to widen the receptive
 * field to a whole object, then the paper's conv_map (3x4 VALID, 12 channels, ReLU) gives 12 x 16 x
 * 12 exactly as the modified ResNet-50 does. No batch norm: it is shallow enough to train from
 * scratch without.
 *
 * <p>At a frame scale of 2 (the lite preset) a 2x2 average first halves the frame, and conv4 keeps
 * its size (stride 1), so the same layers reach the same 14 x 19 map for about half the work: at 12
 * x 16 cells a source is a few cells wide, which a 112 x 149 picture still resolves.
 */
public final class CompactBackbone implements Backbone {
  private final int height;
  private final int width;
  private final int frameScale;

  /**
   * @param frameScale 1, or 2 to average the frame to half its size first
   */
  public CompactBackbone(int height, int width, int frameScale) {
    if (frameScale != 1 && frameScale != 2) {
      throw new IllegalArgumentException("frame scale must be 1 or 2, got " + frameScale);
    }
    this.height = height;
    this.width = width;
    this.frameScale = frameScale;
  }

  @Override
  public Operand<TFloat32> features(Layers l, Operand<TFloat32> rgb, Operand<TFloat32> training) {
    return features(l, rgb, training, null, 0);
  }

  @Override
  public Operand<TFloat32> features(
      Layers l,
      Operand<TFloat32> rgb,
      Operand<TFloat32> training,
      Operand<TFloat32> sound,
      int soundWidth) {
    Operand<TFloat32> x = rgb;
    if (frameScale == 2) {
      x =
          l.tf()
              .nn
              .avgPool(
                  x, java.util.List.of(1L, 2L, 2L, 1L), java.util.List.of(1L, 2L, 2L, 1L), "SAME");
    }
    x = l.conv("visual/conv1", x, 3, 16, 3, 3, 2, "SAME", true);
    x = l.conv("visual/conv2", x, 16, 32, 3, 3, 2, "SAME", true);
    x = l.conv("visual/conv3", x, 32, 64, 3, 3, 2, "SAME", true);
    x = l.conv("visual/conv4", x, 64, 64, 3, 3, 3 - frameScale, "SAME", true);
    if (sound != null) {
      // the sound picks among 64 channels here, and conv4b can then combine what it picked
      // across neighbours, which a gate on the last 12 channels cannot
      x = l.film("visual/gate", x, 64, sound, soundWidth);
    }
    x = l.conv("visual/conv4b", x, 64, 64, 3, 3, 1, "SAME", true);
    // the paper's conv_map: batch norm before the ReLU keeps about half of it active, where a
    // bare ReLU can fall silent and cut the frame out of the model
    Operand<TFloat32> map =
        l.conv("visual/conv_map", x, 64, FEATURE_CHANNELS, 3, 4, 1, "VALID", false);
    return l.tf()
        .nn
        .relu(l.batchNorm("visual/conv_map/bn", map, FEATURE_CHANNELS, 1e-5f, 0.997f, training));
  }

  @Override
  public long macsPerFrame() {
    long[] size = {(height + frameScale - 1) / frameScale, (width + frameScale - 1) / frameScale};
    long macs = 0;
    int[][] layers = {{3, 16, 2}, {16, 32, 2}, {32, 64, 2}, {64, 64, 3 - frameScale}, {64, 64, 1}};
    for (int[] layer : layers) {
      if (layer[2] == 2) {
        size[0] = (size[0] + 1) / 2;
        size[1] = (size[1] + 1) / 2;
      }
      macs += size[0] * size[1] * 9L * layer[0] * layer[1];
    }
    return macs + (long) FEATURE_ROWS * FEATURE_COLS * 12L * 64 * FEATURE_CHANNELS;
  }

  @Override
  public long gateMacsPerFrame(int soundWidth) {
    long cells = (long) ((height + 15) / 16) * ((width + 15) / 16);
    return 2L * soundWidth * 64 + cells * 64;
  }
}
