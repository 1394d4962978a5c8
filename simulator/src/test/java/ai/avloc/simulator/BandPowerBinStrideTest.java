package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.beamforming.BandPowerMapper;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.WindowClock;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The array path's coarser band sampling ({@link BandPowerMapper#ofBand} with a bin stride) keeps
 * the job's band-power map within a stated tolerance of the exact map (every bin of 500-5000 Hz),
 * window by window, on beamformed simulator scenes with the 128-mic array:
 *
 * <ul>
 *   <li>every cell within {@value #TONAL_TOLERANCE} of the exact map's peak for tonal sources (a
 *       drone's harmonics, tones; measured up to 0.008), within {@value #NOISE_TOLERANCE} where a
 *       broadband noise source dominates (measured up to 0.19): the two maps are then two estimates
 *       of one noise spectrum from different time weightings of the window, and the exact map
 *       itself changes by up to 0.31 of its peak from one window to the next of the same steady
 *       source;
 *   <li>the highest peak on the exact map's cell or a neighbour; with two sources, both peaks;
 *   <li>the same silence decision (flatness on the same side of the job's 0.8), flatness within
 *       {@value #FLATNESS_TOLERANCE} (measured up to 0.06; the exact map's own flatness changes by
 *       up to 0.07 from one window to the next).
 * </ul>
 *
 * <p>Measured over 10 seeds of each scene, 4 windows each, strides 2 and 4; stride 8 puts the
 * drone's map 3-21 % of its peak off, stride 16 moves a peak by 14 cells.
 */
class BandPowerBinStrideTest {
  static final double TONAL_TOLERANCE = 0.02;
  static final double NOISE_TOLERANCE = 0.25;
  static final double FLATNESS_TOLERANCE = 0.1;

  static final LookGrid GRID = LookGrid.cameraFov(65, 50, 36, 48);
  static final int WINDOWS = 4;
  static final int N = WindowClock.SAMPLES_PER_WINDOW;

  static final String NOISE =
      "{\"type\": \"noise\", \"low\": 500, \"high\": 5000, \"amplitude\": 0.3}";
  static final String DRONE =
      "{\"type\": \"harmonic\", \"f0\": 190, \"harmonics\": 16, \"amplitude\": 0.5,"
          + " \"rolloff\": 0.85}";

  /** Tones off the bins of both the window's and a sub-frame's spectrum. */
  static String tone(double hz) {
    return String.format(
        Locale.ROOT, "{\"type\": \"tone\", \"frequency\": %.1f, \"amplitude\": 0.3}", hz);
  }

  static String source(double azimuth, double elevation, String signal) {
    return String.format(
        Locale.ROOT,
        "{\"signal\": %s, \"direction\": {\"azimuth\": %.1f, \"elevation\": %.1f},"
            + " \"distance\": 10}",
        signal,
        azimuth,
        elevation);
  }

  static Simulation scene(String name, long seed) {
    String[] parts =
        switch (name) {
          case "noise source" -> new String[] {"", source(10, 5, NOISE)};
          case "drone" ->
              new String[] {
                "\"diffuseNoise\": {\"snrDb\": 25, \"planeWaves\": 64},", source(-20, 6, DRONE)
              };
          case "two tones" ->
              new String[] {"", source(-15, 0, tone(2006)) + "," + source(15, 8, tone(3001))};
          case "noise and drone" ->
              new String[] {
                "\"diffuseNoise\": {\"snrDb\": 20, \"planeWaves\": 64},",
                source(-10, 0, NOISE) + "," + source(12, 5, DRONE)
              };
          default -> throw new IllegalArgumentException(name);
        };
    String json =
        String.format(
            Locale.ROOT,
            "{\"sampleRate\": 12288, \"duration\": %.4f, \"seed\": %d, \"array\": \"dualcam128\","
                + " \"sensorNoise\": {\"snrDb\": 30}, %s \"sources\": [%s]}",
            (double) WINDOWS * N / WindowClock.SAMPLE_RATE,
            seed,
            parts[0],
            parts[1]);
    return SceneSimulator.render(Scene.parse(json, null));
  }

  static float[] maps(BeamSteering steering, float[][] channels, int stride) {
    try (BandPowerMapper mapper =
        BandPowerMapper.ofBand(steering, WindowClock.SAMPLE_RATE, N, 500, 5000, stride, WINDOWS)) {
      return mapper.maps(channels, N, 0, WINDOWS);
    }
  }

  static double cells(int a, int b) {
    return Math.hypot(a / GRID.cols() - b / GRID.cols(), a % GRID.cols() - b % GRID.cols());
  }

  static int cell(Peak p) {
    return p.row() * GRID.cols() + p.col();
  }

  @ParameterizedTest(name = "{0}, seed {1}")
  @CsvSource({
    "noise source, 3, 0.25",
    "noise source, 4, 0.25",
    "drone, 3, 0.02",
    "two tones, 3, 0.02",
    "noise and drone, 3, 0.25",
    "noise and drone, 4, 0.25"
  })
  void strideTwoAndFourKeepTheExactMapWithinTolerance(String name, long seed, double tolerance) {
    assertTrue(tolerance == TONAL_TOLERANCE || tolerance == NOISE_TOLERANCE);
    Simulation s = scene(name, seed);
    BeamSteering steering = BeamSteering.classic(s.scene().array(), GRID);
    float[][] channels = s.audio().channels();
    float[] exact = maps(steering, channels, 1);
    try (BandPowerMapper every =
        new BandPowerMapper(
            steering,
            WindowClock.SAMPLE_RATE,
            N,
            BeamformingMap.bins(WindowClock.SAMPLE_RATE, N, 500, 5000),
            WINDOWS)) {
      // stride 1 is the exact map, bit for bit
      assertEquals(
          java.util.Arrays.toString(every.maps(channels, N, 0, WINDOWS)),
          java.util.Arrays.toString(exact));
    }
    for (int stride : new int[] {2, 4}) {
      assertWithin(name, stride, tolerance, exact, maps(steering, channels, stride));
    }
  }

  static void assertWithin(
      String name, int stride, double tolerance, float[] exact, float[] coarse) {
    int d = GRID.size();
    for (int w = 0; w < WINDOWS; w++) {
      float[] e = java.util.Arrays.copyOfRange(exact, w * d, (w + 1) * d);
      float[] c = java.util.Arrays.copyOfRange(coarse, w * d, (w + 1) * d);
      String at = String.format(Locale.ROOT, "%s, stride %d, window %d: ", name, stride, w);
      float peak = 0;
      for (float v : e) {
        peak = Math.max(peak, v);
      }
      double worst = 0;
      for (int i = 0; i < d; i++) {
        worst = Math.max(worst, Math.abs(c[i] - e[i]) / peak);
      }
      assertTrue(
          worst <= tolerance,
          at + String.format(Locale.ROOT, "a cell differs by %.4f of the peak", worst));
      double fe = PeakFinder.flatness(e);
      double fc = PeakFinder.flatness(c);
      assertEquals(fe, fc, FLATNESS_TOLERANCE, at + "flatness");
      assertEquals(
          fe >= PeakFinder.DEFAULT_POWER_MAP_FLATNESS,
          fc >= PeakFinder.DEFAULT_POWER_MAP_FLATNESS,
          at + "silence decision, flatness " + fe + " exact, " + fc + " coarse");
      int sources = name.equals("two tones") || name.equals("noise and drone") ? 2 : 1;
      List<Peak> pe = PeakFinder.find(e, GRID.rows(), GRID.cols(), sources, 4);
      List<Peak> pc = PeakFinder.find(c, GRID.rows(), GRID.cols(), sources, 4);
      assertEquals(sources, pc.size(), at + "peaks " + pc);
      for (int k = 0; k < sources; k++) {
        assertTrue(
            cells(cell(pe.get(k)), cell(pc.get(k))) <= 1.5,
            at + "peak " + k + " at " + pc.get(k) + ", exact " + pe.get(k));
      }
    }
  }
}
