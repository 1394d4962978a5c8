package ai.avloc.simulator;

import java.util.Arrays;

/**
 * Where a source is over time, in the camera frame (metres): fixed, or keyframes interpolated
 * linearly in time.
 */
public sealed interface Trajectory permits Trajectory.Fixed, Trajectory.Keyframes {

  /** The source position {x, y, z} in metres at time t (seconds); a fresh array. */
  double[] positionAt(double t);

  /** Whether the position never changes. */
  boolean isStatic();

  /** A source that does not move. */
  record Fixed(double[] position) implements Trajectory {
    public Fixed {
      if (position == null || position.length != 3) {
        throw new IllegalArgumentException("a position needs three coordinates");
      }
      position = position.clone();
    }

    /** The fixed point at {@code distance} m in the direction (azimuth, elevation) in degrees. */
    public static Fixed ofDirection(double azimuthDeg, double elevationDeg, double distance) {
      return new Fixed(Directions.position(azimuthDeg, elevationDeg, distance));
    }

    @Override
    public double[] position() {
      return position.clone();
    }

    @Override
    public double[] positionAt(double t) {
      return position.clone();
    }

    @Override
    public boolean isStatic() {
      return true;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Fixed f && Arrays.equals(position, f.position);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(position);
    }

    @Override
    public String toString() {
      return "Fixed" + Arrays.toString(position);
    }
  }

  /**
   * Keyframes at strictly increasing times, interpolated linearly in time and held constant before
   * the first and after the last. Spherical keyframes (azimuth, elevation in degrees, distance in
   * m) are interpolated in those three numbers, so a source keeps its distance while it sweeps
   * across; azimuth is interpolated as given, with no wrap-around at ±180°. Cartesian keyframes (x,
   * y, z) are interpolated in x, y, z.
   *
   * @param times keyframe times in seconds
   * @param values per keyframe {azimuth, elevation, distance} if {@code spherical}, else {x, y, z}
   * @param spherical which form {@code values} has
   */
  record Keyframes(double[] times, double[][] values, boolean spherical) implements Trajectory {
    public Keyframes {
      if (times.length == 0 || times.length != values.length) {
        throw new IllegalArgumentException(
            "keyframes need at least one time and one value per time");
      }
      for (int i = 1; i < times.length; i++) {
        if (!(times[i] > times[i - 1])) {
          throw new IllegalArgumentException("keyframe times must increase strictly");
        }
      }
      times = times.clone();
      double[][] copy = new double[values.length][];
      for (int i = 0; i < values.length; i++) {
        if (values[i].length != 3) {
          throw new IllegalArgumentException("keyframe " + i + " needs three values");
        }
        copy[i] = values[i].clone();
      }
      values = copy;
    }

    @Override
    public double[] times() {
      return times.clone();
    }

    @Override
    public double[][] values() {
      double[][] copy = new double[values.length][];
      for (int i = 0; i < values.length; i++) {
        copy[i] = values[i].clone();
      }
      return copy;
    }

    @Override
    public double[] positionAt(double t) {
      double[] v = interpolate(t);
      return spherical ? Directions.position(v[0], v[1], v[2]) : v;
    }

    /** The keyframe values interpolated at t, in the keyframes' own form. */
    public double[] interpolate(double t) {
      int last = times.length - 1;
      if (!(t > times[0])) {
        return values[0].clone();
      }
      if (t >= times[last]) {
        return values[last].clone();
      }
      int i = Arrays.binarySearch(times, t);
      if (i >= 0) {
        return values[i].clone();
      }
      int hi = -i - 1;
      int lo = hi - 1;
      double w = (t - times[lo]) / (times[hi] - times[lo]);
      double[] out = new double[3];
      for (int c = 0; c < 3; c++) {
        out[c] = values[lo][c] + w * (values[hi][c] - values[lo][c]);
      }
      return out;
    }

    @Override
    public boolean isStatic() {
      for (double[] v : values) {
        if (!Arrays.equals(v, values[0])) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Keyframes k
          && spherical == k.spherical
          && Arrays.equals(times, k.times)
          && Arrays.deepEquals(values, k.values);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(times) + Arrays.deepHashCode(values) + (spherical ? 1 : 0);
    }

    @Override
    public String toString() {
      return "Keyframes["
          + times.length
          + (spherical ? " spherical" : " cartesian")
          + ", t "
          + times[0]
          + ".."
          + times[times.length - 1]
          + " s]";
    }
  }
}
