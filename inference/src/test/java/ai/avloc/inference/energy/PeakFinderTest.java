package ai.avloc.inference.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeakFinderTest {
  static final int ROWS = 36;
  static final int COLS = 48;

  /** Baseline 1 plus Gaussian bumps given as (row, col, height, sigma). */
  static float[] bumps(double[]... bumps) {
    float[] map = new float[ROWS * COLS];
    Arrays.fill(map, 1f);
    for (double[] b : bumps) {
      for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLS; c++) {
          double d2 = (r - b[0]) * (r - b[0]) + (c - b[1]) * (c - b[1]);
          map[r * COLS + c] += (float) (b[2] * Math.exp(-d2 / (2 * b[3] * b[3])));
        }
      }
    }
    return map;
  }

  @Test
  void shouldFindASingleBumpAtItsCellWithNormalizedCoordinates() {
    List<Peak> peaks = PeakFinder.find(bumps(new double[] {10, 30, 1, 2}), ROWS, COLS, 5, 3);
    assertEquals(1, peaks.size());
    Peak p = peaks.get(0);
    assertEquals(10, p.row());
    assertEquals(30, p.col());
    assertEquals(30.5 / 48, p.u(), 1e-12);
    assertEquals(10.5 / 36, p.v(), 1e-12);
    assertEquals(1.0, p.contrast(), 1e-6);
    // half height above the median: exp(-d^2/8) >= 0.5 -> d <= 2.35 cells, so rows 8..12 along the axis
    assertEquals(8, p.region().rowMin());
    assertEquals(12, p.region().rowMax());
    assertEquals(28, p.region().colMin());
    assertEquals(32, p.region().colMax());
    assertEquals(28.0 / 48, p.region().uMin(), 1e-12);
    assertEquals(33.0 / 48, p.region().uMax(), 1e-12);
  }

  @Test
  void shouldOrderTwoSeparatedBumpsByHeight() {
    List<Peak> peaks = PeakFinder.find(bumps(new double[] {18, 10, 0.5, 1.5}, new double[] {18, 18, 2, 1.5}),
        ROWS, COLS, 5, 3);
    assertEquals(2, peaks.size());
    assertEquals(18, peaks.get(0).col());
    assertEquals(10, peaks.get(1).col());
  }

  @Test
  void shouldSuppressTheLowerOfTwoBumpsCloserThanTheSeparation() {
    List<Peak> peaks = PeakFinder.find(bumps(new double[] {18, 20, 1, 0.6}, new double[] {18, 22, 2, 0.6}),
        ROWS, COLS, 5, 4);
    assertEquals(1, peaks.size());
    assertEquals(22, peaks.get(0).col());
  }

  @Test
  void shouldReportAPlateauOnce() {
    float[] map = new float[ROWS * COLS];
    Arrays.fill(map, 1f);
    map[5 * COLS + 5] = 3f;
    map[5 * COLS + 6] = 3f;
    map[6 * COLS + 5] = 3f;
    assertEquals(1, PeakFinder.find(map, ROWS, COLS, 5, 1).size());
  }

  @Test
  void shouldFindNoPeakAndFullFlatnessOnAConstantMap() {
    float[] map = new float[ROWS * COLS];
    Arrays.fill(map, 0.0415f);
    assertTrue(PeakFinder.find(map, ROWS, COLS, 5, 3).isEmpty());
    assertEquals(1.0, PeakFinder.flatness(map), 0);
  }

  @Test
  void shouldScoreASpikeAsPeakyAndAOnePercentRippleAsFlat() {
    float[] spike = new float[ROWS * COLS];
    Arrays.fill(spike, 1f);
    spike[100] = 10f;
    assertEquals(1 - 9.0 / 11, PeakFinder.flatness(spike), 1e-9);
    assertTrue(PeakFinder.flatness(spike) < 0.2);
    float[] ripple = new float[ROWS * COLS];
    Random random = new Random(1);
    for (int i = 0; i < ripple.length; i++) {
      ripple[i] = 1 + 0.01f * random.nextFloat();
    }
    assertTrue(PeakFinder.flatness(ripple) > 0.99, "flatness " + PeakFinder.flatness(ripple));
    assertTrue(PeakFinder.isFlat(ripple, PeakFinder.DEFAULT_POWER_MAP_FLATNESS));
  }

  @Test
  void shouldDropPeaksBelowTheMinimumContrast() {
    float[] map = bumps(new double[] {10, 10, 2, 1.5}, new double[] {25, 35, 0.05, 1.5});
    assertEquals(2, PeakFinder.find(map, ROWS, COLS, 5, 3).size());
    List<Peak> strong = PeakFinder.find(map, ROWS, COLS, 5, 3, 0.5);
    assertEquals(1, strong.size());
    assertEquals(10, strong.get(0).row());
  }

  @Test
  void shouldNameTheNaNCellAndTheWrongLength() {
    float[] map = new float[ROWS * COLS];
    map[3 * COLS + 7] = Float.NaN;
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> PeakFinder.find(map, ROWS, COLS, 1, 1));
    assertTrue(nan.getMessage().contains("row 3, col 7"), nan.getMessage());
    IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
        () -> PeakFinder.find(new float[10], ROWS, COLS, 1, 1));
    assertTrue(length.getMessage().contains("10") && length.getMessage().contains("1728"), length.getMessage());
  }
}
