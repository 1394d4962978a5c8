package ai.avloc.acoustics.beamforming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.FrameSpectrum;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.schemas.WindowClock;
import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;

/**
 * The frequency-domain beamformer against an independent time-domain filter-and-sum: each
 * microphone's continuous signal is evaluated at its steering delay, summed with its weight, and
 * only then windowed and transformed.
 */
class BeamformerTest {
  static final double C = 343;
  static final int N = WindowClock.SAMPLES_PER_WINDOW;
  static final double FS = WindowClock.SAMPLE_RATE;

  /** Tones on FFT bins (periodic in the frame), so time shifts of a frame are exact. */
  static final int[] TONE_BINS = {40, 100, 333};

  static final double[] AMPLITUDE = {3000, 1200, 700};
  static final double[] PHASE = {0.3, 1.9, -0.7};
  static final double[] SOURCE = {1.5, -0.8, 4.0};

  static MicArray array() {
    double[][] p = new double[16][];
    MicArray full = BuiltinArrays.byName("vogel64");
    for (int m = 0; m < 16; m++) {
      p[m] = full.position(4 * m);
    }
    return new MicArray("vogel16", p);
  }

  /**
   * Pressure at microphone position r and time t from a point source at SOURCE (spherical wave).
   */
  static double pressure(double[] r, double t) {
    double dist = dist(SOURCE, r);
    double v = 0;
    for (int i = 0; i < TONE_BINS.length; i++) {
      double f = TONE_BINS[i] * FS / N;
      v += AMPLITUDE[i] * Math.cos(2 * Math.PI * f * (t - dist / C) + PHASE[i]);
    }
    return v / dist;
  }

  static double dist(double[] a, double[] b) {
    return Math.sqrt(
        (a[0] - b[0]) * (a[0] - b[0])
            + (a[1] - b[1]) * (a[1] - b[1])
            + (a[2] - b[2]) * (a[2] - b[2]));
  }

  /** Power spectrum of sum_m g_m x_m(t + tau_m), the filter-and-sum output in the time domain. */
  static double[] timeDomainPower(MicArray array, double[] gain, double[] tau) {
    double[] y = new double[N];
    for (int n = 0; n < N; n++) {
      for (int m = 0; m < array.size(); m++) {
        y[n] += gain[m] * pressure(array.position(m), n / FS + tau[m]);
      }
    }
    double[] w = ai.avloc.acoustics.audio.TukeyWindow.symmetric(N, MfccSpec.TUKEY_ALPHA);
    for (int n = 0; n < N; n++) {
      y[n] *= w[n];
    }
    new DoubleFFT_1D(N).realForward(y);
    double[] p = new double[N / 2];
    for (int k = 1; k < N / 2; k++) {
      p[k] = y[2 * k] * y[2 * k] + y[2 * k + 1] * y[2 * k + 1];
    }
    return p;
  }

  /** Beamformer powers at the tone bins for one frame of the simulated field. */
  static float[][] beamformerPower(MicArray array, LookGrid grid, Steering steering) {
    int mics = array.size();
    float[][] channels = new float[mics][N];
    for (int m = 0; m < mics; m++) {
      for (int n = 0; n < N; n++) {
        channels[m][n] = (float) pressure(array.position(m), n / FS);
      }
    }
    FrameSpectrum spectrum = new FrameSpectrum();
    float[] full = new float[2 * (N / 2) * mics];
    for (int m = 0; m < mics; m++) {
      spectrum.complex(channels[m], 0, full, 2 * m, 2 * mics);
    }
    float[] selected = new float[2 * TONE_BINS.length * mics];
    for (int b = 0; b < TONE_BINS.length; b++) {
      System.arraycopy(full, TONE_BINS[b] * 2 * mics, selected, b * 2 * mics, 2 * mics);
    }
    float[][] out = new float[TONE_BINS.length][];
    try (Beamformer bf =
        new Beamformer(
            new BeamSteering(array, grid, steering, C, false, new double[3]), FS, N, 1)) {
      int[] index = {0};
      bf.beamPowers(
          selected, 1, TONE_BINS, (bin, power, frames) -> out[index[0]++] = power.clone());
    }
    return out;
  }

  void assertAgrees(MicArray array, LookGrid grid, Steering steering) {
    float[][] bf = beamformerPower(array, grid, steering);
    int mics = array.size();
    for (int b = 0; b < TONE_BINS.length; b++) {
      double[] td = new double[grid.size()];
      for (int d = 0; d < grid.size(); d++) {
        double[] q = grid.vector(d);
        double[] gain = new double[mics];
        double[] tau = new double[mics];
        double r0 = dist(q, new double[3]);
        double inverseSquares = 0;
        for (int m = 0; m < mics; m++) {
          inverseSquares += 1 / Math.pow(dist(q, array.position(m)), 2);
        }
        for (int m = 0; m < mics; m++) {
          double[] r = array.position(m);
          if (grid.farField()) {
            tau[m] = -(r[0] * q[0] + r[1] * q[1] + r[2] * q[2]) / C;
            gain[m] = 1.0 / mics;
          } else {
            double rm = dist(q, r);
            tau[m] = (rm - r0) / C;
            gain[m] = steering == Steering.CLASSIC ? 1.0 / mics : (1 / rm) / (r0 * inverseSquares);
          }
        }
        td[d] = timeDomainPower(array, gain, tau)[TONE_BINS[b]];
      }
      double peak = Arrays.stream(td).max().orElseThrow();
      for (int d = 0; d < grid.size(); d++) {
        assertEquals(
            td[d],
            bf[b][d],
            1e-4 * peak,
            "bin " + TONE_BINS[b] + " grid point " + d + " (" + grid + ")");
      }
    }
  }

  @Test
  void shouldAgreeWithTimeDomainDelayAndSumOverACameraFieldOfView() {
    assertAgrees(array(), LookGrid.cameraFov(65, 50, 9, 12), Steering.CLASSIC);
  }

  @Test
  void shouldAgreeWithTimeDomainFilterAndSumOnAFocusPlane() {
    LookGrid plane = LookGrid.focusPlane(-1, 2, 7, -1.5, 0.5, 5, 4.0);
    assertAgrees(array(), plane, Steering.CLASSIC);
    assertAgrees(array(), plane, Steering.TRUE_LEVEL);
  }

  @Test
  void shouldReproduceThePointSourceLevelAtItsFocusWithTrueLevelSteering() {
    // a grid point on the source: true-level steering gives the tone's amplitude at the reference
    // point (the origin), |Y| = (A / r0) * sum(window) / 2 for a bin-centred tone
    LookGrid onSource =
        LookGrid.focusPlane(SOURCE[0], SOURCE[0], 1, SOURCE[1], SOURCE[1], 1, SOURCE[2]);
    float[][] power = beamformerPower(array(), onSource, Steering.TRUE_LEVEL);
    double windowSum = Arrays.stream(ai.avloc.acoustics.audio.TukeyWindow.symmetric(N, 0.75)).sum();
    double r0 = dist(SOURCE, new double[3]);
    for (int b = 0; b < TONE_BINS.length; b++) {
      double expected = Math.pow(AMPLITUDE[b] / r0 * windowSum / 2, 2);
      assertEquals(expected, power[b][0], 1e-3 * expected, "bin " + TONE_BINS[b]);
    }
  }

  @Test
  void shouldRemoveMicrophoneSelfPowerWhenAskedAndNeverGoNegative() {
    MicArray array = array();
    LookGrid grid = LookGrid.cameraFov(65, 50, 6, 8);
    int mics = array.size();
    float[] spectra = new float[2 * mics];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < spectra.length; i++) {
      spectra[i] = (float) random.nextGaussian();
    }
    float[][] with = new float[1][];
    float[][] without = new float[1][];
    try (Beamformer full =
            new Beamformer(
                new BeamSteering(array, grid, Steering.CLASSIC, C, false, new double[3]),
                FS,
                N,
                1);
        Beamformer diagonalFree =
            new Beamformer(
                new BeamSteering(array, grid, Steering.CLASSIC, C, true, new double[3]),
                FS,
                N,
                1)) {
      full.beamPowers(spectra, 1, new int[] {50}, (bin, p, f) -> with[0] = p.clone());
      diagonalFree.beamPowers(spectra, 1, new int[] {50}, (bin, p, f) -> without[0] = p.clone());
    }
    double self = 0;
    for (int m = 0; m < mics; m++) {
      self +=
          (spectra[2 * m] * spectra[2 * m] + spectra[2 * m + 1] * spectra[2 * m + 1])
              / (double) (mics * mics);
    }
    for (int d = 0; d < grid.size(); d++) {
      assertTrue(without[0][d] >= 0, "negative power at " + d);
      double rescale = mics / (mics - 1.0);
      assertEquals(
          Math.max(0, (with[0][d] - self) * rescale), without[0][d], 1e-5 * with[0][d] + 1e-6);
    }
  }

  @Test
  void shouldRotateWeightsFromBinToBinAsExactlyAsComputingEachBinAfresh() {
    MicArray array = BuiltinArrays.byName("dualcam128");
    LookGrid grid = LookGrid.cameraFov(65, 50, 9, 12);
    int mics = array.size();
    int[] bins = java.util.stream.IntStream.rangeClosed(1, 300).toArray();
    java.util.Random random = new java.util.Random(11);
    float[] spectra = new float[2 * bins.length * mics];
    for (int i = 0; i < spectra.length; i++) {
      spectra[i] = (float) random.nextGaussian();
    }
    float[][] rotated = new float[bins.length][];
    float[][] fresh = new float[bins.length][];
    try (Beamformer bf =
        new Beamformer(
            new BeamSteering(array, grid, Steering.CLASSIC, C, false, new double[3]), FS, N, 1)) {
      bf.beamPowers(spectra, 1, bins, (bin, p, f) -> rotated[bin - 1] = p.clone());
      // one bin per call, highest first: every call computes its weights with sin/cos
      for (int b = bins.length - 1; b >= 0; b--) {
        int index = b;
        bf.beamPowers(
            spectra, 2 * b * mics, 1, new int[] {bins[b]}, (bin, p, f) -> fresh[index] = p.clone());
      }
    }
    for (int b = 0; b < bins.length; b++) {
      double peak = 0;
      for (float v : fresh[b]) {
        peak = Math.max(peak, v);
      }
      for (int d = 0; d < grid.size(); d++) {
        assertEquals(fresh[b][d], rotated[b][d], 1e-4 * peak, "bin " + bins[b] + " point " + d);
      }
    }
  }

  @Test
  void shouldKeepACoherentSourcesLevelWhenTheDiagonalIsRemoved() {
    // a plane wave on the steered direction: every microphone sees the same spectrum value
    MicArray array = array();
    int mics = array.size();
    LookGrid ahead = LookGrid.cameraFov(1, 1, 1, 1);
    float[] spectra = new float[2 * mics];
    for (int m = 0; m < mics; m++) {
      spectra[2 * m] = 3f;
      spectra[2 * m + 1] = -4f;
    }
    float[][] level = new float[2][];
    try (Beamformer full =
            new Beamformer(
                new BeamSteering(array, ahead, Steering.CLASSIC, C, false, new double[3]),
                FS,
                N,
                1);
        Beamformer diagonalFree =
            new Beamformer(
                new BeamSteering(array, ahead, Steering.CLASSIC, C, true, new double[3]),
                FS,
                N,
                1)) {
      full.beamPowers(spectra, 1, new int[] {0}, (bin, p, f) -> level[0] = p.clone());
      diagonalFree.beamPowers(spectra, 1, new int[] {0}, (bin, p, f) -> level[1] = p.clone());
    }
    assertEquals(25f, level[0][0], 1e-4f);
    assertEquals(25f, level[1][0], 1e-4f);
  }
}
