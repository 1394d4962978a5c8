package ai.avloc.inference.energy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Where a map (energy or beamforming power) says the sound comes from: its highest local maxima,
 * each with a half-height region, and how flat the whole map is. Scale-free, because energy maps
 * vary by parts per thousand while power maps vary by orders of magnitude.
 */
public final class PeakFinder {
  /**
   * Flatness at or above which a 500-5000 Hz beamforming power map holds no source (peak below 1.5x
   * the median). In simulations with the 128-mic array a diffuse field scored about 0.87
   * (max/median 1.29) and a point source at 0 dB SNR about 0.11 (max/median 17.7).
   */
  public static final double DEFAULT_POWER_MAP_FLATNESS = 0.8;

  private PeakFinder() {}

  public static List<Peak> find(float[] map, int rows, int cols, int maxPeaks, double minSeparationCells) {
    return find(map, rows, cols, maxPeaks, minSeparationCells, Double.NEGATIVE_INFINITY);
  }

  /**
   * Local maxima (at least every 8-neighbour, above at least one), highest first, each at least
   * {@code minSeparationCells} from every higher one kept, with contrast at least {@code minContrast}.
   */
  public static List<Peak> find(float[] map, int rows, int cols, int maxPeaks, double minSeparationCells,
      double minContrast) {
    check(map, rows, cols);
    if (maxPeaks < 1) {
      throw new IllegalArgumentException("maxPeaks must be at least 1, got " + maxPeaks);
    }
    double median = median(map);
    List<Integer> candidates = new ArrayList<>();
    boolean[] plateauTaken = new boolean[map.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        if (plateauTaken[i]) {
          continue;
        }
        boolean geAll = true;
        boolean gtOne = false;
        for (int dr = -1; dr <= 1 && geAll; dr++) {
          for (int dc = -1; dc <= 1; dc++) {
            int rr = r + dr;
            int cc = c + dc;
            if ((dr == 0 && dc == 0) || rr < 0 || rr >= rows || cc < 0 || cc >= cols) {
              continue;
            }
            float n = map[rr * cols + cc];
            if (n > map[i]) {
              geAll = false;
              break;
            }
            if (n < map[i]) {
              gtOne = true;
            }
          }
        }
        if (geAll && gtOne) {
          candidates.add(i);
          markPlateau(map, rows, cols, i, plateauTaken);
        }
      }
    }
    candidates.sort(Comparator.comparingDouble((Integer i) -> -map[i]).thenComparingInt(i -> i));
    List<Peak> peaks = new ArrayList<>();
    for (int i : candidates) {
      if (peaks.size() == maxPeaks) {
        break;
      }
      int r = i / cols;
      int c = i % cols;
      boolean near = peaks.stream().anyMatch(p -> Math.hypot(p.row() - r, p.col() - c) < minSeparationCells);
      double contrast = (map[i] - median) / Math.abs(median);
      if (near || contrast < minContrast) {
        continue;
      }
      peaks.add(new Peak(r, c, (c + 0.5) / cols, (r + 0.5) / rows, map[i], contrast,
          region(map, rows, cols, i, median)));
    }
    return peaks;
  }

  /** Equal neighbours of a maximum belong to its plateau: report the plateau once. */
  private static void markPlateau(float[] map, int rows, int cols, int start, boolean[] taken) {
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(start);
    taken[start] = true;
    while (!queue.isEmpty()) {
      int i = queue.poll();
      int r = i / cols;
      int c = i % cols;
      for (int dr = -1; dr <= 1; dr++) {
        for (int dc = -1; dc <= 1; dc++) {
          int rr = r + dr;
          int cc = c + dc;
          if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) {
            continue;
          }
          int j = rr * cols + cc;
          if (!taken[j] && map[j] == map[start]) {
            taken[j] = true;
            queue.add(j);
          }
        }
      }
    }
  }

  private static Peak.Region region(float[] map, int rows, int cols, int peak, double median) {
    double level = median + 0.5 * (map[peak] - median);
    boolean[] in = new boolean[map.length];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(peak);
    in[peak] = true;
    int rowMin = rows;
    int colMin = cols;
    int rowMax = -1;
    int colMax = -1;
    int cells = 0;
    int[][] steps = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    while (!queue.isEmpty()) {
      int i = queue.poll();
      int r = i / cols;
      int c = i % cols;
      cells++;
      rowMin = Math.min(rowMin, r);
      rowMax = Math.max(rowMax, r);
      colMin = Math.min(colMin, c);
      colMax = Math.max(colMax, c);
      for (int[] s : steps) {
        int rr = r + s[0];
        int cc = c + s[1];
        if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) {
          continue;
        }
        int j = rr * cols + cc;
        if (!in[j] && map[j] >= level) {
          in[j] = true;
          queue.add(j);
        }
      }
    }
    return new Peak.Region(rowMin, colMin, rowMax, colMax, (double) colMin / cols, (double) rowMin / rows,
        (double) (colMax + 1) / cols, (double) (rowMax + 1) / rows, cells);
  }

  /**
   * 1 - (max - median) / (|max| + |median|): exactly 1 for a uniform map, near 0 for one sharp peak
   * over a low floor, and 1 - r/2 for a small ripple r. Median rather than mean, so one hot cell
   * cannot pull the reference up.
   */
  public static double flatness(float[] map) {
    if (map.length == 0) {
      throw new IllegalArgumentException("an empty map has no flatness");
    }
    double max = Double.NEGATIVE_INFINITY;
    for (float v : map) {
      max = Math.max(max, v);
    }
    double median = median(map);
    double scale = Math.abs(max) + Math.abs(median);
    return scale == 0 ? 1.0 : 1 - (max - median) / scale;
  }

  public static boolean isFlat(float[] map, double threshold) {
    return flatness(map) >= threshold;
  }

  static double median(float[] map) {
    float[] sorted = map.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * ((double) sorted[n / 2 - 1] + sorted[n / 2]);
  }

  private static void check(float[] map, int rows, int cols) {
    if (map.length != rows * cols) {
      throw new IllegalArgumentException(
          "map holds " + map.length + " values, " + rows + " x " + cols + " = " + rows * cols + " expected");
    }
    for (int i = 0; i < map.length; i++) {
      if (Float.isNaN(map[i])) {
        throw new IllegalArgumentException("map is NaN at row " + i / cols + ", col " + i % cols);
      }
    }
  }
}
