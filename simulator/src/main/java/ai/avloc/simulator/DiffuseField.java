package ai.avloc.simulator;

import java.util.Random;
import java.util.function.ObjIntConsumer;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * One period of the diffuse background at chosen microphones (see {@link SceneSimulator}): {@code
 * planeWaves} band-limited Gaussian noises from directions uniform on the sphere, each delayed
 * exactly per microphone in the frequency domain. {@link SceneSimulator} and {@link SceneStream}
 * both build it here, so they give the same samples.
 */
final class DiffuseField {

  private DiffuseField() {}

  /** The background's period in samples for a scene of {@code length} samples. */
  static int period(int length) {
    return length <= SceneSimulator.MAX_DIFFUSE_PERIOD
        ? NoiseSpectra.fftSize(length)
        : NoiseSpectra.fftSizeAtMost(SceneSimulator.MAX_DIFFUSE_PERIOD);
  }

  /**
   * Synthesises the background at {@code mics} (positions in metres) for a power of {@code power}
   * Pa² per microphone, handing each microphone's period ({@code period} doubles, the buffer is
   * reused afterwards) with its index into {@code mics} to {@code sink}.
   *
   * @throws IllegalArgumentException if the band holds no FFT bin
   */
  static void synthesize(
      Scene scene, double[][] mics, double power, int period, ObjIntConsumer<double[]> sink) {
    Scene.DiffuseNoise noise = scene.diffuseNoise();
    double fs = scene.sampleRate();
    double c = scene.speedOfSound();
    int k0 = NoiseSpectra.firstBin(period, fs, noise.low());
    int k1 = NoiseSpectra.lastBin(period, fs, noise.high());
    if (k1 < k0) {
      throw new IllegalArgumentException(
          "diffuseNoise: band "
              + noise.low()
              + ".."
              + noise.high()
              + " Hz holds no frequency bin at a resolution of "
              + (fs / period)
              + " Hz; widen it");
    }
    int waves = noise.planeWaves();
    // Directions uniform on the sphere: z uniform in [-1, 1], azimuth uniform around it; drawn for
    // every wave in order, whichever microphones are rendered.
    Random dirRandom = new Random(Seeds.derive(scene.seed(), Seeds.DIFFUSE_DIRECTIONS, 0));
    double[][] tau = new double[waves][mics.length];
    for (int w = 0; w < waves; w++) {
      double z = 2 * dirRandom.nextDouble() - 1;
      double phi = 2 * Math.PI * dirRandom.nextDouble();
      double rho = Math.sqrt(Math.max(0, 1 - z * z));
      double dx = rho * Math.cos(phi);
      double dy = rho * Math.sin(phi);
      for (int m = 0; m < mics.length; m++) {
        tau[w][m] = -(mics[m][0] * dx + mics[m][1] * dy + mics[m][2] * z) / c;
      }
    }
    double gain = Math.sqrt(power / waves);
    double binHz = fs / period;
    DoubleFFT_1D fft = new DoubleFFT_1D(period);
    int group = (int) Math.max(1, Math.min(mics.length, SceneSimulator.DIFFUSE_BUFFER / period));
    for (int first = 0; first < mics.length; first += group) {
      int size = Math.min(group, mics.length - first);
      double[][] spectra = new double[size][period];
      for (int w = 0; w < waves; w++) {
        // Regenerated per group from its own seed: the same wave whatever the grouping.
        double[] wave =
            NoiseSpectra.unitPowerSpectrum(
                period,
                fs,
                noise.low(),
                noise.high(),
                new Random(Seeds.derive(scene.seed(), Seeds.DIFFUSE_WAVE, w)));
        for (int j = 0; j < size; j++) {
          delayAndAdd(wave, spectra[j], k0, k1, binHz, tau[w][first + j], gain);
        }
      }
      for (int j = 0; j < size; j++) {
        fft.realInverse(spectra[j], false);
        sink.accept(spectra[j], first + j);
        spectra[j] = null;
      }
    }
  }

  /**
   * {@code target[k] += gain · wave[k] · exp(−2πi·f_k·tau)} for bins k0..k1 (a delay by tau
   * seconds). Four phasors, for bins k, k+1, k+2, k+3, each advance by a fixed rotation of four
   * bins (independent chains the CPU overlaps; one chain would wait on its own multiplications, and
   * this loop is about a third of {@code synth}'s time), and are recomputed exactly every 256 bins
   * so rounding cannot build up.
   */
  static void delayAndAdd(
      double[] wave, double[] target, int k0, int k1, double binHz, double tau, double gain) {
    double step = -2 * Math.PI * binHz * tau;
    double rotRe = Math.cos(4 * step);
    double rotIm = Math.sin(4 * step);
    for (int block = k0; block <= k1; block += 256) {
      int last = Math.min(k1, block + 255);
      double re0 = gain * Math.cos(step * block);
      double im0 = gain * Math.sin(step * block);
      double re1 = gain * Math.cos(step * (block + 1));
      double im1 = gain * Math.sin(step * (block + 1));
      double re2 = gain * Math.cos(step * (block + 2));
      double im2 = gain * Math.sin(step * (block + 2));
      double re3 = gain * Math.cos(step * (block + 3));
      double im3 = gain * Math.sin(step * (block + 3));
      int k = block;
      for (; k + 3 <= last; k += 4) {
        add(wave, target, k, re0, im0);
        add(wave, target, k + 1, re1, im1);
        add(wave, target, k + 2, re2, im2);
        add(wave, target, k + 3, re3, im3);
        double next = re0 * rotRe - im0 * rotIm;
        im0 = re0 * rotIm + im0 * rotRe;
        re0 = next;
        next = re1 * rotRe - im1 * rotIm;
        im1 = re1 * rotIm + im1 * rotRe;
        re1 = next;
        next = re2 * rotRe - im2 * rotIm;
        im2 = re2 * rotIm + im2 * rotRe;
        re2 = next;
        next = re3 * rotRe - im3 * rotIm;
        im3 = re3 * rotIm + im3 * rotRe;
        re3 = next;
      }
      // up to three bins left, whose phasors are the first chains'
      if (k <= last) {
        add(wave, target, k, re0, im0);
      }
      if (k + 1 <= last) {
        add(wave, target, k + 1, re1, im1);
      }
      if (k + 2 <= last) {
        add(wave, target, k + 2, re2, im2);
      }
    }
  }

  /** {@code target[k] += wave[k] · (re + i·im)}, complex bins interleaved. */
  private static void add(double[] wave, double[] target, int k, double re, double im) {
    double wr = wave[2 * k];
    double wi = wave[2 * k + 1];
    target[2 * k] += wr * re - wi * im;
    target[2 * k + 1] += wr * im + wi * re;
  }
}
