package ai.avloc.acoustics.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.WindowClock;
import org.junit.jupiter.api.Test;

class BackgroundNoiseTest {
  private static final double FS = WindowClock.SAMPLE_RATE;
  private static final int N = WindowClock.SAMPLES_PER_WINDOW;

  private static float[] sine(double hz, double amplitude, double phase) {
    float[] x = new float[N];
    for (int n = 0; n < N; n++) {
      x[n] = (float) (amplitude * Math.sin(2 * Math.PI * hz * n / FS + phase));
    }
    return x;
  }

  private static double rms(float[] x, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += (double) x[i] * x[i];
    }
    return Math.sqrt(sum / (to - from));
  }

  @Test
  void shouldPassDcAndHalfThePowerAtTheCutoff() {
    assertEquals(1.0, BackgroundNoise.magnitude(0), 1e-12);
    assertEquals(1 / Math.sqrt(2), BackgroundNoise.magnitude(125), 1e-9);
  }

  @Test
  void shouldFollowTheBilinearButterworthMagnitude() {
    // A digital Butterworth from the pre-warped bilinear transform has, in closed form,
    // |H|^2 = 1 / (1 + (tan(pi f / fs) / tan(pi fc / fs))^(2 n)).
    double tc = Math.tan(Math.PI * 125 / FS);
    for (double f : new double[] {10, 50, 100, 124, 126, 160, 250, 500, 1000, 3000, 6000}) {
      double ratio = Math.tan(Math.PI * f / FS) / tc;
      double expected = 1 / Math.sqrt(1 + Math.pow(ratio, 20));
      assertEquals(expected, BackgroundNoise.magnitude(f), 1e-7 * expected, "at " + f + " Hz");
    }
  }

  @Test
  void shouldRollOffSixtyDecibelsPerOctavePerPass() {
    // Order 10: 20 * 10 dB per decade, i.e. 60.2 dB per octave, steeper only by the warping.
    double octave =
        20 * Math.log10(BackgroundNoise.magnitude(1000) / BackgroundNoise.magnitude(500));
    assertTrue(octave < -60 && octave > -62, "one octave: " + octave + " dB");
    double decade =
        20 * Math.log10(BackgroundNoise.magnitude(2500) / BackgroundNoise.magnitude(250));
    assertTrue(decade < -200 && decade > -215, "one decade: " + decade + " dB");
  }

  @Test
  void shouldDesignFiveStableUnitGainSections() {
    double[][] sections = BackgroundNoise.sections();
    assertEquals(5, sections.length);
    for (double[] s : sections) {
      // b = g (1, 2, 1): both zeros at Nyquist
      assertEquals(2 * s[0], s[1], 1e-18);
      assertEquals(s[0], s[2], 1e-18);
      assertEquals(1.0, (s[0] + s[1] + s[2]) / (1 + s[3] + s[4]), 1e-9);
      // poles inside the unit circle: |p|^2 = a2 < 1
      assertTrue(s[4] < 1 && s[4] > 0, "a2 = " + s[4]);
    }
  }

  @Test
  void shouldKeepAConstantConstant() {
    float[] x = new float[N];
    java.util.Arrays.fill(x, 1234.5f);
    float[] y = BackgroundNoise.lowPassFrame(x, 0);
    for (float v : y) {
      assertEquals(1234.5, v, 1e-6 * 1234.5);
    }
  }

  /** A long signal's middle, where the odd padding's edge transients have died out. */
  private static final int LONG = 16 * N;

  private static float[] longSine(double hz) {
    float[] x = new float[LONG];
    for (int n = 0; n < LONG; n++) {
      x[n] = (float) (10000 * Math.sin(2 * Math.PI * hz * n / FS + 0.4));
    }
    return x;
  }

  @Test
  void shouldKeepASymmetricInputSymmetric() {
    // A pulse symmetric about the signal's centre (x[i] = x[L - 1 - i]): a zero-phase filter gives
    // a symmetric output with its peak still at the centre.
    float[] x = new float[LONG];
    double centre = (LONG - 1) / 2.0;
    for (int i = 0; i < LONG; i++) {
      double t = (i - centre) / 40.0;
      x[i] =
          (float)
              (Math.exp(-t * t) * (10000 + 3000 * Math.cos(2 * Math.PI * 700 * (i - centre) / FS)));
    }
    float[] y = BackgroundNoise.lowPass(x, 0, LONG);
    double peak = 0;
    int argmax = 0;
    for (int i = 0; i < LONG; i++) {
      if (y[i] > peak) {
        peak = y[i];
        argmax = i;
      }
    }
    for (int i = 0; i < LONG / 2; i++) {
      assertEquals(y[i], y[LONG - 1 - i], 1e-6 * peak, "at " + i);
    }
    assertTrue(argmax == LONG / 2 - 1 || argmax == LONG / 2, "peak at " + argmax);
  }

  @Test
  void shouldPassFortyHertzUnshifted() {
    float[] x = longSine(40);
    float[] y = BackgroundNoise.lowPass(x, 0, LONG);
    // |H(40 Hz)|^2 = 1 - 1e-10: the output is the input, with no phase lag
    for (int i = 4 * N; i < LONG - 4 * N; i++) {
      assertEquals(x[i], y[i], 0.01, "at " + i);
    }
  }

  @Test
  void shouldRemoveOneKilohertz() {
    float[] x = longSine(1000);
    float[] y = BackgroundNoise.lowPass(x, 0, LONG);
    // |H(1 kHz)|^2 ~ 6e-19; what is left is the low band of the input's float rounding
    assertTrue(rms(y, 4 * N, LONG - 4 * N) < 1e-3, "rms " + rms(y, 4 * N, LONG - 4 * N));
  }

  @Test
  void shouldPassAndRemoveTonesInOneFrameAwayFromItsEdges() {
    // In a single 1024-sample frame the 33-sample padding is much shorter than the filter's
    // ringing (its slowest pole has |p| = 0.99), so the edges carry transients, as with scipy;
    // the frame's middle quarter is clean to a few tenths of a percent.
    float[] low = sine(40, 10000, 0.4);
    float[] y = BackgroundNoise.lowPassFrame(low, 0);
    for (int i = 384; i < 640; i++) {
      assertEquals(low[i], y[i], 30, "40 Hz at " + i);
    }
    float[] high = BackgroundNoise.lowPassFrame(sine(1000, 10000, 0.4), 0);
    assertTrue(rms(high, 384, 640) < 1e-3 * 10000 / Math.sqrt(2), "1 kHz: " + rms(high, 384, 640));
  }

  @Test
  void shouldMatchScipySosfiltfilt() {
    // scipy 1.17.1: sos = butter(10, 125 / 6144, output='sos');
    // y = sosfiltfilt(sos, x, padlen=33) for x[n] = 8000 sin(2 pi 60 n / 12288)
    //   + 5000 sin(2 pi 900 n / 12288 + 1) + 3000 * ((n * 37) % 101 - 50) / 50 (n = 0..1023)
    float[] x = new float[N];
    for (int n = 0; n < N; n++) {
      x[n] =
          (float)
              (8000 * Math.sin(2 * Math.PI * 60 * n / FS)
                  + 5000 * Math.sin(2 * Math.PI * 900 * n / FS + 1)
                  + 3000 * ((n * 37) % 101 - 50) / 50.0);
    }
    float[] y = BackgroundNoise.lowPassFrame(x, 0);
    int[] at = {0, 1, 17, 100, 511, 900, 1022, 1023};
    for (int k = 0; k < at.length; k++) {
      assertEquals(SCIPY_AT[k], y[at[k]], 1e-3, "at " + at[k]);
    }
  }

  private static final double[] SCIPY_AT = {
    806.08984057,
    963.46391176,
    3843.54936229,
    507.36030206,
    210.01879606,
    4386.8190521,
    -6543.72236507,
    -6543.74674816
  };

  @Test
  void shouldGiveTheMfccOfTheLowPassedFrame() {
    float[] low = sine(40, 10000, 0.2);
    float[] high = sine(2000, 6000, 0);
    float[] mix = new float[N];
    for (int i = 0; i < N; i++) {
      // tapered so that the tone leaves no edge transient behind
      mix[i] = low[i] + high[i] * (float) Math.pow(Math.sin(Math.PI * i / (N - 1)), 2);
    }
    BackgroundNoise noise = new BackgroundNoise();
    float[] fromMix = noise.lowPassMfcc(mix);
    assertArrayEquals(new Mfcc().normalized(BackgroundNoise.lowPassFrame(mix, 0), 0), fromMix);
    // the 2 kHz tone is gone, so the MFCC is that of the 40 Hz tone alone (low-passed the same
    // way), up to float rounding: above ~2.5 kHz a low-passed frame's power is the float32
    // rounding of its samples, 1e-4 to 1e-3, right at the 0.001 mel floor. Unfiltered, the two
    // differ a lot.
    assertArrayEquals(noise.lowPassMfcc(low), fromMix, 1e-2f);
    float[] mixed = new Mfcc().normalized(mix, 0);
    float[] alone = new Mfcc().normalized(low, 0);
    double largest = 0;
    for (int i = 0; i < mixed.length; i++) {
      largest = Math.max(largest, Math.abs(mixed[i] - alone[i]));
    }
    assertTrue(largest > 0.1, "the tones' own MFCCs differ by " + largest);
    for (float v : fromMix) {
      assertTrue(v >= 0 && v <= 1);
    }
  }

  @Test
  void shouldRefuseFramesShorterThanThePadding() {
    assertThrows(
        IllegalArgumentException.class, () -> BackgroundNoise.lowPass(new float[33], 0, 33));
  }
}
