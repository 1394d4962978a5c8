package ai.avloc.acoustics.beamforming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.beamforming.AcousticCamera.MapSettings;
import ai.avloc.acoustics.beamforming.AcousticCamera.Method;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The acoustic camera's maps of plane waves arriving from a known cell of a 65x50 degree camera
 * grid, synthesized exactly (each microphone hears the wave earlier by (r_m . q) / c).
 */
class AcousticCameraTest {
  static final MicArray ARRAY = BuiltinArrays.byName("vogel64");
  static final LookGrid GRID = LookGrid.cameraFov(65, 50, 36, 48);
  static final BeamSteering STEERING = BeamSteering.classic(ARRAY, GRID);

  /** 1920 Hz: bin 160 of a 1024-sample block at 12288 Hz, so the tone does not leak. */
  static final double TONE_HZ = 1920;

  /** A plane wave of cosines from grid cell {@code cell}: amplitudes in pascals (or full scale). */
  static MultichannelAudio planeWave(
      int cell, double sampleRate, int samples, double[] hz, double[] amplitude, double[] phase) {
    double[] q = GRID.vector(cell);
    float[][] channels = new float[ARRAY.size()][samples];
    for (int m = 0; m < ARRAY.size(); m++) {
      double[] r = ARRAY.position(m);
      double lead = (r[0] * q[0] + r[1] * q[1] + r[2] * q[2]) / STEERING.speedOfSound();
      for (int i = 0; i < samples; i++) {
        double t = i / sampleRate + lead;
        double v = 0;
        for (int k = 0; k < hz.length; k++) {
          v += amplitude[k] * Math.cos(2 * Math.PI * hz[k] * t + phase[k]);
        }
        channels[m][i] = (float) v;
      }
    }
    return new MultichannelAudio(channels, sampleRate);
  }

  /** A 1 Pa tone at {@link #TONE_HZ}, 0.5 s at 12288 Hz, from row 18, column 30. */
  static MultichannelAudio tone(int cell) {
    return planeWave(cell, 12288, 6144, new double[] {TONE_HZ}, new double[] {1}, new double[] {0});
  }

  /** The plain map of a 1024-sample block, nu 20 for functional beamforming. */
  static float[] map(
      MultichannelAudio audio, Method method, double lowHz, double highHz, boolean decibels) {
    return AcousticCamera.plainMap(
        STEERING, audio, new MapSettings(method, lowHz, highHz, 1024, 20, decibels));
  }

  /** The cell of the map's highest peak, as {@code avloc beamform} reports it. */
  static int peak(float[] map) {
    Peak p = PeakFinder.find(map, GRID.rows(), GRID.cols(), 1, 3).get(0);
    return p.row() * GRID.cols() + p.col();
  }

  @Test
  void shouldMapAToneAtItsCellWithItsMeanSquareAndItsLevel() {
    int cell = 18 * 48 + 30;
    MultichannelAudio audio = tone(cell);
    float[] meanSquare = map(audio, Method.DELAY_AND_SUM, TONE_HZ, Double.NaN, false);
    assertEquals(GRID.size(), meanSquare.length);
    assertEquals(cell, peak(meanSquare));
    // a 1 Pa cosine has a mean square of 0.5 Pa^2
    assertEquals(0.5, meanSquare[cell], 0.005);

    float[] level = map(audio, Method.DELAY_AND_SUM, TONE_HZ, Double.NaN, true);
    // 10 log10(0.5 / (20 uPa)^2) = 90.97 dB
    assertEquals(90.97, level[cell], 0.05);
    assertEquals(10 * Math.log10(meanSquare[0] / 4e-10), level[0], 1e-3);
  }

  @Test
  void shouldSumEveryBinOfABand() {
    int cell = 18 * 48 + 30;
    MultichannelAudio audio = tone(cell);
    // 1800 to 2050 Hz holds bins 150 to 170 at 12 Hz spacing
    float[] band = map(audio, Method.DELAY_AND_SUM, 1800, 2050, false);
    double[] sum = new double[GRID.size()];
    for (int bin = 150; bin <= 170; bin++) {
      float[] one = map(audio, Method.DELAY_AND_SUM, bin * 12.0, Double.NaN, false);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += one[i];
      }
    }
    for (int i : new int[] {0, cell, cell + 4, GRID.size() - 1}) {
      assertEquals(sum[i], band[i], 1e-5 * sum[cell], "cell " + i);
    }
    // the Hann window spreads the tone over its bin and, at a quarter of the power, both
    // neighbours: 0.5 + 2 x 0.125 Pa^2 at the source
    assertEquals(0.75, band[cell], 0.01);
  }

  @Test
  void shouldKeepTheLevelAtTheSourceAndNarrowTheMainLobeFunctionally() {
    int cell = 18 * 48 + 30;
    MultichannelAudio audio = tone(cell);
    float[] classic = map(audio, Method.DELAY_AND_SUM, TONE_HZ, Double.NaN, false);
    float[] functional = map(audio, Method.FUNCTIONAL, TONE_HZ, Double.NaN, false);
    assertEquals(cell, peak(functional));
    // one source: functional beamforming gives the classic level at the source
    assertEquals(0.5, functional[cell], 0.01);
    int off = cell + 4;
    double classicRatio = classic[off] / classic[cell];
    double functionalRatio = functional[off] / functional[cell];
    // four columns off the source the classic main lobe still holds 45 % of the level, the
    // functional one about its 20th power (1e-7)
    assertEquals(0.45, classicRatio, 0.01);
    assertTrue(functionalRatio < 1e-5, "functional " + functionalRatio);
  }

  @Test
  void shouldMakeTheAcousticImagesOfEveryWholeFrameAtTheModelRate() {
    int row = 10;
    int col = 12;
    int cell = row * 48 + col;
    // 24 tones between 300 Hz and 5.5 kHz: a broadband source, sampled at 48 kHz
    Random random = new Random(3);
    double[] hz = new double[24];
    double[] amplitude = new double[24];
    double[] phase = new double[24];
    for (int k = 0; k < hz.length; k++) {
      hz[k] = 300 + k * 217.0 + 50 * random.nextDouble();
      amplitude[k] = 0.01;
      phase[k] = 2 * Math.PI * random.nextDouble();
    }
    // 0.5 s at 48 kHz is 6144 samples at 12288 Hz: six frames of 1/12 s
    AcousticCamera.Images images =
        AcousticCamera.acousticImages(
            STEERING, planeWave(cell, 48000, 24000, hz, amplitude, phase));
    assertEquals(6, images.frames());
    assertArrayEquals(new int[] {6, 36, 48, 12}, images.shape());
    assertEquals(6 * 36 * 48 * 12, images.images().length);
    assertEquals(36 * 48, images.meanEnergy().length);
    int found = peak(images.meanEnergy());
    assertTrue(
        Math.abs(found / 48 - row) <= 1 && Math.abs(found % 48 - col) <= 1,
        "energy maximum at (" + found / 48 + ", " + found % 48 + ")");
  }

  @Test
  void shouldMakeNoImageOfARecordingShorterThanAFrame() {
    // 3000 samples at 48 kHz are 768 at 12288 Hz, less than one 1024-sample frame
    AcousticCamera.Images images =
        AcousticCamera.acousticImages(
            STEERING,
            planeWave(0, 48000, 3000, new double[] {1000}, new double[] {0.1}, new double[] {0}));
    assertEquals(0, images.frames());
    assertArrayEquals(new int[] {0, 36, 48, 12}, images.shape());
    assertEquals(0, images.images().length);
    assertEquals(0, images.meanEnergy().length);
  }
}
