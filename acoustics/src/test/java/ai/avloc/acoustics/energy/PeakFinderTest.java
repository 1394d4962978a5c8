package ai.avloc.acoustics.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeakFinderTest {
  static final int ROWS = 36;
  static final int COLS = 48;

  static float[] constant(float value) {
    float[] map = new float[ROWS * COLS];
    Arrays.fill(map, value);
    return map;
  }

  /** Adds height * exp(-d^2 / (2 sigma^2)) around (row, col). */
  static void addBump(float[] map, int row, int col, double height, double sigma) {
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLS; c++) {
        double d2 = (r - row) * (r - row) + (c - col) * (c - col);
        map[r * COLS + c] += (float) (height * Math.exp(-d2 / (2 * sigma * sigma)));
      }
    }
  }

  /**
   * The middle of the sorted values, as the median was taken before selection replaced the sort.
   */
  private static double sortedMedian(float[] map) {
    float[] sorted = map.clone();
    Arrays.sort(sorted);
    int half = sorted.length / 2;
    return sorted.length % 2 == 1
        ? sorted[half]
        : ((double) sorted[half - 1] + (double) sorted[half]) / 2;
  }

  @Test
  void theMedianBySelectionIsTheSortedMiddleForAnyMap() {
    Random r = new Random(11);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + r.nextInt(trial < 1000 ? 12 : 1728);
      float[] map = new float[n];
      int kind = trial % 4;
      for (int i = 0; i < n; i++) {
        map[i] =
            switch (kind) {
              case 0 -> r.nextFloat(); // distinct
              case 1 -> r.nextInt(3); // long runs of equal values
              case 2 -> 0.03f; // flat
              default -> (float) -r.nextGaussian() * 1e-3f + (i % 7 == 0 ? 1 : 0); // signs, spikes
            };
      }
      float[] before = map.clone();
      assertEquals(sortedMedian(map), PeakFinder.median(map), 0.0, "trial " + trial);
      assertTrue(Arrays.equals(before, map), "the map is left as it was");
    }
    float[] ascending = new float[1728];
    for (int i = 0; i < ascending.length; i++) {
      ascending[i] = i;
    }
    assertEquals(863.5, PeakFinder.median(ascending), 0.0);
  }

  @Test
  void shouldFindASingleGaussianBumpAtItsCentreWithCellCentreCoordinates() {
    float[] map = constant(1);
    addBump(map, 10, 30, 1.0, 2.0);
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 5, 3);
    assertEquals(1, peaks.size(), "peaks " + peaks);
    Peak p = peaks.get(0);
    assertEquals(10, p.row());
    assertEquals(30, p.col());
    assertEquals(30.5 / 48, p.u(), 1e-12);
    assertEquals(10.5 / 36, p.v(), 1e-12);
    assertEquals(2.0, p.value(), 1e-6);
    assertEquals(1.0, p.contrast(), 1e-6);
  }

  @Test
  void shouldGiveTheHalfHeightRegionOfASymmetricBumpAsASymmetricBox() {
    // sigma 2: half height where d^2 <= 2 * 4 * ln 2 = 5.545, i.e. |dr| <= 2 and |dc| <= 2 with
    // the four corners (|dr| = |dc| = 2, d^2 = 8) left out: 5 x 5 - 4 = 21 cells
    float[] map = constant(1);
    addBump(map, 10, 30, 1.0, 2.0);
    Peak.Region region = PeakFinder.find(map, ROWS, COLS, 1, 3).get(0).region();
    assertEquals(8, region.rowMin());
    assertEquals(12, region.rowMax());
    assertEquals(28, region.colMin());
    assertEquals(32, region.colMax());
    assertEquals(21, region.cells());
    assertEquals(28.0 / 48, region.uMin(), 1e-12);
    assertEquals(33.0 / 48, region.uMax(), 1e-12);
    assertEquals(8.0 / 36, region.vMin(), 1e-12);
    assertEquals(13.0 / 36, region.vMax(), 1e-12);
  }

  @Test
  void shouldFindTwoBumpsEightCellsApartOrderedByHeight() {
    float[] map = constant(1);
    addBump(map, 18, 28, 0.6, 1.5);
    addBump(map, 18, 20, 1.0, 1.5);
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 5, 3);
    assertEquals(2, peaks.size(), "peaks " + peaks);
    assertEquals(18, peaks.get(0).row());
    assertEquals(20, peaks.get(0).col());
    assertEquals(2.0, peaks.get(0).value(), 1e-6);
    assertEquals(18, peaks.get(1).row());
    assertEquals(28, peaks.get(1).col());
    assertEquals(1.6, peaks.get(1).value(), 1e-6);
  }

  @Test
  void shouldKeepOnlyTheHigherOfTwoBumpsCloserThanTheMinimumSeparation() {
    float[] map = constant(1);
    addBump(map, 18, 20, 1.0, 0.5);
    addBump(map, 18, 22, 0.8, 0.5);
    assertEquals(2, PeakFinder.find(map, ROWS, COLS, 5, 1).size(), "both are local maxima");
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 5, 4);
    assertEquals(1, peaks.size(), "peaks " + peaks);
    assertEquals(18, peaks.get(0).row());
    assertEquals(20, peaks.get(0).col());
  }

  @Test
  void shouldReturnAtMostMaxPeaksHighestFirst() {
    float[] map = constant(1);
    addBump(map, 5, 5, 0.5, 1);
    addBump(map, 20, 20, 1.0, 1);
    addBump(map, 30, 40, 0.8, 1);
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 2, 3);
    assertEquals(2, peaks.size());
    assertEquals(20, peaks.get(0).row());
    assertEquals(30, peaks.get(1).row());
  }

  @Test
  void shouldReportAThreeByThreePlateauOnceAtItsCentre() {
    float[] map = constant(1);
    for (int r = 10; r <= 12; r++) {
      for (int c = 20; c <= 22; c++) {
        map[r * COLS + c] = 2;
      }
    }
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 10, 0);
    assertEquals(1, peaks.size(), "peaks " + peaks);
    assertEquals(11, peaks.get(0).row());
    assertEquals(21, peaks.get(0).col());
    assertEquals(9, peaks.get(0).region().cells());
  }

  @Test
  void shouldReportATwoByTwoPlateauOnceAtItsFirstCell() {
    float[] map = constant(1);
    for (int r = 10; r <= 11; r++) {
      for (int c = 20; c <= 21; c++) {
        map[r * COLS + c] = 2;
      }
    }
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 10, 0);
    assertEquals(1, peaks.size(), "peaks " + peaks);
    assertEquals(10, peaks.get(0).row());
    assertEquals(20, peaks.get(0).col());
  }

  @Test
  void shouldNotReportAPlateauOnTheFlankOfAHigherCell() {
    float[] map = constant(1);
    map[5 * COLS + 5] = 2;
    map[5 * COLS + 6] = 2;
    map[5 * COLS + 7] = 2;
    map[5 * COLS + 8] = 3;
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 10, 0);
    assertEquals(1, peaks.size(), "peaks " + peaks);
    assertEquals(5, peaks.get(0).row());
    assertEquals(8, peaks.get(0).col());
  }

  @Test
  void shouldFindAPeakInTheCorner() {
    float[] map = constant(1);
    map[0] = 5;
    Peak p = PeakFinder.find(map, ROWS, COLS, 1, 3).get(0);
    assertEquals(0, p.row());
    assertEquals(0, p.col());
    assertEquals(0.5 / 48, p.u(), 1e-12);
    assertEquals(0.5 / 36, p.v(), 1e-12);
    assertEquals(1, p.region().cells());
    assertEquals(0.0, p.region().uMin(), 0.0);
  }

  @Test
  void shouldFindNoPeakAndFullFlatnessOnAConstantMap() {
    float[] map = constant(0.04f);
    assertEquals(List.of(), PeakFinder.find(map, ROWS, COLS, 5, 3));
    assertEquals(1.0, PeakFinder.flatness(map), 0.0);
    assertEquals(1.0, PeakFinder.flatness(constant(0)), 0.0);
    assertEquals(1.0, PeakFinder.flatness(constant(-3)), 0.0);
    assertTrue(PeakFinder.isFlat(map, PeakFinder.DEFAULT_POWER_MAP_FLATNESS));
  }

  @Test
  void shouldGiveASingleTenfoldSpikeAFlatnessBelowPointTwo() {
    float[] map = constant(1);
    map[17 * COLS + 23] = 10;
    double f = PeakFinder.flatness(map);
    assertTrue(f < 0.2, "flatness " + f);
    assertEquals(2.0 / 11, f, 1e-9);
    assertFalse(PeakFinder.isFlat(map, PeakFinder.DEFAULT_POWER_MAP_FLATNESS));
  }

  @Test
  void shouldGiveAOnePercentRippleAFlatnessAbovePointNineNine() {
    Random random = new Random(42);
    float[] map = new float[ROWS * COLS];
    for (int i = 0; i < map.length; i++) {
      map[i] = (float) (1 + 0.01 * random.nextDouble());
    }
    double f = PeakFinder.flatness(map);
    assertTrue(f > 0.99, "flatness " + f);
    assertTrue(PeakFinder.isFlat(map, PeakFinder.DEFAULT_POWER_MAP_FLATNESS));
  }

  @Test
  void shouldNotChangeFlatnessOrContrastWhenTheMapIsScaled() {
    float[] power = constant(1);
    addBump(power, 20, 10, 4.0, 2);
    float[] energyScale = power.clone();
    for (int i = 0; i < energyScale.length; i++) {
      energyScale[i] *= 0.04f;
    }
    assertEquals(PeakFinder.flatness(power), PeakFinder.flatness(energyScale), 1e-6);
    assertEquals(1.0 / 3, PeakFinder.flatness(power), 1e-6); // 2 / (1 + 5 / 1)
    assertEquals(
        PeakFinder.find(power, ROWS, COLS, 1, 3).get(0).contrast(),
        PeakFinder.find(energyScale, ROWS, COLS, 1, 3).get(0).contrast(),
        1e-5);
  }

  @Test
  void shouldFindAPartPerThousandBumpOnAnEnergyScaleMap() {
    float[] map = constant(0.04f);
    addBump(map, 25, 12, 0.04 * 1e-3, 1.5);
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 3, 3);
    assertEquals(1, peaks.size(), "peaks " + peaks);
    assertEquals(25, peaks.get(0).row());
    assertEquals(12, peaks.get(0).col());
    assertEquals(1e-3, peaks.get(0).contrast(), 1e-5);
    assertEquals(1 - 0.5e-3, PeakFinder.flatness(map), 1e-5);
  }

  @Test
  void shouldGiveAHeightTwoBumpOnABaselineOfOneAContrastOfOne() {
    float[] map = constant(1);
    map[12 * COLS + 12] = 2;
    Peak p = PeakFinder.find(map, ROWS, COLS, 1, 3).get(0);
    assertEquals(2.0, p.value(), 0.0);
    assertEquals(1.0, p.contrast(), 0.0);
  }

  @Test
  void shouldDropPeaksBelowTheMinimumContrast() {
    float[] map = constant(1);
    addBump(map, 10, 10, 1.0, 1.5);
    addBump(map, 25, 35, 0.05, 1.5);
    assertEquals(2, PeakFinder.find(map, ROWS, COLS, 5, 3).size());
    List<Peak> peaks = PeakFinder.find(map, ROWS, COLS, 5, 3, 0.1);
    assertEquals(1, peaks.size(), "peaks " + peaks);
    assertEquals(10, peaks.get(0).row());
    assertEquals(10, peaks.get(0).col());
    assertEquals(0, PeakFinder.find(map, ROWS, COLS, 5, 3, 1.5).size());
  }

  @Test
  void shouldNameTheRowAndColumnOfTheFirstNaN() {
    float[] map = constant(1);
    map[5 * COLS + 7] = Float.NaN;
    map[20 * COLS + 3] = Float.NaN;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeakFinder.find(map, ROWS, COLS, 1, 3));
    assertTrue(e.getMessage().contains("row 5, col 7"), e.getMessage());
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void shouldNameBothLengthsWhenTheMapDoesNotMatchTheGrid() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PeakFinder.find(new float[100], ROWS, COLS, 1, 3));
    assertTrue(e.getMessage().contains("100"), e.getMessage());
    assertTrue(e.getMessage().contains("1728"), e.getMessage());
  }

  @Test
  void shouldRejectMaxPeaksBelowOne() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PeakFinder.find(constant(1), ROWS, COLS, 0, 3));
    assertTrue(e.getMessage().contains("maxPeaks"), e.getMessage());
  }
}
