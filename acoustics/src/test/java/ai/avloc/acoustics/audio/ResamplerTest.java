package ai.avloc.acoustics.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResamplerTest {
  static float[] tone(double hz, double rate, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return x;
  }

  /**
   * Amplitude of a sinusoid at {@code hz} in the middle part of x (least squares on sin and cos).
   */
  static double amplitudeAt(float[] x, double hz, double rate) {
    double s = 0;
    double c = 0;
    int from = x.length / 4;
    int to = 3 * x.length / 4;
    for (int i = from; i < to; i++) {
      s += x[i] * Math.sin(2 * Math.PI * hz * i / rate);
      c += x[i] * Math.cos(2 * Math.PI * hz * i / rate);
    }
    return 2 * Math.hypot(s, c) / (to - from);
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 16000, 22050, 44100, 48000, 51200, 96000})
  void shouldKeepAPassbandToneAlignedInTime(int rate) {
    float[] in = tone(1000, rate, rate);
    float[] out = Resampler.resample(in, rate, 12288);
    assertEquals(12288, out.length, 1);
    // same instant, same value: compare with the ideal tone at 12288 Hz away from the edges
    double worst = 0;
    for (int i = 2000; i < 10000; i++) {
      worst = Math.max(worst, Math.abs(out[i] - 0.5 * Math.sin(2 * Math.PI * 1000 * i / 12288.0)));
    }
    assertTrue(worst < 5e-3, "largest deviation " + worst + " from the ideal 1 kHz tone");
  }

  @ParameterizedTest
  @ValueSource(ints = {44100, 48000, 51200})
  void shouldSuppressToneAboveTheNewNyquistInsteadOfAliasingIt(int rate) {
    // 9 kHz would fold to 12288 - 9000 = 3288 Hz without an anti-aliasing filter
    float[] out = Resampler.resample(tone(9000, rate, rate), rate, 12288);
    double aliased = amplitudeAt(out, 3288, 12288);
    double db = 20 * Math.log10(aliased / 0.5);
    assertTrue(db < -60, "alias at 3288 Hz is " + db + " dB below full tone, expected < -60 dB");
  }

  @Test
  void shouldRejectRatesOutsideTheSupportedRange() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Resampler.resample(new float[100], 4000, 12288));
    assertTrue(e.getMessage().contains("4000"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Resampler.resample(new float[100], 192000, 12288));
  }
}
