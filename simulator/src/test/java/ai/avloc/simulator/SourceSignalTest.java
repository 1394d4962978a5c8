package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceSignalTest {

  private static final double FS = 12288;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static double[] render(SourceSignal signal, double fs, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = signal.valueAt(i / fs);
    }
    return x;
  }

  private static double rms(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v * v;
    }
    return Math.sqrt(sum / x.length);
  }

  /** Power per FFT bin (0..n/2) of x after a Hann window. */
  private static double[] powerSpectrum(double[] x) {
    int n = x.length;
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = x[i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
    }
    new DoubleFFT_1D(n).realForward(a);
    double[] p = new double[n / 2 + 1];
    p[0] = a[0] * a[0];
    p[n / 2] = a[1] * a[1];
    for (int k = 1; k < n / 2; k++) {
      p[k] = a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1];
    }
    return p;
  }

  private static SourceSignal parse(String json) throws Exception {
    return SourceSignal.fromJson(MAPPER.readTree(json), 7, FS, 3, null, "signal");
  }

  @Test
  void shouldGiveToneValuesOfTheSineAtAnyRealTime() throws Exception {
    SourceSignal tone =
        parse("{\"type\": \"tone\", \"frequency\": 440, \"amplitude\": 2, \"phase\": 30}");

    for (double t : new double[] {0, 1e-5, 0.123456789, 2.5, -0.01, 3599.987654}) {
      assertEquals(
          2 * Math.sin(2 * Math.PI * 440 * t + Math.PI / 6), tone.valueAt(t), 1e-9, "t = " + t);
    }
  }

  @Test
  void shouldGiveNoiseOfTheRequestedRmsInsideItsBand() {
    SourceSignal noise = SourceSignal.BandNoise.generate(500, 2000, 0.3, 3, 42);

    double[] x = render(noise, FS, 16384);
    double[] p = powerSpectrum(x);

    assertEquals(0.3, rms(x), 0.03);
    double inside = 0;
    double outside = 0;
    for (int k = 0; k < p.length; k++) {
      double f = k * FS / x.length;
      if (f >= 500 && f <= 2000) {
        inside += p[k];
      } else {
        outside += p[k];
      }
    }
    assertTrue(outside < 0.01 * inside, "outside/inside = " + outside / inside);
  }

  @Test
  void shouldInterpolateNoiseBetweenGridSamplesAsItsFourierSeries() {
    SourceSignal.BandNoise noise = SourceSignal.BandNoise.generate(300, 2000, 1.0, 1, 3);
    PeriodicSamples grid = noise.grid();
    double[] samples = grid.samples();
    int n = samples.length;
    double rate = grid.rate();
    double[] spectrum = samples.clone();
    new DoubleFFT_1D(n).realForward(spectrum);

    for (int k : new int[] {0, 17, 1000, n / 2, n - 1}) {
      // Exactly on the grid the interpolation returns the sample itself.
      assertEquals(samples[k], noise.valueAt(k / rate), 1e-6);
      // Half-way between samples: the band-limited periodic function, summed directly from its
      // spectrum.
      double t = (k + 0.5) / rate;
      double direct = 0;
      for (int b = 1; b < n / 2; b++) {
        double angle = 2 * Math.PI * b * ((k + 0.5) / n);
        direct += 2 * (spectrum[2 * b] * Math.cos(angle) - spectrum[2 * b + 1] * Math.sin(angle));
      }
      direct /= n;
      assertEquals(direct, noise.valueAt(t), 1e-5, "t = " + t);
    }
    // Periodic: one period later gives the same value.
    assertEquals(noise.valueAt(0.1234), noise.valueAt(0.1234 + grid.period()), 1e-9);
  }

  @Test
  void shouldGiveTheGridSampleForTimesAHairBelowIt() {
    SourceSignal.BandNoise noise = SourceSignal.BandNoise.generate(300, 2000, 1.0, 1, 3);
    PeriodicSamples grid = noise.grid();
    double[] samples = grid.samples();
    double rate = grid.rate();

    // -1e-17 - floor(-1e-17) rounds to exactly 1.0: one step past the kernel table's last phase.
    assertEquals(1.0, -1e-17 - Math.floor(-1e-17));
    assertEquals(samples[0], noise.valueAt(-1e-17 / rate), 1e-6);
    double below = Math.nextDown(grid.period());
    assertEquals(samples[0], noise.valueAt(below), 1e-6);
    assertEquals(samples[samples.length - 1], noise.valueAt(-1 / rate - 1e-17), 1e-6);
  }

  @Test
  void shouldMakeNoiseFromTheSeedDeterministically() {
    double[] a = render(SourceSignal.BandNoise.generate(100, 1000, 1, 1, 5), FS, 1000);
    double[] b = render(SourceSignal.BandNoise.generate(100, 1000, 1, 1, 5), FS, 1000);
    double[] c = render(SourceSignal.BandNoise.generate(100, 1000, 1, 1, 6), FS, 1000);

    assertArrayEquals(a, b, 0.0);
    assertFalse(Arrays.equals(a, c));
  }

  /**
   * Times of the zero crossings of the signal in [from, to], found by bisection on the exact
   * signal.
   */
  private static double[] zeroCrossings(SourceSignal s, double from, double to, double step) {
    double[] out = new double[4096];
    int count = 0;
    double prevT = from;
    double prev = s.valueAt(from);
    for (double t = from + step; t <= to; t += step) {
      double v = s.valueAt(t);
      if (prev == 0 || Math.signum(v) != Math.signum(prev)) {
        double lo = prevT;
        double hi = t;
        for (int i = 0; i < 60; i++) {
          double mid = (lo + hi) / 2;
          if (Math.signum(s.valueAt(mid)) == Math.signum(s.valueAt(lo))) {
            lo = mid;
          } else {
            hi = mid;
          }
        }
        out[count++] = (lo + hi) / 2;
      }
      prevT = t;
      prev = v;
    }
    return Arrays.copyOf(out, count);
  }

  @Test
  void shouldSweepTheChirpFrequencyLinearlyWithinEachPeriod() throws Exception {
    SourceSignal.Chirp chirp =
        (SourceSignal.Chirp)
            parse(
                "{\"type\": \"chirp\", \"from\": 500, \"to\": 4000, \"period\": 1, \"amplitude\": 1}");

    for (double t : new double[] {0.25, 0.5, 0.9, 1.5, 2.25}) {
      double[] z = zeroCrossings(chirp, t - 0.002, t + 0.002, 1e-5);
      // The half period between the two crossings around t gives the frequency at their midpoint.
      for (int i = 0; i + 1 < z.length; i++) {
        if (z[i] <= t && z[i + 1] > t) {
          double mid = (z[i] + z[i + 1]) / 2;
          double measured = 1 / (2 * (z[i + 1] - z[i]));
          double expected = 500 + 3500 * (mid - Math.floor(mid));
          assertEquals(expected, measured, 0.002 * expected, "t = " + t);
          assertEquals(expected, chirp.frequencyAt(mid), 1e-6);
        }
      }
    }
    // Phase carries over at the period boundary: no step in the waveform.
    assertEquals(chirp.valueAt(1 - 1e-9), chirp.valueAt(1 + 1e-9), 1e-4);
  }

  @Test
  void shouldGiveHarmonicsAtMultiplesOfF0WithTheRolloff() throws Exception {
    SourceSignal harmonic =
        parse(
            "{\"type\": \"harmonic\", \"f0\": 200, \"harmonics\": 3, \"amplitude\": 1, \"rolloff\": 0.5}");
    int n = (int) FS; // 1 s: 1 Hz bins, whole periods of every harmonic, so no window is needed
    double[] a = render(harmonic, FS, n);
    new DoubleFFT_1D(n).realForward(a);

    for (int k = 1; k <= 4; k++) {
      int bin = 200 * k;
      double amplitude = 2 * Math.hypot(a[2 * bin], a[2 * bin + 1]) / n;
      assertEquals(k <= 3 ? Math.pow(0.5, k - 1) : 0.0, amplitude, 1e-9, "harmonic " + k);
    }
  }

  @Test
  void shouldModulateTheAmCarrier() throws Exception {
    SourceSignal am =
        parse(
            "{\"type\": \"am\", \"carrier\": 1000, \"modulation\": 8, \"depth\": 0.5, \"amplitude\": 0.2}");

    double t = 0.0371;
    double expected =
        0.2 * (1 + 0.5 * Math.sin(2 * Math.PI * 8 * t)) * Math.sin(2 * Math.PI * 1000 * t);
    assertEquals(expected, am.valueAt(t), 1e-12);
  }

  @Test
  void shouldLoopAMonoMixOfAWavFileTimesItsGain(@TempDir Path dir) throws Exception {
    double rate = 48000;
    int n = 4800; // 0.1 s: 100 whole periods of 1 kHz, so the loop is seamless
    float[] left = new float[n];
    float[] right = new float[n];
    for (int i = 0; i < n; i++) {
      left[i] = (float) (0.8 * Math.sin(2 * Math.PI * 1000 * i / rate));
    }
    Path file = dir.resolve("tone.wav");
    AudioFiles.writeFloat32(file, new MultichannelAudio(new float[][] {left, right}, rate));
    JsonNode node = MAPPER.readTree("{\"type\": \"wav\", \"path\": \"tone.wav\", \"gain\": 2.5}");

    SourceSignal wav = SourceSignal.fromJson(node, 0, FS, 3, dir, "signal");

    for (double t : new double[] {0.01234, 0.5, 1.00001, -0.3}) {
      // mono = (left + right) / 2 = 0.4 sin, times gain 2.5
      assertEquals(1.0 * Math.sin(2 * Math.PI * 1000 * t), wav.valueAt(t), 1e-5, "t = " + t);
    }
  }

  @Test
  void shouldNameTheJsonPathOfAnInvalidSignal() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("{\"type\": \"noise\", \"low\": 100, \"high\": 7000, \"amplitude\": 1}"));
    assertEquals("signal.high: must be below Nyquist 6144 Hz, got 7000", e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    "{\"type\": \"harmonic\", \"f0\": 1000, \"harmonics\": 7, \"amplitude\": 1}"));
    assertTrue(
        e.getMessage()
            .startsWith("signal.harmonics: harmonic 7 at 7000 Hz must be below Nyquist 6144 Hz"),
        e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> parse("{\"type\": \"buzz\"}"));
    assertTrue(
        e.getMessage().startsWith("signal.type: unknown signal type 'buzz'"), e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("{\"type\": \"tone\", \"frequncy\": 100, \"amplitude\": 1}"));
    assertTrue(e.getMessage().startsWith("signal.frequncy: unknown field"), e.getMessage());

    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("{\"type\": \"wav\", \"path\": \"missing.wav\"}"));
    assertTrue(e.getMessage().startsWith("signal.path: cannot read WAV file"), e.getMessage());
  }

  @Test
  void aSampledSignalPassesThroughItsSamplesInterpolatesBetweenAndRepeats() {
    double rate = 24_576;
    double[] x = new double[24_576]; // one second: 700 whole cycles of a 700 Hz sine
    for (int i = 0; i < x.length; i++) {
      x[i] = 0.5 * Math.sin(2 * Math.PI * 700 * i / rate);
    }
    SourceSignal.Sampled signal = SourceSignal.Sampled.of(x, rate);
    assertEquals("sampled", signal.type());
    assertEquals(1.0, signal.periodSeconds(), 0);
    assertEquals(x[1234], signal.valueAt(1234 / rate), 1e-6);
    double between = 1234.37 / rate;
    assertEquals(0.5 * Math.sin(2 * Math.PI * 700 * between), signal.valueAt(between), 1e-5);
    assertEquals(signal.valueAt(0.25), signal.valueAt(-0.75), 1e-9);
    assertThrows(
        IllegalArgumentException.class, () -> SourceSignal.Sampled.of(new double[0], rate));
  }
}
