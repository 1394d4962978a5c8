package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.TensorflowRuntime;
import ai.avloc.training.uvae.KerasResNet50Weights.Naming;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class ResNet50BackboneTest {
  /** uvae-reference.md §3.6: the U-VAE without its ResNet, 1 skip. */
  static final long UVAE_1_SKIP = 10_558_532L;

  /** uvae-reference.md §3.6: conv_map's weights (3 x 4 x 2048 x 12); its batch norm adds 4 x 12. */
  static final long CONV_MAP = 294_912L;

  /**
   * ResNet-50's convolution weights without fc, from the architecture table: conv1 7x7x3x64, then
   * stages of [3, 4, 6, 3] bottlenecks (1x1 d, 3x3 d, 1x1 4d; d = 64, 128, 256, 512) with a 1x1
   * projection shortcut in each stage's first unit.
   */
  static long resnetConvWeights() {
    long total = 7 * 7 * 3 * 64;
    int[][] stages = {{64, 3}, {128, 4}, {256, 6}, {512, 3}};
    long in = 64;
    for (int[] stage : stages) {
      long d = stage[0];
      long units = stage[1];
      total += in * 4 * d + in * d; // projection, first unit's 1x1 reduce
      total += (units - 1) * 4 * d * d; // later units' 1x1 reduce (from 4d)
      total += units * (9 * d * d + d * 4 * d); // 3x3 and 1x1 expand
      in = 4 * d;
    }
    return total;
  }

  /** Output channels of ResNet-50's convolutions, i.e. its batch-norm channels. */
  static long resnetNormChannels() {
    return 64
        + (4 * 64 + 3 * 6 * 64)
        + (4 * 128 + 4 * 6 * 128)
        + (4 * 256 + 6 * 6 * 256)
        + (4 * 512 + 3 * 6 * 512);
  }

  @BeforeAll
  static void loadTensorflow() {
    TensorflowRuntime.ensureLoaded();
  }

  @Test
  void architectureTableMatchesKerasPublishedCount() {
    assertEquals(23_454_912L, resnetConvWeights());
    // Keras's ResNet50(include_top=False) summary: 23,587,712 = weights + bias + 4 batch-norm
    // values
    assertEquals(23_587_712L, resnetConvWeights() + 5 * resnetNormChannels());
  }

  @Test
  void macsFollowTheSpatialTrace() {
    // §3.3: conv1 112x149, pool 56x75; slim runs block2's first 3 units and its last unit's 1x1
    // at 56x75 and the rest at 28x38, block3 likewise at 28x38 then 14x19, block4 at 14x19
    long p56 = 56 * 75;
    long p28 = 28 * 38;
    long p14 = 14 * 19;
    long unit1 = 64 * 64 + 9 * 64 * 64 + 64 * 256 + 64 * 256;
    long unit64 = 256 * 64 + 9 * 64 * 64 + 64 * 256;
    long block1 = p56 * (unit1 + 2 * unit64);
    long block2 =
        p56 * (256 * 128 + 9 * 128 * 128 + 128 * 512 + 256 * 512)
            + p56 * 2 * (512 * 128 + 9 * 128 * 128 + 128 * 512)
            + p56 * 512 * 128
            + p28 * (9 * 128 * 128 + 128 * 512);
    long block3 =
        p28 * (512 * 256 + 9 * 256 * 256 + 256 * 1024 + 512 * 1024)
            + p28 * 4 * (1024 * 256 + 9 * 256 * 256 + 256 * 1024)
            + p28 * 1024 * 256
            + p14 * (9 * 256 * 256 + 256 * 1024);
    long block4 =
        p14 * (1024 * 512 + 9 * 512 * 512 + 512 * 2048 + 1024L * 2048)
            + p14 * 2 * (2048 * 512 + 9 * 512 * 512 + 512 * 2048);
    long stem = 112 * 149 * 7 * 7 * 3 * 64;
    long convMap = 12 * 16 * CONV_MAP;
    long slim = stem + block1 + block2 + block3 + block4 + convMap;
    assertEquals(slim, new ResNet50Backbone(224, 298, null).macsPerFrame());
    // Keras: stage 3 all at 56x75, stage 4's first unit strides its first 1x1 down to 28x38
    long keras =
        stem
            + block1
            + p56 * (256 * 128 + 9 * 128 * 128 + 128 * 512 + 256 * 512)
            + p56 * 3 * (512 * 128 + 9 * 128 * 128 + 128 * 512)
            + p28 * (512 * 256 + 9 * 256 * 256 + 256 * 1024 + 512 * 1024)
            + p28 * 5 * (1024 * 256 + 9 * 256 * 256 + 256 * 1024)
            + block4
            + convMap;
    assertEquals(keras, new ResNet50Backbone(224, 298, Path.of("weights.h5")).macsPerFrame());
    System.out.printf(
        "ResNet-50 backbone: %.3f GMAC per frame (slim), %.3f GMAC (Keras)%n",
        slim * 1e-9, keras * 1e-9);
  }

  @Test
  void reversingInputChannelsTurnsBgrKernelsIntoRgbOnes() {
    // 2 taps, 3 input channels, 2 outputs: value = 100 * tap + 10 * channel + output
    float[] k = new float[2 * 3 * 2];
    for (int t = 0; t < 2; t++) {
      for (int c = 0; c < 3; c++) {
        for (int o = 0; o < 2; o++) {
          k[(t * 3 + c) * 2 + o] = 100 * t + 10 * c + o;
        }
      }
    }
    float[] rgb = ResNet50Backbone.reverseInputChannels(k, 2, 3, 2);
    assertEquals(20f, rgb[0]); // tap 0, channel 0 (R) takes BGR channel 2
    assertEquals(121f, rgb[(1 * 3 + 0) * 2 + 1]);
    assertEquals(110f, rgb[(1 * 3 + 1) * 2]);
    assertEquals(101f, rgb[(1 * 3 + 2) * 2 + 1]);
  }

  @Test
  void paperPresetBuildsToTheArchitecturesSizeAndTrains() {
    UvaeConfig config = UvaeConfig.preset("paper");
    Random r = new Random(4);
    int b = 2;
    float[] rgb = UvaeGraphTest.random(r, b * 224 * 298 * 3);
    float[] mfcc = UvaeGraphTest.random(r, b * 12);
    float[] target = UvaeGraphTest.random(r, b * 36 * 48 * 12);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      UvaeTraining t = UvaeTraining.build(g, config);
      s.initialize();
      long backbone = resnetConvWeights() + 4 * resnetNormChannels() + CONV_MAP + 4 * 12;
      assertEquals(UVAE_1_SKIP + backbone, t.model.layers.parameters());
      Backbone resnet = config.backbone();
      assertEquals(
          resnet.macsPerFrame() + UvaeGraph.unetMacs(config, config.poolWidth() + 12),
          t.model.macsPerFrame);
      System.out.printf(
          "paper: %d parameters, %.2f GFLOP per frame (backbone %.2f)%n",
          t.model.layers.parameters(), 2e-9 * t.model.macsPerFrame, 2e-9 * resnet.macsPerFrame());

      try (TFloat32 x = UvaeGraphTest.tensor(rgb, b, 224, 298, 3);
          TFloat32 m = UvaeGraphTest.tensor(mfcc, b, 12);
          Result res =
              s.runner()
                  .feed(t.model.rgb, x)
                  .feed(t.model.mfcc, m)
                  .fetch(t.model.visual)
                  .fetch(t.model.acousticImage)
                  .run()) {
        assertEquals(Shape.of(b, 12, 16, 12), ((TFloat32) res.get(0)).shape());
        assertEquals(
            Shape.of(b, ModelShapes.ROWS, ModelShapes.COLS, ModelShapes.COEFFICIENTS),
            ((TFloat32) res.get(1)).shape());
      }

      float[] losses = new float[3];
      for (int i = 0; i < 3; i++) {
        try (TFloat32 x = UvaeGraphTest.tensor(rgb, b, 224, 298, 3);
            TFloat32 m = UvaeGraphTest.tensor(mfcc, b, 12);
            TFloat32 y = UvaeGraphTest.tensor(target, b, 36, 48, 12);
            TFloat32 on = TFloat32.scalarOf(1f)) {
          var runner =
              s.runner()
                  .feed(t.model.rgb, x)
                  .feed(t.model.mfcc, m)
                  .feed(t.target, y)
                  .feed(t.model.training, on)
                  .fetch(t.loss)
                  .fetch(t.mse);
          if (i < 2) {
            runner.addTarget(t.step);
          }
          try (Result res = runner.run()) {
            losses[i] = ((TFloat32) res.get(0)).getFloat();
            System.out.printf(
                "paper step %d: loss %.5f, mse %.5f%n",
                i, losses[i], ((TFloat32) res.get(1)).getFloat());
          }
        }
      }
      assertTrue(losses[1] < losses[0] && losses[2] < losses[1], "losses " + List.of(losses));
      // the training steps moved conv_map's batch-norm moving mean away from its initial 0
      try (Result res =
          s.runner().fetch("visual.resnet_v1_50.conv_map.BatchNorm.moving_mean").run()) {
        assertNotEquals(0f, ((TFloat32) res.get(0)).getFloat(0));
      }
    }
  }

  @Test
  void kerasWeightsAreFrozenAndOnlyConvMapTrains(@TempDir Path dir) {
    Path file = dir.resolve("resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5");
    KerasFiles.writeResNet50(file, Naming.APPLICATIONS, 11);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Layers l = new Layers(tf, 1);
      Placeholder<TFloat32> rgb =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 224, 298, 3)));
      Operand<TFloat32> training = tf.placeholderWithDefault(tf.constant(0f), Shape.scalar());
      ResNet50Backbone backbone = new ResNet50Backbone(224, 298, file);
      Operand<TFloat32> features = backbone.features(l, rgb, training);
      // folded convolutions (weights and bias) are constants; conv_map's kernel, gamma and beta
      // train
      assertEquals(3, l.trainable().size());
      assertEquals(resnetConvWeights() + resnetNormChannels() + CONV_MAP + 4 * 12, l.parameters());
      s.initialize();
      float[] frame = UvaeGraphTest.random(new Random(6), 224 * 298 * 3);
      try (TFloat32 x = UvaeGraphTest.tensor(frame, 1, 224, 298, 3);
          Result res = s.runner().feed(rgb, x).fetch(features).run()) {
        TFloat32 y = (TFloat32) res.get(0);
        assertEquals(Shape.of(1, 12, 16, 12), y.shape());
        float[] v = new float[12 * 16 * 12];
        y.copyTo(DataBuffers.of(v, false, false));
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float f : v) {
          assertTrue(Float.isFinite(f));
          min = Math.min(min, f);
          max = Math.max(max, f);
        }
        assertTrue(max > min, "a constant feature map");
      }
    }
  }
}
