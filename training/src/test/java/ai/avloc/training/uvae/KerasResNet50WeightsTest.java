package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.training.uvae.KerasFiles.Layer;
import ai.avloc.training.uvae.KerasResNet50Weights.ConvNorm;
import ai.avloc.training.uvae.KerasResNet50Weights.Naming;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasResNet50WeightsTest {
  @TempDir Path dir;

  @Test
  void layerNamesFollowBothKerasGenerations() {
    Naming a = Naming.APPLICATIONS;
    assertEquals("conv1", a.conv(1, 0, 0));
    assertEquals("bn_conv1", a.norm(1, 0, 0));
    assertEquals("res2a_branch2a", a.conv(2, 1, 1));
    assertEquals("bn2a_branch2b", a.norm(2, 1, 2));
    assertEquals("res2a_branch1", a.conv(2, 1, 0));
    assertEquals("res4f_branch2c", a.conv(4, 6, 3));
    assertEquals("bn5c_branch2c", a.norm(5, 3, 3));
    Naming b = Naming.BLOCKS;
    assertEquals("conv1_conv", b.conv(1, 0, 0));
    assertEquals("conv1_bn", b.norm(1, 0, 0));
    assertEquals("conv2_block1_0_conv", b.conv(2, 1, 0));
    assertEquals("conv3_block4_3_conv", b.conv(3, 4, 3));
    assertEquals("conv5_block3_2_bn", b.norm(5, 3, 2));
    assertEquals(1e-3f, a.epsilon());
    assertEquals(1.001e-5f, b.epsilon());
  }

  @Test
  void readsTheStemInEitherNamingAndLayout() {
    Random r = new Random(5);
    Layer stem = Layer.random(r, 7, 3, 64);
    Layer unit = Layer.random(r, 1, 64, 64);
    for (Naming naming : Naming.values()) {
      for (boolean keras1 : new boolean[] {false, true}) {
        Path file = dir.resolve(naming + "-" + keras1 + ".h5");
        try (WritableHdfFile hdf = HdfFile.write(file)) {
          KerasFiles.put(hdf, naming.conv(1, 0, 0), naming.norm(1, 0, 0), stem, keras1);
          KerasFiles.put(hdf, naming.conv(2, 1, 1), naming.norm(2, 1, 1), unit, keras1);
        }
        try (KerasResNet50Weights w = KerasResNet50Weights.open(file)) {
          assertEquals(naming, w.naming());
          ConvNorm cn = w.convNorm(1, 0, 0, 7, 7, 3, 64);
          assertEquals(7 * 7 * 3 * 64, cn.kernel().length);
          // row-major [kh, kw, in, out]
          assertEquals(stem.kernel()[2][5][1][40], cn.kernel()[((2 * 7 + 5) * 3 + 1) * 64 + 40]);
          assertArrayEquals(stem.bias(), cn.bias());
          assertArrayEquals(stem.norm()[0], cn.gamma());
          assertArrayEquals(stem.norm()[1], cn.beta());
          assertArrayEquals(stem.norm()[2], cn.movingMean());
          assertArrayEquals(stem.norm()[3], cn.movingVariance());
          assertArrayEquals(unit.bias(), w.convNorm(2, 1, 1, 1, 1, 64, 64).bias());
        }
      }
    }
  }

  @Test
  void aWholeSavedModelKeepsItsWeightsUnderModelWeights() {
    Path file = dir.resolve("model.h5");
    Layer stem = Layer.random(new Random(1), 7, 3, 64);
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      WritableGroup weights = hdf.putGroup("model_weights");
      KerasFiles.put(weights, "conv1_conv", "conv1_bn", stem, false);
    }
    try (KerasResNet50Weights w = KerasResNet50Weights.open(file)) {
      assertEquals(Naming.BLOCKS, w.naming());
      assertArrayEquals(stem.bias(), w.convNorm(1, 0, 0, 7, 7, 3, 64).bias());
    }
  }

  @Test
  void foldingEqualsConvolutionThenBatchNorm() {
    Random r = new Random(9);
    int in = 3;
    int out = 4;
    float[] kernel = new float[in * out];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = (float) r.nextGaussian();
    }
    float[] bias = {0.1f, -0.2f, 0.3f, 0f};
    float[] gamma = {1.5f, 0.5f, -1f, 2f};
    float[] beta = {0f, 1f, -0.5f, 0.25f};
    float[] mean = {0.2f, -1f, 0.5f, 3f};
    float[] var = {4f, 0.25f, 1f, 1e-4f};
    ConvNorm cn = new ConvNorm("c", kernel, bias, gamma, beta, mean, var);
    float eps = 1e-3f;
    float[][] folded = cn.fold(eps);
    float[] x = {0.3f, -2f, 1.1f};
    for (int o = 0; o < out; o++) {
      double y = bias[o];
      double yf = folded[1][o];
      for (int c = 0; c < in; c++) {
        y += x[c] * kernel[c * out + o];
        yf += x[c] * folded[0][c * out + o];
      }
      double expected = gamma[o] * (y - mean[o]) / Math.sqrt(var[o] + eps) + beta[o];
      assertEquals(expected, yf, 1e-4 * Math.max(1, Math.abs(expected)));
    }
  }

  @Test
  void aMissingDatasetIsNamedWithTheFile() {
    Path file = dir.resolve("broken.h5");
    Layer stem = Layer.random(new Random(2), 7, 3, 64);
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      WritableGroup conv = hdf.putGroup("conv1").putGroup("conv1");
      conv.putDataset("kernel:0", stem.kernel());
      conv.putDataset("bias:0", stem.bias());
      WritableGroup bn = hdf.putGroup("bn_conv1").putGroup("bn_conv1");
      bn.putDataset("gamma:0", stem.norm()[0]);
      bn.putDataset("beta:0", stem.norm()[1]);
      bn.putDataset("moving_mean:0", stem.norm()[2]);
    }
    try (KerasResNet50Weights w = KerasResNet50Weights.open(file)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.convNorm(1, 0, 0, 7, 7, 3, 64));
      assertMentions(e, file.toString(), "bn_conv1", "moving_variance");
      e = assertThrows(IllegalArgumentException.class, () -> w.convNorm(2, 1, 1, 1, 1, 64, 64));
      assertMentions(e, file.toString(), "no layer group 'res2a_branch2a'");
    }
  }

  @Test
  void aMisShapedDatasetIsNamedWithBothShapes() {
    Path file = dir.resolve("shape.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      KerasFiles.put(hdf, "conv1", "bn_conv1", Layer.random(new Random(3), 7, 3, 32), false);
    }
    try (KerasResNet50Weights w = KerasResNet50Weights.open(file)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.convNorm(1, 0, 0, 7, 7, 3, 64));
      assertMentions(e, file.toString(), "/conv1/conv1/kernel:0", "[7, 7, 3, 32]", "[7, 7, 3, 64]");
    }
  }

  @Test
  void otherFilesAreRefusedByName() throws Exception {
    Path missing = dir.resolve("absent.h5");
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> KerasResNet50Weights.open(missing)),
        missing.toString(),
        "does not exist");
    Path text = Files.writeString(dir.resolve("text.h5"), "not hdf5 at all");
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> KerasResNet50Weights.open(text)),
        text.toString(),
        "not a readable HDF5 file");
    Path other = dir.resolve("other.h5");
    try (WritableHdfFile hdf = HdfFile.write(other)) {
      hdf.putGroup("dense_1").putDataset("kernel:0", new float[] {1f});
    }
    assertMentions(
        assertThrows(IllegalArgumentException.class, () -> KerasResNet50Weights.open(other)),
        other.toString(),
        "holds no Keras ResNet50",
        "dense_1");
  }

  static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }
}
