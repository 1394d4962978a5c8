package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.array.Air;
import ai.avloc.acoustics.array.MicArray;
import java.util.Objects;

/**
 * How an array is steered over a look grid: everything a beamformer fixes before it sees a sample.
 * Every map here (band power, functional, acoustic images) starts from one.
 *
 * @param steering the steering vector formulation
 * @param speedOfSound m/s
 * @param removeDiagonal leave each microphone's own power out of the cross-spectral matrix
 * @param reference point whose level true-level steering reproduces, and the phase origin (x, y, z
 *     in metres, array coordinates)
 */
public record BeamSteering(
    MicArray array,
    LookGrid grid,
    Steering steering,
    double speedOfSound,
    boolean removeDiagonal,
    double[] reference) {

  public BeamSteering {
    Objects.requireNonNull(array, "array");
    Objects.requireNonNull(grid, "grid");
    Objects.requireNonNull(steering, "steering");
    if (!(speedOfSound > 0) || !Double.isFinite(speedOfSound)) {
      throw new IllegalArgumentException("speed of sound must be positive, got " + speedOfSound);
    }
    if (reference == null || reference.length != 3) {
      throw new IllegalArgumentException("reference must be a point x, y, z");
    }
    reference = reference.clone();
  }

  /**
   * Delay-and-sum at the speed of sound in air, the array centre as reference, the full
   * cross-spectral matrix: what the job and the demos map with.
   */
  public static BeamSteering classic(MicArray array, LookGrid grid) {
    return new BeamSteering(
        array, grid, Steering.CLASSIC, Air.SPEED_OF_SOUND, false, new double[3]);
  }

  /** The same steering at another speed of sound (a scene's own). */
  public BeamSteering withSpeedOfSound(double metresPerSecond) {
    return new BeamSteering(array, grid, steering, metresPerSecond, removeDiagonal, reference);
  }

  @Override
  public double[] reference() {
    return reference.clone();
  }

  /**
   * The delays the beamformers steer with: Y_d(f) = sum_m g_dm exp(+j 2 pi f tau_dm) X_m(f), tau at
   * {@code [d * mics + m]} in seconds, for implementations outside this package (a TensorFlow
   * graph) that must compute the same weights.
   */
  public double[] delays() {
    return new SteeringModel(this).delay;
  }

  /** The gains g_dm of {@link #delays()}, at {@code [d * mics + m]}. */
  public double[] gains() {
    return new SteeringModel(this).gain;
  }

  /**
   * Whether direction D-1-d has the conjugate weights of d for every d (a camera's view steered in
   * the far field by a planar array), so a beamformer may multiply half the directions.
   */
  public boolean mirrorsThroughCentre() {
    return new SteeringModel(this).mirrorsThroughCentre();
  }
}
