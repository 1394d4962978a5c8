package ai.avloc.simulator;

import java.util.Objects;

/**
 * One sound source of a scene.
 *
 * @param name a label unique enough for logs ({@code "drone"}, {@code "source0"})
 * @param label the class of the sound ({@code "drone"}, {@code "speech"}); the JSON key is {@code
 *     "class"}
 * @param signal what it emits, in Pa at 1 m
 * @param trajectory where it is over time
 */
public record SoundSource(String name, String label, SourceSignal signal, Trajectory trajectory) {

  public SoundSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(trajectory, "trajectory");
  }

  /** Position {x, y, z} in metres at time t (seconds). */
  public double[] positionAt(double t) {
    return trajectory.positionAt(t);
  }

  /** Unit vector from the origin (camera and array centre) toward the source at time t. */
  public double[] directionAt(double t) {
    return Directions.normalize(positionAt(t));
  }

  /** Azimuth in degrees at time t (positive to the right of the image). */
  public double azimuthAt(double t) {
    return Directions.azimuthDeg(positionAt(t));
  }

  /** Elevation in degrees at time t (positive up in the image). */
  public double elevationAt(double t) {
    return Directions.elevationDeg(positionAt(t));
  }

  /** Distance in metres from the origin at time t. */
  public double distanceAt(double t) {
    double[] p = positionAt(t);
    return Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
  }
}
