package ai.avloc.training.uvae;

import ai.avloc.training.uvae.KerasResNet50Weights.Naming;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Writes HDF5 files laid out as Keras saves ResNet50 weights, with made-up values. */
final class KerasFiles {
  private KerasFiles() {}

  /** The datasets of one convolution and its batch norm. */
  record Layer(float[][][][] kernel, float[] bias, float[][] norm) {
    /** norm: gamma, beta, moving mean, moving variance. */
    static Layer random(Random r, int k, int in, int out) {
      double std = Math.sqrt(2.0 / (k * k * in));
      float[][][][] kernel = new float[k][k][in][out];
      for (float[][][] a : kernel) {
        for (float[][] b : a) {
          for (float[] c : b) {
            for (int o = 0; o < out; o++) {
              c[o] = (float) (r.nextGaussian() * std);
            }
          }
        }
      }
      float[][] norm = new float[4][out];
      float[] bias = new float[out];
      for (int o = 0; o < out; o++) {
        bias[o] = (float) (0.1 * r.nextGaussian());
        norm[0][o] = (float) (1 + 0.1 * r.nextGaussian());
        norm[1][o] = (float) (0.1 * r.nextGaussian());
        norm[2][o] = (float) (0.1 * r.nextGaussian());
        norm[3][o] = (float) (1 + r.nextDouble());
      }
      return new Layer(kernel, bias, norm);
    }
  }

  /**
   * Puts a convolution and its batch norm as Keras 2 saves them ({@code /conv/conv/kernel:0}, ...)
   * or, with {@code keras1}, as Keras 1 did ({@code /conv/conv_W:0}, {@code running_std}).
   */
  static void put(WritableGroup root, String conv, String norm, Layer layer, boolean keras1) {
    Map<String, Object> c = new LinkedHashMap<>();
    Map<String, Object> n = new LinkedHashMap<>();
    if (keras1) {
      c.put(conv + "_W:0", layer.kernel);
      c.put(conv + "_b:0", layer.bias);
      n.put(norm + "_gamma:0", layer.norm[0]);
      n.put(norm + "_beta:0", layer.norm[1]);
      n.put(norm + "_running_mean:0", layer.norm[2]);
      n.put(norm + "_running_std:0", layer.norm[3]);
      c.forEach(root.putGroup(conv)::putDataset);
      n.forEach(root.putGroup(norm)::putDataset);
    } else {
      c.put("kernel:0", layer.kernel);
      c.put("bias:0", layer.bias);
      n.put("gamma:0", layer.norm[0]);
      n.put("beta:0", layer.norm[1]);
      n.put("moving_mean:0", layer.norm[2]);
      n.put("moving_variance:0", layer.norm[3]);
      c.forEach(root.putGroup(conv).putGroup(conv)::putDataset);
      n.forEach(root.putGroup(norm).putGroup(norm)::putDataset);
    }
  }

  /** A whole ResNet50 notop file in the given naming, Keras 2 layout. */
  static void writeResNet50(Path file, Naming naming, long seed) {
    Random r = new Random(seed);
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      put(hdf, naming.conv(1, 0, 0), naming.norm(1, 0, 0), Layer.random(r, 7, 3, 64), false);
      int in = 64;
      int[] units = {3, 4, 6, 3};
      for (int s = 0; s < 4; s++) {
        int f = 64 << s;
        for (int u = 1; u <= units[s]; u++) {
          int stage = s + 2;
          if (u == 1) {
            put(
                hdf,
                naming.conv(stage, u, 0),
                naming.norm(stage, u, 0),
                Layer.random(r, 1, in, 4 * f),
                false);
          }
          put(
              hdf,
              naming.conv(stage, u, 1),
              naming.norm(stage, u, 1),
              Layer.random(r, 1, in, f),
              false);
          put(
              hdf,
              naming.conv(stage, u, 2),
              naming.norm(stage, u, 2),
              Layer.random(r, 3, f, f),
              false);
          put(
              hdf,
              naming.conv(stage, u, 3),
              naming.norm(stage, u, 3),
              Layer.random(r, 1, f, 4 * f),
              false);
          in = 4 * f;
        }
      }
    }
  }
}
