package ai.avloc.serving.beamforming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.beamforming.AcousticImager;
import ai.avloc.acoustics.beamforming.BandPowerMapper;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.schemas.WindowClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The beamforming graph, exported and run on the CPU through DJL, against the Java sgemm
 * implementation on the same windows: the graph a GPU would run, checked number for number.
 */
class BeamformingGraphTest {
  static final MicArray ARRAY = BuiltinArrays.dualcam128();
  static final LookGrid GRID = LookGrid.cameraFov(65, 50, 36, 48);
  static final BeamSteering STEERING = BeamSteering.classic(ARRAY, GRID);
  static final int N = WindowClock.SAMPLES_PER_WINDOW;
  static final int WINDOWS = 3;

  /** Row 9, column 34: off centre in both axes, so a mirrored or flipped map misses it. */
  static final int SOURCE = 9 * 48 + 34;

  @TempDir Path cache;

  /**
   * Three windows of a plane wave from {@link #SOURCE} (tones at 700, 1500 and 3100 Hz, PCM16
   * scale) over independent noise 40 dB down at each microphone.
   */
  static float[][] planeWave() {
    double[] q = GRID.vector(SOURCE);
    double[] hz = {700, 1500, 3100};
    double[] amplitude = {3000, 2000, 1500};
    SplittableRandom random = new SplittableRandom(5);
    float[][] channels = new float[ARRAY.size()][WINDOWS * N];
    for (int m = 0; m < ARRAY.size(); m++) {
      double[] r = ARRAY.position(m);
      double lead = (r[0] * q[0] + r[1] * q[1] + r[2] * q[2]) / STEERING.speedOfSound();
      for (int i = 0; i < WINDOWS * N; i++) {
        double t = i / (double) WindowClock.SAMPLE_RATE + lead;
        double v = 30 * random.nextGaussian();
        for (int k = 0; k < hz.length; k++) {
          v += amplitude[k] * Math.cos(2 * Math.PI * hz[k] * t + k);
        }
        channels[m][i] = (float) v;
      }
    }
    return channels;
  }

  /** The windows as the graph takes them: [window, mic, sample]. */
  static float[] batch(float[][] channels) {
    float[] samples = new float[WINDOWS * ARRAY.size() * N];
    for (int w = 0; w < WINDOWS; w++) {
      for (int m = 0; m < ARRAY.size(); m++) {
        System.arraycopy(channels[m], w * N, samples, (w * ARRAY.size() + m) * N, N);
      }
    }
    return samples;
  }

  static int argmax(float[] values, int from, int length) {
    int best = from;
    for (int i = from; i < from + length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best - from;
  }

  @Test
  void acousticImagesMatchTheJavaImagerWithin1e4() {
    float[][] channels = planeWave();
    float[] expected;
    try (AcousticImager imager = new AcousticImager(STEERING, WINDOWS)) {
      expected = imager.images(channels, 0, WINDOWS);
    }
    float[] actual;
    try (BeamformingModel model =
        BeamformingModel.load(BeamformingGraph.acousticImages(STEERING), cache)) {
      actual = model.apply(batch(channels), WINDOWS);
    }
    int size = GRID.size() * 12;
    assertEquals(expected.length, actual.length);
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= 1e-4f, "largest difference " + worst);
    for (int w = 0; w < WINDOWS; w++) {
      // the loudest coefficient's direction, and the first coefficient's brightest direction
      assertEquals(
          argmax(expected, w * size, size) / 12,
          argmax(actual, w * size, size) / 12,
          "window " + w);
      float[] c1Expected = new float[GRID.size()];
      float[] c1Actual = new float[GRID.size()];
      for (int d = 0; d < GRID.size(); d++) {
        c1Expected[d] = expected[w * size + d * 12];
        c1Actual[d] = actual[w * size + d * 12];
      }
      assertEquals(argmax(c1Expected, 0, GRID.size()), argmax(c1Actual, 0, GRID.size()));
    }
  }

  @Test
  void bandPowerMatchesTheJobsMapperAndPeaksAtTheSource() {
    float[][] channels = planeWave();
    int[] bins = BeamformingMap.bins(WindowClock.SAMPLE_RATE, N, 500, 5000);
    float[] expected;
    try (BandPowerMapper mapper =
        new BandPowerMapper(STEERING, WindowClock.SAMPLE_RATE, N, bins, WINDOWS)) {
      expected = mapper.maps(channels, N, 0, WINDOWS);
    }
    BeamformingGraph graph = BeamformingGraph.bandPower(STEERING, bins);
    float[] actual;
    try (BeamformingModel model = BeamformingModel.load(graph, cache)) {
      actual = model.apply(batch(channels), WINDOWS);
    }
    assertEquals(expected.length, actual.length);
    for (int w = 0; w < WINDOWS; w++) {
      int from = w * GRID.size();
      float peak = expected[from + argmax(expected, from, GRID.size())];
      for (int d = 0; d < GRID.size(); d++) {
        assertEquals(
            expected[from + d], actual[from + d], 1e-4f * peak, "window " + w + " cell " + d);
      }
      assertEquals(SOURCE, argmax(expected, from, GRID.size()));
      assertEquals(SOURCE, argmax(actual, from, GRID.size()));
    }
    // the second load finds the exported graph in the cache, keyed by geometry and band
    assertTrue(Files.isRegularFile(graph.cached(cache).resolve("saved_model.pb")));
    assertEquals(1, countModels(cache, "band_power-"));
  }

  @Test
  void aGridWithoutAMirrorMultipliesEveryDirection() {
    // 9 x 11 focus points off the axis: no direction is another's mirror image
    BeamSteering steering =
        BeamSteering.classic(
            BuiltinArrays.vogel64(), LookGrid.focusPlane(-0.2, 0.6, 11, -0.5, 0.1, 9, 1.5));
    assertTrue(!steering.mirrorsThroughCentre());
    int mics = steering.array().size();
    SplittableRandom random = new SplittableRandom(11);
    float[][] channels = new float[mics][2 * N];
    float[] samples = new float[2 * mics * N];
    for (int m = 0; m < mics; m++) {
      for (int i = 0; i < 2 * N; i++) {
        channels[m][i] = (float) (100 * random.nextGaussian());
        samples[((i / N) * mics + m) * N + i % N] = channels[m][i];
      }
    }
    int[] bins = BeamformingMap.bins(WindowClock.SAMPLE_RATE, N, 500, 5000);
    float[] expected;
    try (BandPowerMapper mapper =
        new BandPowerMapper(steering, WindowClock.SAMPLE_RATE, N, bins, 2)) {
      expected = mapper.maps(channels, N, 0, 2);
    }
    float[] actual;
    try (BeamformingModel model =
        BeamformingModel.load(BeamformingGraph.bandPower(steering, bins), cache)) {
      actual = model.apply(samples, 2);
    }
    assertEquals(2 * 99, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4f * expected[i], "cell " + i);
    }
  }

  @Test
  void theCacheKeyFollowsTheBandAndTheGeometry() {
    int[] band = BeamformingMap.bins(WindowClock.SAMPLE_RATE, N, 500, 5000);
    int[] other = BeamformingMap.bins(WindowClock.SAMPLE_RATE, N, 500, 4000);
    String key = BeamformingGraph.bandPower(STEERING, band).key();
    assertEquals(key, BeamformingGraph.bandPower(BeamSteering.classic(ARRAY, GRID), band).key());
    assertTrue(!key.equals(BeamformingGraph.bandPower(STEERING, other).key()));
    BeamSteering vogel = BeamSteering.classic(BuiltinArrays.vogel64(), GRID);
    assertTrue(!key.equals(BeamformingGraph.bandPower(vogel, band).key()));
  }

  private static long countModels(Path root, String prefix) throws java.io.UncheckedIOException {
    try (var dirs = Files.list(root)) {
      return dirs.filter(p -> p.getFileName().toString().startsWith(prefix)).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
