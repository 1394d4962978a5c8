package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.Air;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.beamforming.AcousticImager;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.FunctionalBeamforming;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.beamforming.Steering;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.WindowClock;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Simulated point sources recorded by the 128-mic array land in the right cell of the 36x48 grid
 * over the whole field of view, and two sources 15 degrees apart are resolved.
 */
class ArrayLocalizationTest {
  static final LookGrid GRID = LookGrid.cameraFov(65, 50);

  static String sourceJson(double[] direction, String signal, double distance) {
    return String.format(
        Locale.ROOT,
        "{\"signal\": %s, \"direction\": {\"azimuth\": %.6f, \"elevation\": %.6f}, \"distance\": %.1f}",
        signal,
        Directions.azimuthDeg(direction),
        Directions.elevationDeg(direction),
        distance);
  }

  static Simulation simulate(double seconds, double snrDb, long seed, String... sources) {
    String json =
        String.format(
            Locale.ROOT,
            "{\"sampleRate\": 12288, \"duration\": %.3f, \"seed\": %d, \"array\": \"dualcam128\","
                + " \"sensorNoise\": {\"snrDb\": %.1f}, \"sources\": [%s]}",
            seconds,
            seed,
            snrDb,
            String.join(",", sources));
    return SceneSimulator.render(Scene.parse(json, null));
  }

  static float[][] pascalsToPcm16(Simulation s) {
    float[][] c = s.audio().channels();
    float[][] out = new float[c.length][];
    for (int m = 0; m < c.length; m++) {
      out[m] = c[m].clone();
      for (int i = 0; i < out[m].length; i++) {
        out[m][i] *= MfccSpec.PCM16_SCALE;
      }
    }
    return out;
  }

  static double cellDistance(int a, int b) {
    return Math.hypot(a / GRID.cols() - b / GRID.cols(), a % GRID.cols() - b % GRID.cols());
  }

  static int argmax(float[] map) {
    int best = 0;
    for (int i = 1; i < map.length; i++) {
      if (map[i] > map[best]) {
        best = i;
      }
    }
    return best;
  }

  @ParameterizedTest(name = "cell ({0}, {1}) at {2} dB SNR")
  @CsvSource({
    "3, 4, 20",
    "3, 24, 20",
    "3, 43, 20",
    "18, 4, 20",
    "18, 24, 20",
    "18, 43, 20",
    "32, 4, 20",
    "32, 24, 20",
    "32, 43, 20",
    "3, 4, 0",
    "10, 35, 0",
    "18, 24, 0",
    "26, 12, 0",
    "32, 43, 0"
  })
  void shouldPutTheBeamformingPeakOnTheSourceCell(int row, int col, double snrDb) {
    int cell = row * GRID.cols() + col;
    Simulation s =
        simulate(
            0.5,
            snrDb,
            7L * row + col,
            sourceJson(
                GRID.vector(cell),
                "{\"type\": \"noise\", \"low\": 500, \"high\": 5000, \"amplitude\": 0.3}",
                30));
    int[] bins = BeamformingMap.bins(WindowClock.SAMPLE_RATE, 1024, 500, 5000);
    float[] map = classicMap(s, bins);
    int found = argmax(map);
    assertTrue(
        cellDistance(found, cell) <= 1.0,
        "found cell ("
            + found / 48
            + ", "
            + found % 48
            + ") for a source at ("
            + row
            + ", "
            + col
            + ")");
  }

  @ParameterizedTest(name = "cell ({0}, {1})")
  @CsvSource({"8, 10", "18, 24", "28, 38"})
  void shouldPutTheEnergyMaximumOfTheAcousticImageOnABroadbandSource(int row, int col) {
    int cell = row * GRID.cols() + col;
    Simulation s =
        simulate(
            0.5,
            20,
            11L * row + col,
            sourceJson(
                GRID.vector(cell),
                "{\"type\": \"noise\", \"low\": 200, \"high\": 6000, \"amplitude\": 0.3}",
                30));
    float[] images;
    try (AcousticImager imager =
        new AcousticImager(BeamSteering.classic(s.scene().array(), GRID), 6)) {
      images = imager.images(pascalsToPcm16(s), 0, 6);
    }
    float[] energy = EnergyMap.of(images);
    int pixels = GRID.size();
    for (int f = 0; f < 6; f++) {
      float[] frame = java.util.Arrays.copyOfRange(energy, f * pixels, (f + 1) * pixels);
      int found = argmax(frame);
      assertTrue(
          cellDistance(found, cell) <= 1.0,
          "frame "
              + f
              + ": energy maximum at ("
              + found / 48
              + ", "
              + found % 48
              + "), source at ("
              + row
              + ", "
              + col
              + ")");
    }
  }

  static final double[] LEFT = Directions.unitVector(-7.5, 0);
  static final double[] RIGHT = Directions.unitVector(7.5, 0);

  /** Two uncorrelated 1-6 kHz noise sources at azimuth -7.5 and +7.5 degrees, 30 m away, 1 s. */
  static Simulation twoSourcesFifteenDegreesApart() {
    String noise = "{\"type\": \"noise\", \"low\": 1000, \"high\": 6000, \"amplitude\": 0.3}";
    return simulate(1.0, 20, 5, sourceJson(LEFT, noise, 30), sourceJson(RIGHT, noise, 30));
  }

  /** Delay-and-sum map of a simulation at the given bins, 1024-sample Hann blocks at 12288 Hz. */
  static float[] classicMap(Simulation s, int[] bins) {
    return BeamformingMap.compute(
        new BeamSteering(
            s.scene().array(), GRID, Steering.CLASSIC, Air.SPEED_OF_SOUND, false, new double[3]),
        s.audio().channels(),
        WindowClock.SAMPLE_RATE,
        1024,
        bins);
  }

  /** Each of the two sources has a peak within 1.5 cells. */
  static void assertPeaksOnBothSources(List<Peak> peaks, double hz) {
    for (int truth : new int[] {GRID.nearestIndex(LEFT), GRID.nearestIndex(RIGHT)}) {
      assertTrue(
          peaks.stream().anyMatch(p -> cellDistance(p.row() * GRID.cols() + p.col(), truth) <= 1.5),
          String.format(
              Locale.ROOT,
              "no peak within 1.5 cells of (%d, %d) at %.0f Hz: %s",
              truth / 48,
              truth % 48,
              hz,
              peaks));
    }
  }

  @ParameterizedTest(name = "{0} Hz")
  @CsvSource({"3000", "4000", "5000"})
  void shouldResolveTwoSourcesFifteenDegreesApart(double hz) {
    Simulation s = twoSourcesFifteenDegreesApart();
    int[] bins = BeamformingMap.bins(WindowClock.SAMPLE_RATE, 1024, hz, Double.NaN);
    float[] map = classicMap(s, bins);
    List<Peak> peaks = PeakFinder.find(map, GRID.rows(), GRID.cols(), 2, 3);
    assertEquals(2, peaks.size(), "peaks " + peaks);
    assertPeaksOnBothSources(peaks, hz);
    // both are real sources, not a main lobe and its side lobe: similar heights
    assertTrue(peaks.get(1).value() > 0.5 * peaks.get(0).value(), "peaks " + peaks);
  }

  @ParameterizedTest(name = "nu = {0} at 2000 Hz")
  @CsvSource({"20", "50"})
  void shouldResolveTwoSourcesFifteenDegreesApartBelowTheRayleighWidthWithFunctionalBeamforming(
      double nu) {
    // at 2 kHz a 50 cm aperture's classic main lobe is about 24 degrees wide: one merged peak
    Simulation s = twoSourcesFifteenDegreesApart();
    int[] bins = BeamformingMap.bins(WindowClock.SAMPLE_RATE, 1024, 2000, Double.NaN);
    float[] classic = classicMap(s, bins);
    float[] functional =
        FunctionalBeamforming.map(
            new BeamSteering(
                s.scene().array(),
                GRID,
                Steering.CLASSIC,
                Air.SPEED_OF_SOUND,
                false,
                new double[3]),
            s.audio().channels(),
            WindowClock.SAMPLE_RATE,
            1024,
            bins,
            nu);
    assertEquals(
        1,
        PeakFinder.find(classic, GRID.rows(), GRID.cols(), 2, 3, 0.5).size(),
        "classic beamforming should merge the two sources at 2 kHz");
    List<Peak> peaks = PeakFinder.find(functional, GRID.rows(), GRID.cols(), 2, 3);
    assertEquals(2, peaks.size(), "peaks " + peaks);
    assertPeaksOnBothSources(peaks, 2000);
    assertTrue(peaks.get(1).value() > 0.5 * peaks.get(0).value(), "peaks " + peaks);
  }

  @ParameterizedTest(name = "{0} steering")
  @CsvSource({"CLASSIC", "TRUE_LEVEL"})
  void shouldReduceFunctionalBeamformingWithExponentOneToTheClassicMap(Steering steering) {
    Simulation s =
        simulate(
            0.5,
            10,
            9,
            sourceJson(
                GRID.vector(20 * 48 + 30),
                "{\"type\": \"noise\", \"low\": 500, \"high\": 5000, \"amplitude\": 0.3}",
                5));
    int[] bins = BeamformingMap.bins(WindowClock.SAMPLE_RATE, 1024, 1500, 1600);
    float[] classic =
        BeamformingMap.compute(
            new BeamSteering(
                s.scene().array(), GRID, steering, Air.SPEED_OF_SOUND, false, new double[3]),
            s.audio().channels(),
            WindowClock.SAMPLE_RATE,
            1024,
            bins);
    float[] functional =
        FunctionalBeamforming.map(
            new BeamSteering(
                s.scene().array(), GRID, steering, Air.SPEED_OF_SOUND, false, new double[3]),
            s.audio().channels(),
            WindowClock.SAMPLE_RATE,
            1024,
            bins,
            1);
    double peak = 0;
    for (float v : classic) {
      peak = Math.max(peak, v);
    }
    for (int i = 0; i < classic.length; i++) {
      assertEquals(classic[i], functional[i], 1e-4 * peak, "grid point " + i);
    }
  }
}
