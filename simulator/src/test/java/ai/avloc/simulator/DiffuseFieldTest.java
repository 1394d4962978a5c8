package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DiffuseFieldTest {

  @Test
  void shouldDelayEveryBinOfTheBandByTheExactPhaseAndLeaveTheRestAlone() {
    int bins = 2049;
    double binHz = 12288.0 / 4096;
    double tau = 3.7e-4;
    double gain = 0.8;
    Random random = new Random(11);
    double[] wave = new double[2 * bins];
    for (int i = 0; i < wave.length; i++) {
      wave[i] = random.nextGaussian();
    }
    // bands whose length is and is not a multiple of the four phasors, shorter and longer than the
    // 256 bins between exact recomputations
    for (int[] band : new int[][] {{5, 5}, {5, 7}, {10, 265}, {33, 1000}, {0, 2048}}) {
      int k0 = band[0];
      int k1 = band[1];
      double[] target = new double[2 * bins];
      target[0] = 1;
      target[2 * bins - 1] = -1;
      DiffuseField.delayAndAdd(wave, target, k0, k1, binHz, tau, gain);
      for (int k = 0; k < bins; k++) {
        double re = k == 0 ? 1 : 0;
        double im = k == bins - 1 ? -1 : 0;
        if (k >= k0 && k <= k1) {
          double phase = -2 * Math.PI * k * binHz * tau;
          double c = gain * Math.cos(phase);
          double s = gain * Math.sin(phase);
          re += wave[2 * k] * c - wave[2 * k + 1] * s;
          im += wave[2 * k] * s + wave[2 * k + 1] * c;
        }
        assertEquals(re, target[2 * k], 1e-12, "re of bin " + k + " in " + k0 + ".." + k1);
        assertEquals(im, target[2 * k + 1], 1e-12, "im of bin " + k + " in " + k0 + ".." + k1);
      }
    }
  }
}
