package ai.avloc.simulator;

/**
 * The direction convention of scene files, in the camera frame of {@code acoustic-imaging.md}:
 * camera at the origin looking along +z, x to the right of the image, y down the image.
 *
 * <ul>
 *   <li>azimuth (degrees) = atan2(x, z): 0 straight ahead, positive to the right of the image;
 *   <li>elevation (degrees) = atan2(−y, √(x² + z²)): 0 on the horizon, positive up in the image (so
 *       toward −y);
 *   <li>unit vector = (cos el · sin az, −sin el, cos el · cos az).
 * </ul>
 */
public final class Directions {

  private Directions() {}

  /** The unit vector {x, y, z} for an azimuth and elevation in degrees. */
  public static double[] unitVector(double azimuthDeg, double elevationDeg) {
    double az = Math.toRadians(azimuthDeg);
    double el = Math.toRadians(elevationDeg);
    double cosEl = Math.cos(el);
    return new double[] {cosEl * Math.sin(az), -Math.sin(el), cosEl * Math.cos(az)};
  }

  /** The point at {@code distance} metres from the origin in the given direction (degrees). */
  public static double[] position(double azimuthDeg, double elevationDeg, double distance) {
    double[] u = unitVector(azimuthDeg, elevationDeg);
    return new double[] {distance * u[0], distance * u[1], distance * u[2]};
  }

  /** Azimuth in degrees of a vector (need not be unit length), in (−180, 180]. */
  public static double azimuthDeg(double[] v) {
    return Math.toDegrees(Math.atan2(v[0], v[2]));
  }

  /** Elevation in degrees of a vector (need not be unit length), in [−90, 90]. */
  public static double elevationDeg(double[] v) {
    return Math.toDegrees(Math.atan2(-v[1], Math.hypot(v[0], v[2])));
  }

  /**
   * The vector scaled to unit length.
   *
   * @throws IllegalArgumentException for the zero vector, which has no direction
   */
  public static double[] normalize(double[] v) {
    double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (!(norm > 0)) {
      throw new IllegalArgumentException("the origin has no direction");
    }
    return new double[] {v[0] / norm, v[1] / norm, v[2] / norm};
  }
}
