package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.array.MicArray;

/**
 * Frequency-independent part of the steering: for grid point d and microphone m, the beam output is
 * Y_d(f) = sum_m g_dm exp(+j 2 pi f tau_dm) X_m(f). Every formulation here has that shape (an
 * amplitude that does not depend on f, a phase linear in f), which lets the beamformer build each
 * bin's weights by rotating the previous bin's instead of storing a matrix per bin.
 */
final class SteeringModel {
  final int directions;
  final int mics;

  /** g[d * mics + m]. */
  final double[] gain;

  /** tau[d * mics + m], seconds. */
  final double[] delay;

  SteeringModel(BeamSteering s) {
    MicArray array = s.array();
    LookGrid grid = s.grid();
    Steering steering = s.steering();
    double speedOfSound = s.speedOfSound();
    double[] reference = s.reference();
    this.directions = grid.size();
    this.mics = array.size();
    this.gain = new double[directions * mics];
    this.delay = new double[directions * mics];
    double[][] r = new double[mics][];
    for (int m = 0; m < mics; m++) {
      r[m] = array.position(m);
    }
    double[][] v = grid.vectors();
    for (int d = 0; d < directions; d++) {
      double[] q = v[d];
      int row = d * mics;
      if (grid.farField()) {
        // plane wave from direction q reaches microphone m earlier by ((r_m - ref) . q) / c
        for (int m = 0; m < mics; m++) {
          double proj =
              (r[m][0] - reference[0]) * q[0]
                  + (r[m][1] - reference[1]) * q[1]
                  + (r[m][2] - reference[2]) * q[2];
          delay[row + m] = -proj / speedOfSound;
          gain[row + m] = 1.0 / mics;
        }
      } else {
        double r0 = distance(q, reference);
        double inverseSquares = 0;
        double[] rm = new double[mics];
        for (int m = 0; m < mics; m++) {
          rm[m] = distance(q, r[m]);
          inverseSquares += 1 / (rm[m] * rm[m]);
        }
        for (int m = 0; m < mics; m++) {
          delay[row + m] = (rm[m] - r0) / speedOfSound;
          gain[row + m] =
              steering == Steering.CLASSIC ? 1.0 / mics : (1 / rm[m]) / (r0 * inverseSquares);
        }
      }
    }
  }

  /**
   * Whether direction {@code directions - 1 - d} is direction d mirrored through the array's centre
   * for every d: same gains, opposite delays, so its weights are the complex conjugates of d's at
   * every frequency. Holds for a camera field of view (a grid symmetric about its centre) steered
   * in the far field by a planar array with the reference in its plane, which is what the job and
   * the acoustic images use.
   */
  boolean mirrorsThroughCentre() {
    double largest = 0;
    for (double t : delay) {
      largest = Math.max(largest, Math.abs(t));
    }
    // the grid's own rounding leaves ~1e-16 of the delays; a real asymmetry is many orders more
    double tolerance = 1e-12 * largest;
    for (int d = 0; d < directions / 2; d++) {
      int row = d * mics;
      int mirror = (directions - 1 - d) * mics;
      for (int m = 0; m < mics; m++) {
        if (gain[row + m] != gain[mirror + m]
            || Math.abs(delay[row + m] + delay[mirror + m]) > tolerance) {
          return false;
        }
      }
    }
    return directions > 1;
  }

  private static double distance(double[] a, double[] b) {
    double dx = a[0] - b[0];
    double dy = a[1] - b[1];
    double dz = a[2] - b[2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
}
