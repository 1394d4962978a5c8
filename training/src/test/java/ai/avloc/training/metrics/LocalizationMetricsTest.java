package ai.avloc.training.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.training.data.SoundingBox;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalizationMetricsTest {

  private static final double EPS = 1e-12;
  private static final int MAP_ROWS = 36;
  private static final int MAP_COLS = 48;
  private static final int H = ModelShapes.FRAME_HEIGHT;
  private static final int W = ModelShapes.FRAME_WIDTH;

  /** An annotator's box, of no class: the metrics look only at where it is. */
  private static SoundingBox box(int x0, int y0, int x1, int y1) {
    return new SoundingBox(x0, y0, x1, y1, -1);
  }

  /**
   * A 36x48 energy map that is 1 on the left 24 columns and 0 elsewhere. Binarized at its mean
   * (0.5) it is the left half; upsampled to 298 columns the 0/1 step crosses 0.5 between output
   * columns 148 and 149 (source x = 23.42 and 23.58), so the prediction covers x in [0, 149).
   */
  private static float[] leftHalfEnergy() {
    float[] e = new float[MAP_ROWS * MAP_COLS];
    for (int r = 0; r < MAP_ROWS; r++) {
      for (int c = 0; c < MAP_COLS / 2; c++) {
        e[r * MAP_COLS + c] = 1f;
      }
    }
    return e;
  }

  // ---------------------------------------------------------------- IoU (section 5.2)

  @Test
  void shouldBinarizeStrictlyAboveTheMean() {
    // mean = 2.5
    assertArrayEquals(
        new boolean[] {false, false, true, true},
        LocalizationMetrics.aboveMean(new float[] {1, 2, 3, 4}));
    // A constant map has nothing strictly above its mean.
    assertArrayEquals(
        new boolean[] {false, false, false}, LocalizationMetrics.aboveMean(new float[] {7, 7, 7}));
  }

  @Test
  void shouldComputeIouOfSmallMapsByHand() {
    // 2x3 maps. Truth: mean 1, mask = {T T F / F F F}.
    float[] truth = {3, 3, 0, 0, 0, 0};
    // Prediction: mean 10/6, mask = {F T T / F F F}.
    float[] predicted = {0, 5, 5, 0, 0, 0};
    // |A and B| = 1 (cell 1), |A or B| = 3 (cells 0, 1, 2).
    assertEquals(1.0 / 3.0, LocalizationMetrics.iou(truth, predicted), EPS);
  }

  @Test
  void shouldScoreIdenticalMapsAsOne() {
    float[] map = {0.1f, 0.9f, 0.4f, 0.8f, 0.2f, 0.3f};
    assertEquals(1.0, LocalizationMetrics.iou(map, map.clone()), EPS);
  }

  @Test
  void shouldScoreDisjointMapsAsZero() {
    float[] truth = {1, 1, 1, 0, 0, 0};
    float[] predicted = {0, 0, 0, 1, 1, 1};
    assertEquals(0.0, LocalizationMetrics.iou(truth, predicted), EPS);
  }

  @Test
  void shouldScoreTwoConstantMapsAsOne() {
    // Both masks empty: the union is empty and the maps agree, scored as a perfect match.
    assertEquals(1.0, LocalizationMetrics.iou(new float[] {2, 2, 2}, new float[] {5, 5, 5}), EPS);
  }

  @Test
  void shouldScoreConstantTruthAgainstPeakedPredictionAsZero() {
    assertEquals(0.0, LocalizationMetrics.iou(new float[] {2, 2, 2}, new float[] {0, 9, 0}), EPS);
  }

  @Test
  void shouldRejectMapsOfDifferentLengthNamingBothLengths() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalizationMetrics.iou(new float[6], new float[4]));
    assertTrue(e.getMessage().contains("6"), e.getMessage());
    assertTrue(e.getMessage().contains("4"), e.getMessage());
  }

  // ---------------------------------------------------------------- success rate and AUC

  @Test
  void shouldListElevenThresholdsInTenthSteps() {
    assertArrayEquals(
        new double[] {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0},
        LocalizationMetrics.thresholds(),
        0.0);
  }

  @Test
  void shouldCountScoresStrictlyAboveEachThreshold() {
    double[] rate = LocalizationMetrics.successRate(new double[] {0.05, 0.55, 0.95});
    double third = 1.0 / 3.0;
    double twoThirds = 2.0 / 3.0;
    assertArrayEquals(
        new double[] {
          1.0, // t = 0.0: all three
          twoThirds,
          twoThirds,
          twoThirds,
          twoThirds,
          twoThirds, // t = 0.1 .. 0.5: 0.55 and 0.95
          third,
          third,
          third,
          third, // t = 0.6 .. 0.9: only 0.95
          0.0 // t = 1.0: none
        },
        rate,
        EPS);
  }

  @Test
  void shouldNotCountScoreEqualToThreshold() {
    double[] rate = LocalizationMetrics.successRate(new double[] {0.5});
    assertEquals(1.0, rate[4], EPS); // 0.5 > 0.4
    assertEquals(0.0, rate[5], EPS); // 0.5 > 0.5 is false
  }

  @Test
  void shouldRejectEmptyScores() {
    assertThrows(
        IllegalArgumentException.class, () -> LocalizationMetrics.successRate(new double[0]));
  }

  @Test
  void shouldGiveAucOneForPerfectSuccessCurve() {
    double[] allOnes = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    assertEquals(1.0, LocalizationMetrics.auc(allOnes), EPS);
  }

  @Test
  void shouldGiveAucHalfForLinearlyFallingCurve() {
    // rate(t) = 1 - t: a triangle of base 1 and height 1, area 0.5 (trapezoids are exact on lines).
    double[] falling = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0};
    assertEquals(0.5, LocalizationMetrics.auc(falling), EPS);
  }

  @Test
  void shouldIntegrateStepCurveByTrapezoids() {
    // The success curve of {0.05, 0.55, 0.95}. Trapezoids of width 0.1:
    // (1 + 2/3)/2 + 4 * 2/3 + (2/3 + 1/3)/2 + 3 * 1/3 + (1/3 + 0)/2 = 31/6, times 0.1 = 31/60.
    double[] rate = LocalizationMetrics.successRate(new double[] {0.05, 0.55, 0.95});
    assertEquals(31.0 / 60.0, LocalizationMetrics.auc(rate), EPS);
  }

  @Test
  void shouldRejectAucOfWrongLength() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LocalizationMetrics.auc(new double[3]));
    assertTrue(e.getMessage().contains("11") && e.getMessage().contains("3"), e.getMessage());
  }

  // ---------------------------------------------------------------- resize (cv2 INTER_LINEAR)

  @Test
  void shouldResizeWithHalfPixelCentresAndReplicatedBorders() {
    // 2 -> 4 along each axis, scale 0.5: src = (d + 0.5) * 0.5 - 0.5 gives
    // d=0: -0.25 -> clamped to index 0, weight 0; d=1: 0.25; d=2: 0.75; d=3: 1.25 -> clamped to 1.
    // So the weights of source pixel 0 along an axis are 1, 0.75, 0.25, 0.
    float[] src = {1, 0, 0, 0};
    float[] expected = {
      1f, 0.75f, 0.25f, 0f,
      0.75f, 0.5625f, 0.1875f, 0f,
      0.25f, 0.1875f, 0.0625f, 0f,
      0f, 0f, 0f, 0f
    };
    assertArrayEquals(expected, LocalizationMetrics.resizeLinear(src, 2, 2, 4, 4), 1e-7f);
  }

  @Test
  void shouldUpsampleMaskKeepingCellsAboveHalf() {
    boolean[] mask = {true, false, false, false};
    boolean[] up = LocalizationMetrics.upsampleMask(mask, 2, 2, 4, 4);
    // Cell (1,1) is 0.75 * 0.75 = 0.5625 > 0.5 with half-pixel centres; corner alignment
    // (src = d * 1/3) would give (2/3)^2 = 0.44 and leave it out.
    assertArrayEquals(
        new boolean[] {
          true, true, false, false,
          true, true, false, false,
          false, false, false, false,
          false, false, false, false
        },
        up);
  }

  @Test
  void shouldPlaceUpsampledStepAtTheScaledSourceEdge() {
    boolean[] up =
        LocalizationMetrics.upsampleMask(
            LocalizationMetrics.aboveMean(leftHalfEnergy()), MAP_ROWS, MAP_COLS, H, W);
    for (int y : new int[] {0, 111, 223}) {
      assertTrue(up[y * W + 148], "row " + y + " column 148");
      assertFalse(up[y * W + 149], "row " + y + " column 149");
    }
  }

  @Test
  void shouldRejectMaskOfWrongShape() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalizationMetrics.upsampleMask(new boolean[5], 2, 3, 4, 6));
    assertTrue(e.getMessage().contains("5") && e.getMessage().contains("6"), e.getMessage());
  }

  // ---------------------------------------------------------------- consensus map and cIoU (5.3)

  @Test
  void shouldAddHalfPerAnnotatorAndClipAtOne() {
    List<SoundingBox> boxes =
        List.of(
            box(0, 0, 3, 2), // x 0..2, y 0..1
            box(2, 0, 4, 3), // x 2..3, y 0..2
            box(2, 1, 3, 2)); // x 2, y 1: third box there, 1.5 clipped to 1
    float[] g = LocalizationMetrics.consensusMap(boxes, 3, 5);
    assertArrayEquals(
        new float[] {
          0.5f, 0.5f, 1f, 0.5f, 0f,
          0.5f, 0.5f, 1f, 0.5f, 0f,
          0f, 0f, 0.5f, 0.5f, 0f
        },
        g,
        0f);
  }

  @Test
  void shouldCutBoxesAtTheFrameEdge() {
    float[] g = LocalizationMetrics.consensusMap(List.of(box(3, 2, 10, 10)), 3, 5);
    float[] expected = new float[15];
    expected[2 * 5 + 3] = 0.5f;
    expected[2 * 5 + 4] = 0.5f;
    assertArrayEquals(expected, g, 0f);
  }

  @Test
  void shouldFindThePeakOnABoxThatItsCellTouches() {
    // 36 x 48 map with its peak at row 10, column 20: frame columns [124.17, 130.375), rows
    // [62.2, 68.4)
    float[] energy = new float[36 * 48];
    java.util.Arrays.fill(energy, 1f);
    energy[10 * 48 + 20] = 2f;
    assertTrue(LocalizationMetrics.peakOnBox(energy, 36, 48, List.of(box(100, 50, 125, 63))));
    assertTrue(LocalizationMetrics.peakOnBox(energy, 36, 48, List.of(box(130, 68, 140, 80))));
    // ends are exclusive: a box ending at the cell's first column does not touch it
    assertFalse(LocalizationMetrics.peakOnBox(energy, 36, 48, List.of(box(100, 50, 124, 63))));
    assertFalse(LocalizationMetrics.peakOnBox(energy, 36, 48, List.of(box(200, 150, 260, 200))));
    assertFalse(LocalizationMetrics.peakOnBox(energy, 36, 48, List.of()));
  }

  @Test
  void shouldScoreBoxMatchingPredictedRegionAsOne() {
    List<SoundingBox> boxes = List.of(box(0, 0, 149, H));
    assertEquals(1.0, LocalizationMetrics.ciou(leftHalfEnergy(), MAP_ROWS, MAP_COLS, boxes), EPS);
  }

  @Test
  void shouldScoreBoxDisjointFromPredictionAsZero() {
    List<SoundingBox> boxes = List.of(box(200, 0, W, H));
    assertEquals(0.0, LocalizationMetrics.ciou(leftHalfEnergy(), MAP_ROWS, MAP_COLS, boxes), EPS);
  }

  @Test
  void shouldWeighOverlappingAnnotatorsByConsensus() {
    // Prediction P: x in [0, 149), all rows. A: x [100, 200), all rows. B: x [0, 149), y [0, 112).
    List<SoundingBox> boxes = List.of(box(100, 0, 200, H), box(0, 0, 149, 112));
    // Intersection (g over P): B only x[0,100) y[0,112): 0.5 * 100 * 112 = 5600;
    //   A and B x[100,149) y[0,112): 1 * 49 * 112 = 5488; A only x[100,149) y[112,224): 0.5 * 49 *
    //   112 = 2744. Total 13832.
    // sum(g) = 13832 + A only x[149,200), all rows: 0.5 * 51 * 224 = 5712, so 19544.
    // P outside the boxes: x[0,100) y[112,224) = 11200. Union = 30744.
    double expected = 13832.0 / 30744.0;
    assertEquals(
        expected, LocalizationMetrics.ciou(leftHalfEnergy(), MAP_ROWS, MAP_COLS, boxes), EPS);
  }

  @Test
  void shouldScoreFullConsensusOnPredictionAsOne() {
    // Two annotators on the same box: g = 1 there, still a perfect match.
    SoundingBox box = box(0, 0, 149, H);
    assertEquals(
        1.0,
        LocalizationMetrics.ciou(leftHalfEnergy(), MAP_ROWS, MAP_COLS, List.of(box, box)),
        EPS);
  }

  @Test
  void shouldScoreZeroWhenNoBoxAndNoPrediction() {
    // A constant map predicts nothing, and without boxes the union is empty.
    float[] flat = new float[MAP_ROWS * MAP_COLS];
    assertEquals(0.0, LocalizationMetrics.ciou(flat, MAP_ROWS, MAP_COLS, List.of()), EPS);
  }

  @Test
  void shouldRejectEnergyOfWrongShapeInCiou() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LocalizationMetrics.ciou(new float[10], MAP_ROWS, MAP_COLS, List.of()));
    assertTrue(e.getMessage().contains("10") && e.getMessage().contains("1728"), e.getMessage());
  }
}
