package ai.avloc.training.dualcam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.training.dualcam.DualCamTraining.Epoch;
import ai.avloc.training.dualcam.DualCamTraining.Trained;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DualCamNetTest {
  static final int V = DualCamNet.CLIP_VALUES;

  static float[] randomClips(int count, long seed) {
    Random r = new Random(seed);
    float[] values = new float[count * V];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.nextFloat();
    }
    return values;
  }

  @Test
  void shouldHoldTheReferencesParametersAndShapes() {
    try (DualCamNet net = new DualCamNet(3, 1)) {
      // conv1 (time): 12 x 1 x 1 x 12 x 12 = 1,728 + 12 bias = 1,740
      // conv2: 5 x 5 x 12 x 32 = 9,600 + 32 = 9,632
      // conv3: 5 x 5 x 32 x 128 = 102,400 + 128 = 102,528
      // fc1: 128 x 1,000 = 128,000 + 1,000 = 129,000
      // fc2: 1,000 x 3 = 3,000 + 3 = 3,003
      // total 1,740 + 9,632 + 102,528 + 129,000 + 3,003 = 245,903
      assertEquals(245_903, net.parameters());
      float[][] w = net.weights();
      assertEquals(10, w.length);
      int[] sizes = {1728, 12, 9600, 32, 102_400, 128, 128_000, 1000, 3000, 3};
      for (int i = 0; i < sizes.length; i++) {
        assertEquals(sizes[i], w[i].length, "weight " + i);
      }
      // truncated normal 0.01: nothing beyond 2 std, std close to 0.01; biases 0
      double sq = 0;
      for (float v : w[6]) {
        assertTrue(Math.abs(v) <= 0.02f);
        sq += v * v;
      }
      assertEquals(0.0088, Math.sqrt(sq / w[6].length), 0.0003); // std of N(0,1) cut at 2: 0.880
      assertArrayEquals(new float[1000], w[7]);

      float[] clips = randomClips(2, 3);
      assertEquals(2 * 3, net.logits(clips, 2).length);
      assertEquals(2 * 12 * 3, net.frameLogits(clips, 2).length);
      assertEquals(2 * V, net.afterTimeConvolution(clips, 2).length);
    }
  }

  @Test
  void shouldConvolveOverTimeAsConv3dWithSamePadding() {
    try (DualCamNet net = new DualCamNet(2, 7)) {
      float[] kernel = net.weights()[0]; // [12 (time), 1, 1, 12 (in), 12 (out)], bias 0
      float[] clip = randomClips(1, 11);
      float[] got = net.afterTimeConvolution(clip, 1);
      int pixels = DualCamNet.ROWS * DualCamNet.COLS;
      int c = DualCamNet.DEPTH;
      // SAME with a 12-frame kernel pads 5 frames before and 6 after:
      // out[t] = relu(sum_k sum_ci in[t + k - 5][ci] * K[k][ci][co])
      for (int t = 0; t < 12; t++) {
        for (int p = 0; p < pixels; p += 97) {
          for (int co = 0; co < c; co++) {
            double sum = 0;
            for (int k = 0; k < 12; k++) {
              int tin = t + k - 5;
              if (tin < 0 || tin >= 12) {
                continue;
              }
              for (int ci = 0; ci < c; ci++) {
                sum += clip[(tin * pixels + p) * c + ci] * kernel[(k * c + ci) * c + co];
              }
            }
            assertEquals(Math.max(0, sum), got[(t * pixels + p) * c + co], 1e-5);
          }
        }
      }
    }
  }

  @Test
  void shouldAverageTheFramesLogitsIntoTheClips() {
    try (DualCamNet net = new DualCamNet(4, 2)) {
      float[] clips = randomClips(3, 5);
      // frames of one clip differ so that their logits do
      for (int i = 0; i < V / 12; i++) {
        clips[i] *= 10;
      }
      float[] frames = net.frameLogits(clips, 3);
      float[] logits = net.logits(clips, 3);
      for (int b = 0; b < 3; b++) {
        for (int k = 0; k < 4; k++) {
          double sum = 0;
          for (int e = 0; e < 12; e++) {
            sum += frames[(b * 12 + e) * 4 + k];
          }
          assertEquals(sum / 12, logits[b * 4 + k], 1e-6);
        }
      }
      assertTrue(frames[0] != frames[4], "the frames' logits differ");
    }
  }

  @Test
  void shouldKeepTheEpochWithTheBestAccuracyAndTheLowerLossOnATie() {
    List<Epoch> epochs =
        List.of(
            new Epoch(1, 1.0, 0.5, 0.60, 0.90, 1),
            new Epoch(2, 0.8, 0.7, 0.80, 0.50, 1),
            new Epoch(3, 0.6, 0.8, 0.80, 0.40, 1),
            new Epoch(4, 0.5, 0.9, 0.70, 0.30, 1),
            new Epoch(5, 0.4, 0.9, 0.80, 0.45, 1));
    assertEquals(3, DualCamTraining.best(epochs).number());
    assertEquals(1, DualCamTraining.best(epochs.subList(0, 1)).number());
    // an exact tie in both keeps the earlier epoch
    assertEquals(
        2,
        DualCamTraining.best(List.of(epochs.get(1), new Epoch(6, 0, 0, 0.80, 0.50, 1))).number());
  }

  @Test
  void shouldRestoreWeightsFromACopy() {
    float[] clips = randomClips(1, 9);
    try (DualCamNet a = new DualCamNet(3, 1);
        DualCamNet b = new DualCamNet(3, 2)) {
      float[] before = a.logits(clips, 1);
      assertTrue(before[0] != b.logits(clips, 1)[0]);
      b.load(a.weights());
      assertArrayEquals(before, b.logits(clips, 1), 0f);
    }
  }

  /**
   * Three classes told apart by which third of the coefficients carries the energy, in noise:
   * separable, so a few epochs must classify held-out clips almost all right.
   */
  static ClipSet separable(int count, long seed) {
    Random r = new Random(seed);
    List<float[]> images = new ArrayList<>();
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % 3;
      float[] clip = new float[V];
      for (int v = 0; v < V; v++) {
        int coefficient = v % 12;
        clip[v] = 0.3f * r.nextFloat() + (coefficient / 4 == labels[i] ? 0.5f : 0f);
      }
      images.add(clip);
    }
    return ClipSet.of(images, labels);
  }

  @Test
  void shouldLearnSeparableClipsAndKeepTheBestEpoch() {
    ClipSet training = separable(24, 1);
    ClipSet validation = separable(6, 2);
    ClipSet testing = separable(12, 3);
    List<Epoch> told = new ArrayList<>();
    Trained trained =
        DualCamTraining.train(3, training, validation, 3, 8, 1, (e, n) -> told.add(e));
    try (DualCamNet net = trained.net()) {
      assertEquals(3, told.size());
      assertEquals(trained.history(), told);
      assertEquals(DualCamTraining.best(told), trained.best());
      DualCamTraining.Score test = DualCamTraining.score(net, testing, 8);
      assertTrue(test.accuracy() > 0.9, "test accuracy " + test.accuracy());
      // the net holds the best epoch's weights: its validation scores are that epoch's
      DualCamTraining.Score v = DualCamTraining.score(net, validation, 8);
      assertEquals(trained.best().accuracy(), v.accuracy(), 1e-12);
      assertEquals(trained.best().loss(), v.loss(), 1e-4);
      // before training, chance: one class for every clip
      try (DualCamNet fresh = new DualCamNet(3, 1)) {
        assertEquals(1.0 / 3, DualCamTraining.score(fresh, testing, 8).accuracy(), 1e-12);
      }
    }
  }
}
