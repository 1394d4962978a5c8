package ai.avloc.training.uvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.TensorflowRuntime;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

class UvaeGraphTest {
  @BeforeAll
  static void loadTensorflow() {
    TensorflowRuntime.ensureLoaded();
  }

  static TFloat32 tensor(float[] values, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat();
    }
    return v;
  }

  @Test
  void compactTrainsAndKeepsTheContractShapes() {
    trainsAndKeepsTheContractShapes(UvaeConfig.preset("compact"));
  }

  @Test
  void liteServesAtUnderHalfOfCompactsArithmeticAndTrainsWithTheSameContract() {
    UvaeConfig compact = UvaeConfig.preset("compact");
    UvaeConfig lite = UvaeConfig.preset("lite");
    assertEquals(16, lite.width());
    assertEquals(17, lite.poolWidth());
    assertEquals("uvae-lite-s1", lite.modelName());
    assertEquals(compact.learningRate(), lite.learningRate());
    assertEquals(compact.energyWeight(), lite.energyWeight());
    assertEquals("224x298", lite.describe().get("frame"), "the frame it takes is the contract's");
    assertEquals(lite, UvaeConfig.fromDescription(lite.describe()));
    long compactMacs = UvaeGraph.macsPerFrame(compact, compact.backbone(), true);
    long liteMacs = UvaeGraph.macsPerFrame(lite, lite.backbone(), true);
    assertTrue(
        liteMacs < compactMacs / 2, "lite " + liteMacs + " MACs against compact's " + compactMacs);
    // the halved frame reaches the same 14 x 19 map, so the backbone keeps its layers and weights
    assertEquals(
        new CompactBackbone(224, 298, 1).macsPerFrame() / 2,
        new CompactBackbone(224, 298, 2).macsPerFrame(),
        new CompactBackbone(224, 298, 1).macsPerFrame() / 10);
    UvaeConfig shipped = lite.withAudioGate(AudioGate.FEATURE).withVisualSkip(true);
    assertEquals("uvae-lite-s1-gate-vskip", shipped.modelName());
    trainsAndKeepsTheContractShapes(lite);
    trainsAndKeepsTheContractShapes(shipped.withAudioGate(AudioGate.BACKBONE));
  }

  @Test
  void theAudioGateAddsOneScaleAndShiftPerVisualChannelAndStillTrains() {
    UvaeConfig plain = UvaeConfig.preset("compact");
    UvaeConfig gated = plain.withAudioGate(AudioGate.FEATURE);
    int c = Backbone.FEATURE_CHANNELS;
    assertEquals(
        parameters(plain) + 2L * (plain.poolWidth() * c + c),
        parameters(gated),
        "gamma and beta: a dense layer each from the sound vector to the visual channels");
    assertEquals("uvae-compact-s1-gate", gated.modelName());
    assertEquals(true, gated.describe().get("audioGate"));
    assertEquals(null, plain.describe().get("audioGate"));
    trainsAndKeepsTheContractShapes(gated);
  }

  @Test
  void theBackboneGateAddsAScaleAndShiftPerBackboneChannelAndStillTrains() {
    UvaeConfig feature = UvaeConfig.preset("compact").withAudioGate(AudioGate.FEATURE);
    UvaeConfig deep = feature.withAudioGate(AudioGate.BACKBONE);
    assertEquals(
        parameters(feature) + 2L * (feature.poolWidth() * 64 + 64),
        parameters(deep),
        "gamma and beta for the backbone's 64 channels");
    assertEquals("uvae-compact-s1-gate2", deep.modelName());
    assertEquals("backbone", deep.describe().get("audioGate"));
    IllegalArgumentException paper =
        assertThrows(
            IllegalArgumentException.class,
            () -> UvaeConfig.preset("paper").withAudioGate(AudioGate.BACKBONE));
    assertTrue(paper.getMessage().contains("compact"), paper.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CompactBackbone(224, 298, 3));
    trainsAndKeepsTheContractShapes(deep);
  }

  @Test
  void theVisualSkipWidensTheDecodersFirstConvolutionAndStillTrains() {
    UvaeConfig gated = UvaeConfig.preset("compact").withAudioGate(AudioGate.BACKBONE);
    UvaeConfig skip = gated.withVisualSkip(true);
    assertEquals(
        parameters(gated) + 9L * Backbone.FEATURE_CHANNELS * gated.width(),
        parameters(skip),
        "layer4's first 3x3 kernel reads 12 more channels");
    assertEquals("uvae-compact-s1-gate2-vskip", skip.modelName());
    assertEquals(true, skip.describe().get("visualSkip"));
    assertEquals(null, gated.describe().get("visualSkip"));
    trainsAndKeepsTheContractShapes(skip);
  }

  private static long parameters(UvaeConfig config) {
    try (Graph g = new Graph()) {
      return UvaeTraining.build(g, config).model.layers.parameters();
    }
  }

  @Test
  void theFocusTermAsksAFlatTargetForAUniformSpreadAndTrains() {
    UvaeConfig focused =
        UvaeConfig.preset("compact").withAudioGate(AudioGate.FEATURE).withFocusWeight(0.01);
    assertEquals(0.01, focused.describe().get("focusWeight"));
    assertEquals(null, UvaeConfig.preset("compact").describe().get("focusWeight"));
    Random r = new Random(4);
    int b = 2;
    float[] flat = new float[b * 36 * 48 * 12];
    for (int p = 0; p < flat.length; p++) {
      flat[p] = 0.1f + 0.05f * (p % 12);
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      UvaeTraining t = UvaeTraining.build(g, focused);
      s.initialize();
      try (TFloat32 x = tensor(random(r, b * 224 * 298 * 3), b, 224, 298, 3);
          TFloat32 m = tensor(random(r, b * 12), b, 12);
          TFloat32 y = tensor(flat, b, 36, 48, 12);
          Result res =
              s.runner()
                  .feed(t.model.rgb, x)
                  .feed(t.model.mfcc, m)
                  .feed(t.target, y)
                  .fetch(t.focus)
                  .run()) {
        // cross-entropy against the uniform spread is at least its entropy, log 192
        float focus = ((TFloat32) res.get(0)).getFloat();
        assertTrue(focus >= Math.log(192) - 1e-4, "focus term " + focus);
        assertTrue(focus < Math.log(192) + 2, "focus term " + focus);
      }
    }
    trainsAndKeepsTheContractShapes(focused);
  }

  private static void trainsAndKeepsTheContractShapes(UvaeConfig config) {
    Random r = new Random(3);
    int b = 2;
    float[] rgb = random(r, b * 224 * 298 * 3);
    float[] mfcc = random(r, b * 12);
    float[] target = random(r, b * 36 * 48 * 12);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      UvaeTraining t = UvaeTraining.build(g, config);
      s.initialize();
      System.out.printf(
          "compact: %d parameters, %.3f GFLOP per frame%n",
          t.model.layers.parameters(), 2e-9 * t.model.macsPerFrame);
      float first = 0;
      float last = 0;
      for (int i = 0; i < 8; i++) {
        try (TFloat32 x = tensor(rgb, b, 224, 298, 3);
            TFloat32 m = tensor(mfcc, b, 12);
            TFloat32 y = tensor(target, b, 36, 48, 12);
            TFloat32 on = TFloat32.scalarOf(1f);
            Result res =
                s.runner()
                    .feed(t.model.rgb, x)
                    .feed(t.model.mfcc, m)
                    .feed(t.target, y)
                    .feed(t.model.training, on)
                    .addTarget(t.step)
                    .fetch(t.loss)
                    .run()) {
          float loss = ((TFloat32) res.get(0)).getFloat();
          if (i == 0) {
            first = loss;
          }
          last = loss;
        }
      }
      assertTrue(last < first, "loss went from " + first + " to " + last);
      try (TFloat32 x = tensor(rgb, b, 224, 298, 3);
          TFloat32 m = tensor(mfcc, b, 12);
          Result res =
              s.runner()
                  .feed(t.model.rgb, x)
                  .feed(t.model.mfcc, m)
                  .fetch(t.model.acousticImage)
                  .fetch(t.model.energy)
                  .run()) {
        assertEquals(
            Shape.of(b, ModelShapes.ROWS, ModelShapes.COLS, ModelShapes.COEFFICIENTS),
            ((TFloat32) res.get(0)).shape());
        assertEquals(
            Shape.of(b, ModelShapes.ROWS, ModelShapes.COLS), ((TFloat32) res.get(1)).shape());
      }
    }
  }

  @Test
  void upsampleMatchesTransposedConvolutionLayout() {
    // one input pixel, one channel: its 2x2 patch lands at (3i, 3j), row and column 3i+2 get bias
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      Layers l = new Layers(tf, 1);
      float[] in = new float[2 * 2];
      in[3] = 1f; // pixel (1, 1)
      var x = tf.constant(Shape.of(1, 2, 2, 1), DataBuffers.of(in, true, false));
      var y = l.upsample3("up", x, 2, 2, 1, 1);
      s.initialize();
      float[] kernel = new float[4];
      try (Result k = s.runner().fetch(l.trainable().get(0)).run();
          Result out = s.runner().fetch(y).run()) {
        ((TFloat32) k.get(0)).copyTo(DataBuffers.of(kernel, false, false));
        float[] image = new float[36];
        ((TFloat32) out.get(0)).copyTo(DataBuffers.of(image, false, false));
        float[] expected = new float[36];
        expected[3 * 6 + 3] = kernel[0];
        expected[3 * 6 + 4] = kernel[1];
        expected[4 * 6 + 3] = kernel[2];
        expected[4 * 6 + 4] = kernel[3];
        assertArrayEquals(expected, image, 0f);
      }
    }
  }

  @Test
  void theLatentAsOneMatMulIsTheReferencesWholeMapConvolution() {
    // the same seed draws the same kernel for both forms
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g);
      float[] in = random(new Random(3), 2 * 12 * 16 * 5);
      var x = tf.constant(Shape.of(2, 12, 16, 5), DataBuffers.of(in, true, false));
      var conv =
          tf.reshape(
              new Layers(tf, 9).conv("conv", x, 5, 7, 12, 16, 1, "VALID", false),
              tf.constant(new int[] {-1, 7}));
      var dense = new Layers(tf, 9).denseOverMap("dense", x, 12, 16, 5, 7);
      s.initialize();
      try (Result r = s.runner().fetch(conv).fetch(dense).run()) {
        float[] a = new float[14];
        float[] b = new float[14];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(a, false, false));
        ((TFloat32) r.get(1)).copyTo(DataBuffers.of(b, false, false));
        assertTrue(java.util.Arrays.stream(new double[] {a[0], a[13]}).allMatch(v -> v != 0));
        assertArrayEquals(a, b, 1e-5f);
      }
    }
  }
}
