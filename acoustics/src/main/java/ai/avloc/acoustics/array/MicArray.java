package ai.avloc.acoustics.array;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The geometry of a microphone array: a name and one position per microphone.
 *
 * <p>Coordinate frame (see {@code acoustic-imaging.md}): the camera sits at the origin looking
 * along +z, x points to the right of the image, y down the image; positions are in metres. Planar
 * arrays lie in z = 0, centred on the camera, but the type does not insist on that, so measured,
 * slightly non-planar geometries can be read as they are.
 *
 * <p>Microphone indices are 0-based everywhere in this type (constructor messages, {@link
 * #position(int)}, {@link #nearestTo(double, double, double)}); they are the channel order of the
 * array's audio.
 *
 * <p>Instances are immutable: positions are copied in and out. Equality is by value (name and every
 * coordinate, compared bitwise as {@link Arrays#equals(double[], double[])} does; negative zeros
 * are stored as positive zeros so {@code -0.0} and {@code 0.0} give equal arrays), so a {@code
 * MicArray} can key caches of steering matrices. Two arrays with the same positions but different
 * names are not equal: a cache then computes twice, which is harmless, whereas ignoring a component
 * would break the record contract.
 *
 * @param name a non-blank label (file name, built-in name)
 * @param positions {@code positions[m] = {x, y, z}} in metres for microphone m
 */
public record MicArray(String name, double[][] positions) {

  /** Microphones closer than this (metres) are taken to be the same microphone listed twice. */
  public static final double COINCIDENCE_TOLERANCE_M = 1e-6;

  /**
   * Validates and copies the geometry.
   *
   * @throws IllegalArgumentException if the name is null or blank, there are no microphones, a row
   *     is null or does not hold exactly three coordinates, a coordinate is NaN or infinite, or two
   *     microphones lie closer than {@link #COINCIDENCE_TOLERANCE_M}; the message names the
   *     offending microphone indices
   */
  public MicArray {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("array name must not be null or blank");
    }
    if (positions == null || positions.length == 0) {
      throw new IllegalArgumentException("array '" + name + "': no microphones");
    }
    double[][] copy = new double[positions.length][];
    for (int m = 0; m < positions.length; m++) {
      double[] row = positions[m];
      if (row == null) {
        throw new IllegalArgumentException(
            "array '" + name + "': microphone " + m + " has no position (null)");
      }
      if (row.length != 3) {
        throw new IllegalArgumentException(
            "array '"
                + name
                + "': microphone "
                + m
                + " has "
                + row.length
                + " coordinates, expected 3 (x, y, z)");
      }
      for (int c = 0; c < 3; c++) {
        if (!Double.isFinite(row[c])) {
          throw new IllegalArgumentException(
              "array '"
                  + name
                  + "': microphone "
                  + m
                  + " has a non-finite "
                  + "xyz".charAt(c)
                  + " coordinate: "
                  + format(row));
        }
      }
      // Adding +0.0 turns -0.0 into +0.0 and leaves every other value unchanged, so equality is not
      // fooled
      // by the sign of zero.
      copy[m] = new double[] {row[0] + 0.0, row[1] + 0.0, row[2] + 0.0};
    }
    for (int a = 0; a < copy.length; a++) {
      for (int b = a + 1; b < copy.length; b++) {
        double d = distance(copy[a], copy[b]);
        if (d < COINCIDENCE_TOLERANCE_M) {
          throw new IllegalArgumentException(
              "array '"
                  + name
                  + "': microphones "
                  + a
                  + " and "
                  + b
                  + " coincide at "
                  + format(copy[a])
                  + " (distance "
                  + d
                  + " m < "
                  + COINCIDENCE_TOLERANCE_M
                  + " m; indices are 0-based)");
        }
      }
    }
    positions = copy;
  }

  /** A copy of all positions, {@code [m] = {x, y, z}}; changing it does not change this array. */
  @Override
  public double[][] positions() {
    double[][] copy = new double[positions.length][];
    for (int m = 0; m < positions.length; m++) {
      copy[m] = positions[m].clone();
    }
    return copy;
  }

  /** Number of microphones (at least 1). */
  public int size() {
    return positions.length;
  }

  /**
   * The position of microphone {@code m} as a fresh {@code {x, y, z}} array.
   *
   * @throws IndexOutOfBoundsException if {@code m} is not in {@code [0, size())}
   */
  public double[] position(int m) {
    Objects.checkIndex(m, positions.length);
    return positions[m].clone();
  }

  /** The mean position of the microphones, {@code {x, y, z}}. */
  public double[] centroid() {
    double sx = 0;
    double sy = 0;
    double sz = 0;
    for (double[] p : positions) {
      sx += p[0];
      sy += p[1];
      sz += p[2];
    }
    int n = positions.length;
    return new double[] {sx / n, sy / n, sz / n};
  }

  /** The largest distance between two microphones in metres; 0 for a single microphone. */
  public double aperture() {
    double max = 0;
    for (int a = 0; a < positions.length; a++) {
      for (int b = a + 1; b < positions.length; b++) {
        max = Math.max(max, distance(positions[a], positions[b]));
      }
    }
    return max;
  }

  /**
   * The smallest distance between two microphones in metres (above {@link #COINCIDENCE_TOLERANCE_M}
   * by construction); {@link Double#POSITIVE_INFINITY} for a single microphone, which has no pair.
   */
  public double minSpacing() {
    double min = Double.POSITIVE_INFINITY;
    for (int a = 0; a < positions.length; a++) {
      for (int b = a + 1; b < positions.length; b++) {
        min = Math.min(min, distance(positions[a], positions[b]));
      }
    }
    return min;
  }

  /**
   * The index of the microphone nearest to the point (x, y, z); on a tie, the lowest index. With
   * the centroid as argument this gives the default reference microphone of true-level steering.
   *
   * @throws IllegalArgumentException if a coordinate is NaN or infinite
   */
  public int nearestTo(double x, double y, double z) {
    if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
      throw new IllegalArgumentException(
          "nearestTo needs a finite point, got " + format(new double[] {x, y, z}));
    }
    double[] q = {x, y, z};
    int best = 0;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int m = 0; m < positions.length; m++) {
      double d = distance(positions[m], q);
      if (d < bestDistance) {
        bestDistance = d;
        best = m;
      }
    }
    return best;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MicArray other
        && name.equals(other.name)
        && Arrays.deepEquals(positions, other.positions);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.deepHashCode(positions);
  }

  /**
   * A summary (name, count, aperture), not the positions: a 128-microphone dump helps nobody in a
   * log line.
   */
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "MicArray[name=%s, size=%d, aperture=%.4f m]", name, size(), aperture());
  }

  private static double distance(double[] p, double[] q) {
    double dx = p[0] - q[0];
    double dy = p[1] - q[1];
    double dz = p[2] - q[2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  private static String format(double[] p) {
    return "(" + p[0] + ", " + p[1] + ", " + p[2] + ")";
  }
}
