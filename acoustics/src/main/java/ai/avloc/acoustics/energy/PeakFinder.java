package ai.avloc.acoustics.energy;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the peaks of a map (an {@link EnergyMap} or a beamforming power map) and says how flat a
 * map is.
 *
 * <p>Maps are {@code float[]} in row-major order, {@code rows x cols} (36 x 48 for the camera
 * grid), row 0 at the top of the image. Everything here is scale-free: energy maps sit around
 * 0.03-0.042 and differ by parts per thousand, power maps differ by orders of magnitude, so heights
 * are always measured against the map's own median, never in absolute units.
 */
public final class PeakFinder {

  /**
   * {@link #flatness} at or above which a beamforming power map is taken to hold no source.
   *
   * <p>For a positive map flatness is {@code 2 / (1 + max / median)}, so 0.8 means a maximum less
   * than 1.5 x the median. Measured on simulated 0.5 s scenes, dualcam128 array, 1024-point frames,
   * classic steering, 36 x 48 camera grid (3 seeds each): microphone self-noise alone gives
   * 0.93-0.98 over a band (500-1000 or 500-5000 Hz), where every direction sees the same auto-power
   * and only the cross-term estimation noise ripples the map; a broadband noise source gives
   * 0.14-0.21 over 500-5000 Hz, a harmonic source 0.73, and even a source seen only over 500-1000
   * Hz, where the main lobe covers much of the view and lifts the median, stays at 0.69-0.78. 0.8
   * lies between the two groups. The simulator's diffuse background (64 plane waves) falls on both
   * sides, 0.64-0.71 over 500-5000 Hz and 0.83-0.87 over 500-1000 Hz, because the array partly
   * resolves its few dozen discrete arrivals. Maps of a single frequency bin ripple much more
   * (self-noise alone reaches 0.57-0.76 there), so callers using one bin should pass their own
   * threshold.
   *
   * <p>Not for energy maps: their maximum is about 1.002 x the median for a real source and 1.0006
   * x for a diffuse field (flatnesses 0.9990 and 0.9997), so energy callers pass their own
   * threshold to {@link #isFlat}.
   */
  public static final double DEFAULT_POWER_MAP_FLATNESS = 0.8;

  private PeakFinder() {}

  /**
   * The highest local maxima of a map, at least {@code minSeparationCells} apart; see {@link
   * #find(float[], int, int, int, double, double)}, here without a contrast filter.
   */
  public static List<Peak> find(
      float[] map, int rows, int cols, int maxPeaks, double minSeparationCells) {
    return find(map, rows, cols, maxPeaks, minSeparationCells, Double.NEGATIVE_INFINITY);
  }

  /**
   * The highest local maxima of a map.
   *
   * <p>A cell is a local maximum when it is at least as high as all its 8 neighbours (fewer at the
   * border) and higher than at least one. Equal neighbours form a plateau (8-connected cells of
   * exactly the same value), which is judged as a whole: it is one maximum when no cell bordering
   * it is higher and at least one is lower, and it is reported once, at its member cell nearest the
   * plateau's centroid (ties to the first in row-major order). A constant map therefore has no
   * peak, and a plateau on the flank of a higher cell (a shoulder) is none either.
   *
   * <p>Maxima are sorted by value, highest first (equal values in row-major order), those with a
   * contrast below {@code minContrast} are dropped, and then a greedy non-maximum suppression keeps
   * a maximum only when its Euclidean distance in cells to every maximum already kept is at least
   * {@code minSeparationCells}, until {@code maxPeaks} are kept.
   *
   * @param map row-major values, {@code rows * cols} of them, all finite
   * @param maxPeaks at most this many peaks are returned, at least 1
   * @param minSeparationCells smallest distance in cells between two peaks returned; 0 or 1 keeps
   *     every maximum
   * @param minContrast smallest {@link Peak#contrast()} kept, e.g. 0.1 for 10 % above the median;
   *     {@code Double.NEGATIVE_INFINITY} keeps all
   * @return the peaks, highest first; empty when the map has no local maximum
   * @throws IllegalArgumentException when the length is not {@code rows * cols}, a value is NaN or
   *     infinite (the message names its row and column), or a parameter is out of range
   */
  public static List<Peak> find(
      float[] map,
      int rows,
      int cols,
      int maxPeaks,
      double minSeparationCells,
      double minContrast) {
    checkMap(map, rows, cols);
    if (maxPeaks < 1) {
      throw new IllegalArgumentException("maxPeaks must be at least 1, got " + maxPeaks);
    }
    if (!(minSeparationCells >= 0) || Double.isInfinite(minSeparationCells)) {
      throw new IllegalArgumentException(
          "minSeparationCells must be finite and >= 0, got " + minSeparationCells);
    }
    if (Double.isNaN(minContrast)) {
      throw new IllegalArgumentException("minContrast is NaN");
    }
    double median = median(map);

    List<Integer> maxima = localMaxima(map, rows, cols);
    maxima.sort(
        (a, b) -> {
          int byValue = Float.compare(map[b], map[a]);
          return byValue != 0 ? byValue : Integer.compare(a, b);
        });

    List<Peak> peaks = new ArrayList<>();
    int[] keptRows = new int[maxPeaks];
    int[] keptCols = new int[maxPeaks];
    for (int cell : maxima) {
      if (peaks.size() == maxPeaks) {
        break;
      }
      double contrast = contrast(map[cell], median);
      if (contrast < minContrast) {
        continue;
      }
      int r = cell / cols;
      int c = cell % cols;
      boolean tooClose = false;
      for (int k = 0; k < peaks.size() && !tooClose; k++) {
        tooClose = Math.hypot(r - keptRows[k], c - keptCols[k]) < minSeparationCells;
      }
      if (tooClose) {
        continue;
      }
      keptRows[peaks.size()] = r;
      keptCols[peaks.size()] = c;
      peaks.add(
          new Peak(
              r,
              c,
              (c + 0.5) / cols,
              (r + 0.5) / rows,
              map[cell],
              contrast,
              halfHeightRegion(map, rows, cols, cell, median)));
    }
    return peaks;
  }

  /**
   * How flat a map is, in [0, 1]: {@code 1 - (max - median) / (|max| + |median|)}.
   *
   * <p>Why this form: it compares the highest value with the map's typical level (the median, which
   * one hot cell or a compact source cannot move, unlike the mean), and it divides by the map's own
   * magnitude, so scaling the map changes nothing. For a positive map it is {@code 2 / (1 + ρ)}
   * with {@code ρ = max / median}: exactly 1 for a uniform map, {@code 1 - r/2} for a small ripple
   * r (so a 1 % ripple gives about 0.9975 and the parts-per-thousand contrast of energy maps stays
   * resolvable just below 1), 2/11 ≈ 0.18 for a spike 10 x the floor, and towards 0 for a sharper
   * one. Unlike a ratio of geometric to arithmetic mean it needs no epsilon and no positive values:
   * since {@code max - median <= |max| + |median|} it stays in [0, 1] for any sign (e.g. maps in
   * dB).
   *
   * @param map any non-empty map of finite values
   * @return 1.0 exactly when the maximum equals the median (in particular for a constant map)
   */
  public static double flatness(float[] map) {
    if (map.length == 0) {
      throw new IllegalArgumentException("an empty map has no flatness");
    }
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < map.length; i++) {
      checkFinite(map[i], i, -1);
      max = Math.max(max, map[i]);
    }
    double median = median(map);
    double rise = max - median;
    if (rise <= 0) {
      return 1.0;
    }
    double f = 1 - rise / (Math.abs(max) + Math.abs(median));
    return Math.min(1.0, Math.max(0.0, f));
  }

  /**
   * Whether {@link #flatness} reaches {@code threshold}; {@link #DEFAULT_POWER_MAP_FLATNESS} suits
   * beamforming power maps, energy maps need a threshold much closer to 1 (see there).
   */
  public static boolean isFlat(float[] map, double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("flatness threshold is NaN");
    }
    return flatness(map) >= threshold;
  }

  /**
   * The median of the map's values (the mean of the two middle ones for an even count), by
   * selection rather than a sort: the job takes it twice for every window it publishes.
   */
  static double median(float[] map) {
    float[] values = map.clone();
    int half = values.length / 2;
    float upper = select(values, half);
    if (values.length % 2 == 1) {
      return upper;
    }
    // select leaves every value below index half at most the half-th smallest
    float lower = values[0];
    for (int i = 1; i < half; i++) {
      lower = Math.max(lower, values[i]);
    }
    return ((double) lower + (double) upper) / 2;
  }

  /**
   * The k-th smallest value (0-based), found by partitioning in place (Hoare, middle-of-three
   * pivot); runs of equal values split evenly, so a flat map costs no more than any other.
   */
  static float select(float[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (hi > lo) {
      float x = a[lo];
      float y = a[(lo + hi) >>> 1];
      float z = a[hi];
      float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i++] = a[j];
          a[j--] = t;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  /** (value - median) / |median|, 0 when they are equal, ±infinity when only the median is 0. */
  static double contrast(double value, double median) {
    double rise = value - median;
    if (rise == 0) {
      return 0;
    }
    return rise / Math.abs(median);
  }

  /** One cell index per local maximum (plateaus counted once), in row-major order of discovery. */
  private static List<Integer> localMaxima(float[] map, int rows, int cols) {
    List<Integer> found = new ArrayList<>();
    boolean[] seen = new boolean[map.length];
    int[] plateau = new int[map.length];
    for (int start = 0; start < map.length; start++) {
      if (seen[start] || hasHigherNeighbour(map, rows, cols, start)) {
        continue;
      }
      // grow the plateau of cells equal to start, noting what borders it
      float level = map[start];
      int size = 0;
      plateau[size++] = start;
      seen[start] = true;
      boolean higherBorder = false;
      boolean lowerBorder = false;
      for (int k = 0; k < size; k++) {
        int cell = plateau[k];
        int r = cell / cols;
        int c = cell % cols;
        for (int rr = Math.max(0, r - 1); rr <= Math.min(rows - 1, r + 1); rr++) {
          for (int cc = Math.max(0, c - 1); cc <= Math.min(cols - 1, c + 1); cc++) {
            int n = rr * cols + cc;
            if (map[n] > level) {
              higherBorder = true;
            } else if (map[n] < level) {
              lowerBorder = true;
            } else if (!seen[n]) {
              seen[n] = true;
              plateau[size++] = n;
            }
          }
        }
      }
      if (!higherBorder && lowerBorder) {
        found.add(centralCell(plateau, size, cols));
      }
    }
    return found;
  }

  private static boolean hasHigherNeighbour(float[] map, int rows, int cols, int cell) {
    int r = cell / cols;
    int c = cell % cols;
    for (int rr = Math.max(0, r - 1); rr <= Math.min(rows - 1, r + 1); rr++) {
      for (int cc = Math.max(0, c - 1); cc <= Math.min(cols - 1, c + 1); cc++) {
        if (map[rr * cols + cc] > map[cell]) {
          return true;
        }
      }
    }
    return false;
  }

  /** The member of a plateau nearest its centroid, ties to the lowest (row-major) index. */
  private static int centralCell(int[] plateau, int size, int cols) {
    if (size == 1) {
      return plateau[0];
    }
    double rowSum = 0;
    double colSum = 0;
    for (int k = 0; k < size; k++) {
      rowSum += plateau[k] / cols;
      colSum += plateau[k] % cols;
    }
    double rowMean = rowSum / size;
    double colMean = colSum / size;
    int best = -1;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int k = 0; k < size; k++) {
      int cell = plateau[k];
      double dr = cell / cols - rowMean;
      double dc = cell % cols - colMean;
      double d = dr * dr + dc * dc;
      if (d < bestDistance || (d == bestDistance && cell < best)) {
        best = cell;
        bestDistance = d;
      }
    }
    return best;
  }

  /** The 4-connected cells around the peak at or above half its height over the median. */
  private static Peak.Region halfHeightRegion(
      float[] map, int rows, int cols, int peak, double median) {
    double level = median + 0.5 * (map[peak] - median);
    boolean[] in = new boolean[map.length];
    int[] queue = new int[map.length];
    int size = 0;
    queue[size++] = peak;
    in[peak] = true;
    int rowMin = rows;
    int rowMax = -1;
    int colMin = cols;
    int colMax = -1;
    for (int k = 0; k < size; k++) {
      int cell = queue[k];
      int r = cell / cols;
      int c = cell % cols;
      rowMin = Math.min(rowMin, r);
      rowMax = Math.max(rowMax, r);
      colMin = Math.min(colMin, c);
      colMax = Math.max(colMax, c);
      int[] neighbours = {
        r > 0 ? cell - cols : -1,
        r < rows - 1 ? cell + cols : -1,
        c > 0 ? cell - 1 : -1,
        c < cols - 1 ? cell + 1 : -1
      };
      for (int n : neighbours) {
        if (n >= 0 && !in[n] && map[n] >= level) {
          in[n] = true;
          queue[size++] = n;
        }
      }
    }
    return new Peak.Region(
        rowMin,
        colMin,
        rowMax,
        colMax,
        (double) colMin / cols,
        (double) rowMin / rows,
        (double) (colMax + 1) / cols,
        (double) (rowMax + 1) / rows,
        size);
  }

  private static void checkMap(float[] map, int rows, int cols) {
    if (map == null) {
      throw new IllegalArgumentException("map is null");
    }
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(
          "a map needs at least 1 row and 1 column, got " + rows + " x " + cols);
    }
    if ((long) rows * cols != map.length) {
      throw new IllegalArgumentException(
          "map has "
              + map.length
              + " values but "
              + rows
              + " x "
              + cols
              + " = "
              + (long) rows * cols
              + " were expected");
    }
    for (int i = 0; i < map.length; i++) {
      checkFinite(map[i], i, cols);
    }
  }

  /**
   * The first cell of a map that is NaN or infinite, or -1 when every value is finite: lets a
   * caller that must not throw (a streaming job) set such a map aside before {@link #find} or
   * {@link #flatness}, which reject it.
   */
  public static int firstNonFinite(float[] map) {
    for (int i = 0; i < map.length; i++) {
      if (!Float.isFinite(map[i])) {
        return i;
      }
    }
    return -1;
  }

  /** Rejects NaN and infinite values, naming the row and column when {@code cols > 0}. */
  private static void checkFinite(float value, int index, int cols) {
    if (Float.isFinite(value)) {
      return;
    }
    String where = cols > 0 ? "row " + index / cols + ", col " + index % cols : "index " + index;
    throw new IllegalArgumentException("map value at " + where + " is " + value);
  }
}
