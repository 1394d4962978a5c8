package ai.avloc.acoustics.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.schemas.WindowClock;
import org.junit.jupiter.api.Test;

class MfccTest {
  /** A 1024-sample window of three tones, in PCM16 scale. */
  static float[] threeTones() {
    float[] x = new float[WindowClock.SAMPLES_PER_WINDOW];
    for (int n = 0; n < x.length; n++) {
      x[n] =
          (float)
              (8000 * Math.sin(2 * Math.PI * 440 * n / 12288.0)
                  + 3000 * Math.sin(2 * Math.PI * 2500 * n / 12288.0)
                  + 500 * Math.cos(2 * Math.PI * 5000 * n / 12288.0 + 0.3));
    }
    return x;
  }

  @Test
  void shouldPlaceMelEdgesOnTheReferenceBins() {
    int[] expected = {
      0, 5, 11, 17, 25, 32, 41, 51, 61, 72, 85, 99, 114, 130, 148, 168, 190, 214, 240, 269, 300,
      335, 373, 415, 460, 511
    };
    assertArrayEquals(expected, MelFilterbank.paper().edgeBins());
  }

  @Test
  void shouldShapeEachFilterAsAnUnnormalizedTriangle() {
    MelFilterbank bank = MelFilterbank.paper();
    // band 3 rises over bins 17..25 and falls over 25..32
    assertEquals(0.0, bank.weight(3, 17), 1e-12);
    assertEquals(0.5, bank.weight(3, 21), 1e-12);
    assertEquals(1.0, bank.weight(3, 25), 1e-12);
    assertEquals(3.0 / 7, bank.weight(3, 29), 1e-12);
    assertEquals(0.0, bank.weight(3, 32), 1e-12);
    assertEquals(0.0, bank.weight(3, 33), 1e-12);
    assertEquals(1.0, bank.weight(23, 460), 1e-12);
    assertEquals(0.0, bank.weight(23, 511), 1e-12);
  }

  @Test
  void shouldUseTheReferenceLifter() {
    double[] expected = {
      2.5655, 4.0991, 5.5696, 6.9470, 8.2035, 9.3132, 10.2538, 11.0060, 11.5544, 11.8880, 12.0,
      11.8880
    };
    assertArrayEquals(expected, MelCepstrum.lifter(), 5e-5);
  }

  @Test
  void shouldMatchScipyTukeyWindow() {
    double[] w = TukeyWindow.symmetric(1024, 0.75);
    assertEquals(0.0, w[0], 1e-15);
    assertEquals(1.676577077386332e-05, w[1], 1e-15);
    assertEquals(0.1584958051048188, w[100], 1e-12);
    assertEquals(0.9999934508484879, w[383], 1e-12);
    assertEquals(1.0, w[384], 0);
    assertEquals(1.0, w[512], 0);
    assertEquals(0.0, w[1023], 1e-15);
  }

  @Test
  void shouldMatchTheReferenceComputationOnThreeTones() {
    // expected values: the reference's numpy steps (§1.2) run in float64 on the same window
    double[] raw = {
      10.170153,
      48.385604,
      -15.781789,
      -92.004827,
      -217.492371,
      120.920582,
      -132.045852,
      16.449328,
      175.215033,
      -16.885820,
      35.039984,
      28.613229
    };
    double[] normalized = {
      0.579726, 0.677038, 0.513641, 0.319545, 0.000000, 0.861743, 0.217583, 0.595715, 1.000000,
      0.510830, 0.643055, 0.626689
    };
    float[] out = new float[12];
    new Mfcc().raw(threeTones(), 0, out, 0);
    for (int m = 0; m < 12; m++) {
      assertEquals(raw[m], out[m], 2e-3 + 1e-4 * Math.abs(raw[m]), "c" + (m + 1));
    }
    float[] norm = new Mfcc().normalized(threeTones(), 0);
    for (int m = 0; m < 12; m++) {
      assertEquals(normalized[m], norm[m], 1e-5, "normalized c" + (m + 1));
    }
  }

  @Test
  void shouldGiveZerosForSilence() {
    float[] norm = new Mfcc().normalized(new float[WindowClock.SAMPLES_PER_WINDOW], 0);
    assertArrayEquals(new float[12], norm);
  }

  @Test
  void shouldEmitOneVectorPerWholeTwelfthOfASecond() {
    float[] signal = new float[WindowClock.SAMPLES_PER_WINDOW * 5 + 300];
    System.arraycopy(
        threeTones(),
        0,
        signal,
        2 * WindowClock.SAMPLES_PER_WINDOW,
        WindowClock.SAMPLES_PER_WINDOW);
    float[] windows = new Mfcc().normalizedWindows(signal);
    assertEquals(5 * 12, windows.length);
    float[] third = java.util.Arrays.copyOfRange(windows, 24, 36);
    assertArrayEquals(new Mfcc().normalized(threeTones(), 0), third, 0f);
    assertArrayEquals(new float[12], java.util.Arrays.copyOfRange(windows, 0, 12));
  }

  @Test
  void shouldRecoverLogMelShapeThroughTheInverseTransform() {
    // forward then inverse reproduces the log-mel bands minus their mean (c0 is dropped)
    double[] mel = new double[24];
    for (int b = 0; b < 24; b++) {
      mel[b] = Math.exp(Math.sin(b / 3.0));
    }
    double[] logMel = new double[24];
    double mean = 0;
    for (int b = 0; b < 24; b++) {
      logMel[b] = Math.log(mel[b]);
      mean += logMel[b] / 24;
    }
    float[] coeffs = new float[12];
    MelCepstrum.melPowerToMfcc(mel.clone(), coeffs, 0);
    double[] back = new double[24];
    MelCepstrum.mfccToLogMel(coeffs, 0, back);
    // 12 of 23 non-DC coefficients are kept, so compare the smooth shape loosely
    for (int b = 0; b < 24; b++) {
      assertEquals(logMel[b] - mean, back[b], 0.05, "band " + b);
    }
  }
}
