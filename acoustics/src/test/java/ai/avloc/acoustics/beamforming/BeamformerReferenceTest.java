package ai.avloc.acoustics.beamforming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.FrameSpectrum;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.schemas.WindowClock;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The real-sgemm beamformer against the complex-cgemm one it replaced ({@link CgemmBeamformer},
 * kept verbatim), on a simulated scene heard by the 128-microphone array over the job's 36x48 view:
 * every bin's beam powers agree within {@link #TOLERANCE} of the bin's strongest direction, and the
 * maps the job publishes and the acoustic images agree as well; then the two are timed side by side
 * in one JVM.
 */
class BeamformerReferenceTest {
  static final int N = WindowClock.SAMPLES_PER_WINDOW;
  static final double FS = WindowClock.SAMPLE_RATE;
  static final double C = 343;
  static final int FRAMES = 8;

  /**
   * Largest difference allowed, relative to the strongest direction of the same bin and frame: the
   * two differ only by float rounding in the products' sums (about 1e-7 of the strongest term).
   */
  static final double TOLERANCE = 1e-5;

  /** Largest difference allowed in an acoustic image's values, which span [0, 1] per frame. */
  static final double IMAGE_TOLERANCE = 1e-5;

  static final MicArray ARRAY = BuiltinArrays.dualcam128();
  static final LookGrid VIEW = LookGrid.cameraFov(65, 50);

  /**
   * Two broadband plane-wave sources (48 tones each at random frequencies over 100..6000 Hz, off
   * the FFT bins) from two directions in the view, plus uncorrelated sensor noise at PCM16 scale.
   */
  static float[][] scene(int frames) {
    int mics = ARRAY.size();
    int samples = frames * N;
    float[][] channels = new float[mics][samples];
    double[][] sources = {VIEW.vector(9 * 48 + 30), VIEW.vector(25 * 48 + 12)};
    double[] level = {2000, 900};
    SplittableRandom random = new SplittableRandom(16);
    for (int s = 0; s < sources.length; s++) {
      for (int tone = 0; tone < 48; tone++) {
        double hz = 100 + 5900 * random.nextDouble();
        double amplitude = level[s] * (0.2 + random.nextDouble()) / 48 * 4;
        double phase = 2 * Math.PI * random.nextDouble();
        double omega = 2 * Math.PI * hz / FS;
        for (int m = 0; m < mics; m++) {
          double[] r = ARRAY.position(m);
          double[] q = sources[s];
          // a plane wave from q reaches microphone m earlier by (r . q) / c
          double lead = (r[0] * q[0] + r[1] * q[1] + r[2] * q[2]) / C;
          double start = phase + 2 * Math.PI * hz * lead;
          // rotate a phasor instead of calling cos per sample
          double re = Math.cos(start);
          double im = Math.sin(start);
          double cr = Math.cos(omega);
          double ci = Math.sin(omega);
          float[] x = channels[m];
          for (int n = 0; n < samples; n++) {
            x[n] += (float) (amplitude * re);
            double next = re * cr - im * ci;
            im = re * ci + im * cr;
            re = next;
          }
        }
      }
    }
    for (float[] x : channels) {
      for (int n = 0; n < samples; n++) {
        x[n] += (float) (30 * random.nextDouble() - 15);
      }
    }
    return channels;
  }

  /** The frames' Tukey spectra in the beamformer's layout, bins 0..511. */
  static float[] spectra(float[][] channels, int frames) {
    int mics = channels.length;
    float[] out = new float[2 * MfccSpec.BINS * mics * frames];
    FrameSpectrum spectrum = new FrameSpectrum();
    for (int m = 0; m < mics; m++) {
      for (int f = 0; f < frames; f++) {
        spectrum.complex(channels[m], f * N, out, 2 * (m * frames + f), 2 * mics * frames);
      }
    }
    return out;
  }

  @Test
  void shouldMultiplyHalfTheDirectionsOfAMirroredViewAndAllOfAnOther() {
    assertTrue(new SteeringModel(BeamSteering.classic(ARRAY, VIEW)).mirrorsThroughCentre());
    // a focus plane off the axis has no mirror twins
    LookGrid offAxis = LookGrid.focusPlane(0.2, 1.0, 8, -0.5, 0.5, 6, 2.0);
    assertFalse(new SteeringModel(BeamSteering.classic(ARRAY, offAxis)).mirrorsThroughCentre());
  }

  @Test
  void shouldGiveTheCgemmBeamformersPowersInEveryBinAndDirection() {
    float[] spectra = spectra(scene(FRAMES), FRAMES);
    int[] bins = IntStream.rangeClosed(1, 510).toArray();
    int directions = VIEW.size();
    float[][] expected = new float[512][];
    float[][] actual = new float[512][];
    BeamSteering steering = BeamSteering.classic(ARRAY, VIEW);
    int offset = 2 * ARRAY.size() * FRAMES;
    try (CgemmBeamformer old = new CgemmBeamformer(steering, FS, N, FRAMES);
        Beamformer now = new Beamformer(steering, FS, N, FRAMES)) {
      old.beamPowers(spectra, offset, FRAMES, bins, (bin, p, f) -> expected[bin] = p.clone());
      now.beamPowers(spectra, offset, FRAMES, bins, (bin, p, f) -> actual[bin] = p.clone());
    }
    double worst = 0;
    for (int bin : bins) {
      for (int f = 0; f < FRAMES; f++) {
        double peak = 0;
        for (int d = 0; d < directions; d++) {
          peak = Math.max(peak, expected[bin][d * FRAMES + f]);
        }
        for (int d = 0; d < directions; d++) {
          int i = d * FRAMES + f;
          double error = Math.abs(actual[bin][i] - expected[bin][i]) / peak;
          worst = Math.max(worst, error);
          if (error > TOLERANCE) {
            assertEquals(
                expected[bin][i], actual[bin][i], TOLERANCE * peak, "bin " + bin + ", " + d);
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "largest power difference: %.2e of the bin's strongest direction%n", worst);
  }

  @Test
  void shouldGiveTheCgemmBeamformersDiagonalFreePowers() {
    float[] spectra = spectra(scene(2), 2);
    int[] bins = IntStream.rangeClosed(42, 416).toArray();
    BeamSteering steering = new BeamSteering(ARRAY, VIEW, Steering.CLASSIC, C, true, new double[3]);
    float[][] expected = new float[512][];
    float[][] actual = new float[512][];
    int offset = 2 * ARRAY.size() * 2 * 42;
    try (CgemmBeamformer old = new CgemmBeamformer(steering, FS, N, 2);
        Beamformer now = new Beamformer(steering, FS, N, 2)) {
      old.beamPowers(spectra, offset, 2, bins, (bin, p, f) -> expected[bin] = p.clone());
      now.beamPowers(spectra, offset, 2, bins, (bin, p, f) -> actual[bin] = p.clone());
    }
    for (int bin : bins) {
      double peak = 0;
      for (float v : expected[bin]) {
        peak = Math.max(peak, v);
      }
      for (int i = 0; i < expected[bin].length; i++) {
        assertEquals(expected[bin][i], actual[bin][i], TOLERANCE * peak, "bin " + bin + ", " + i);
      }
    }
  }

  /**
   * The acoustic images (mel, log, DCT, per-frame min-max to [0, 1]) on one thread and on two
   * against the cgemm imager's: within {@link #IMAGE_TOLERANCE} in every value.
   */
  @Test
  void shouldGiveTheCgemmImagersAcousticImages() {
    float[][] channels = scene(FRAMES);
    BeamSteering steering = BeamSteering.classic(ARRAY, VIEW);
    float[] expected;
    float[] one;
    float[] two;
    try (CgemmAcousticImager old = new CgemmAcousticImager(steering, 4)) {
      expected = old.images(channels, 0, FRAMES);
    }
    try (AcousticImager now = new AcousticImager(steering, 4)) {
      one = now.images(channels, 0, FRAMES);
    }
    try (AcousticImager now = new AcousticImager(steering, 4, 2)) {
      two = now.images(channels, 0, FRAMES);
    }
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(one[i] - expected[i]));
      worst = Math.max(worst, Math.abs(two[i] - expected[i]));
      assertEquals(expected[i], one[i], IMAGE_TOLERANCE, "one thread, value " + i);
      assertEquals(expected[i], two[i], IMAGE_TOLERANCE, "two threads, value " + i);
    }
    System.out.printf(Locale.ROOT, "largest acoustic-image difference: %.2e%n", worst);
  }

  /** The job's maps: the band 500..5000 Hz summed, scaled to mean square, per window. */
  @Test
  void shouldGiveTheCgemmBeamformersBandPowerMaps() {
    float[][] channels = scene(FRAMES);
    int[] bins = BeamformingMap.bins(FS, N, 500, 5000);
    BeamSteering steering = BeamSteering.classic(ARRAY, VIEW);
    float[] actual;
    try (BandPowerMapper mapper = new BandPowerMapper(steering, FS, N, bins, FRAMES)) {
      actual = mapper.maps(channels, N, 0, FRAMES);
    }
    double[] expected;
    try (CgemmBeamformer old = new CgemmBeamformer(steering, FS, N, FRAMES)) {
      expected = cgemmBandMaps(old, channels, FRAMES, bins);
    }
    int directions = VIEW.size();
    double worst = 0;
    for (int f = 0; f < FRAMES; f++) {
      double peak = 0;
      for (int d = 0; d < directions; d++) {
        peak = Math.max(peak, expected[f * directions + d]);
      }
      for (int d = 0; d < directions; d++) {
        int i = f * directions + d;
        worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / peak);
        assertEquals(expected[i], actual[i], TOLERANCE * peak, "frame " + f + ", direction " + d);
      }
    }
    System.out.printf(
        Locale.ROOT, "largest band-power map difference: %.2e of the map's peak%n", worst);
  }

  /** {@link BandPowerMapper#maps}'s steps on the cgemm beamformer: one map per frame. */
  static double[] cgemmBandMaps(CgemmBeamformer old, float[][] channels, int frames, int[] bins) {
    int mics = ARRAY.size();
    int directions = VIEW.size();
    FrameSpectrum hann = new FrameSpectrum(N, 1.0);
    float[] full = new float[2 * (N / 2) * mics * frames];
    int stride = 2 * mics * frames;
    for (int m = 0; m < mics; m++) {
      for (int f = 0; f < frames; f++) {
        hann.complex(channels[m], f * N, full, 2 * (m * frames + f), stride);
      }
    }
    double scale = BeamformingMap.binScale(N);
    double[] maps = new double[frames * directions];
    old.beamPowers(
        full,
        bins[0] * stride,
        frames,
        bins,
        (bin, power, n) -> {
          for (int d = 0; d < directions; d++) {
            for (int f = 0; f < n; f++) {
              maps[f * directions + d] += (float) (scale * power[d * n + f]);
            }
          }
        });
    return maps;
  }
}
