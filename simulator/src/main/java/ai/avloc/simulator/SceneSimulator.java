package ai.avloc.simulator;

import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.MultichannelAudio;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Renders a {@link Scene} to the signals of its microphone array: free-field propagation from point
 * sources, then a diffuse background and sensor noise. A pure function: the same scene (same JSON,
 * same seed) gives bit-identical output, and it neither prints nor keeps state.
 *
 * <p><b>Propagation.</b> Microphone m at time t receives Σ_sources s(t − R/c) / R with R = |p(t) −
 * r_m|: spherical spreading from the source and the exact fractional delay, taken by evaluating the
 * source signal at the retarded time (signals are defined at any real time). The position p is the
 * source's position at the <em>reception</em> time t (quasi-static): the retarded-position geometry
 * is not solved, so Doppler is not modelled beyond what the changing delay R(t)/c gives (which is
 * the first-order frequency shift of a moving source). Consequence: the wavefronts come from p(t),
 * exactly what {@link Simulation#trueDirection(int, double)} reports, whereas a real recording
 * would show the source where it was R/c earlier, an angle of v/c radians (about 1.7° per 10 m/s of
 * sideways speed). No reflections, air absorption or source directivity.
 *
 * <p><b>Diffuse noise.</b> {@code planeWaves} independent band-limited Gaussian noises, each
 * arriving as a plane wave from a direction uniform on the sphere (delay τ_m = −(r_m·d)/c, as in
 * the beamformer's steering), are synthesised per microphone in the frequency domain with exact
 * fractional delays. Each wave is periodic with a period of the scene's length rounded up to a fast
 * FFT size, capped at 2^19 samples (42.7 s at 12288 Hz; longer scenes hear the background loop).
 * Each wave has the same expected power; the field's power per microphone is {@code level} in
 * expectation (within about 1 % for scenes of a few seconds: the waves are independent, not
 * orthogonal).
 *
 * <p><b>Sensor noise.</b> Independent white Gaussian noise on every microphone at {@code level}.
 *
 * <p><b>Levels.</b> An {@code snrDb} level is relative to the mean power of the sources' signal
 * (without any noise) across all microphones over the whole scene: the diffuse and the sensor noise
 * are each that many dB below it.
 */
public final class SceneSimulator {

  /** A source closer than this to a microphone (metres) is an error: 1/R would blow up. */
  public static final double MIN_DISTANCE = 0.01;

  /** Longest period of the diffuse background, samples. */
  static final int MAX_DIFFUSE_PERIOD = 1 << 19;

  /**
   * Samples per time block of the source rendering (bounds the memory of moving sources'
   * positions).
   */
  static final int BLOCK = 4096;

  /** Doubles of per-microphone spectra the diffuse synthesis holds at once (128 MB). */
  static final long DIFFUSE_BUFFER = 1L << 24;

  private SceneSimulator() {}

  /**
   * Renders the scene.
   *
   * @throws IllegalArgumentException if a source comes closer than {@link #MIN_DISTANCE} to a
   *     microphone, or the diffuse band holds no FFT bin
   */
  public static Simulation render(Scene scene) {
    MicArray array = scene.array();
    int mics = array.size();
    int n = scene.sampleCount();
    float[][] out = new float[mics][n];
    double signalPower = renderSources(scene, out);
    if (scene.diffuseNoise() != null) {
      addDiffuse(scene, out, signalPower);
    }
    if (scene.sensorNoise() != null) {
      addSensorNoise(scene, out, signalPower);
    }
    return new Simulation(new MultichannelAudio(out, scene.sampleRate()), scene);
  }

  /**
   * Writes the sources' field into {@code out}; returns its mean power over microphones and samples
   * (Pa²).
   */
  private static double renderSources(Scene scene, float[][] out) {
    List<SoundSource> sources = scene.sources();
    if (sources.isEmpty()) {
      return 0;
    }
    double[][] mic = scene.array().positions();
    int n = out[0].length;
    int count = sources.size();
    double fs = scene.sampleRate();
    double c = scene.speedOfSound();
    // Source positions for one block of samples, computed once per block and shared by all
    // microphones.
    // Quasi-static: position at the reception time (start + i) / fs, not at the emission time
    // (class comment).
    double[][][] pos = new double[count][3][BLOCK];
    double[] times = new double[BLOCK];
    double[] gains = new double[BLOCK];
    double[] values = new double[BLOCK];
    double[] acc = new double[BLOCK];
    double energy = 0;
    for (int start = 0; start < n; start += BLOCK) {
      int len = Math.min(BLOCK, n - start);
      for (int s = 0; s < count; s++) {
        Trajectory trajectory = sources.get(s).trajectory();
        double[] fixed = trajectory.isStatic() ? trajectory.positionAt(0) : null;
        for (int i = 0; i < len; i++) {
          double[] p = fixed != null ? fixed : trajectory.positionAt((start + i) / fs);
          pos[s][0][i] = p[0];
          pos[s][1][i] = p[1];
          pos[s][2][i] = p[2];
        }
      }
      for (int m = 0; m < mic.length; m++) {
        double mx = mic[m][0];
        double my = mic[m][1];
        double mz = mic[m][2];
        Arrays.fill(acc, 0, len, 0.0);
        for (int s = 0; s < count; s++) {
          double[] px = pos[s][0];
          double[] py = pos[s][1];
          double[] pz = pos[s][2];
          double minR = Double.POSITIVE_INFINITY;
          for (int i = 0; i < len; i++) {
            double dx = px[i] - mx;
            double dy = py[i] - my;
            double dz = pz[i] - mz;
            double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
            minR = Math.min(minR, r);
            times[i] = (start + i) / fs - r / c;
            gains[i] = 1 / r;
          }
          if (minR < MIN_DISTANCE) {
            throw new IllegalArgumentException(
                "sources["
                    + s
                    + "] ('"
                    + sources.get(s).name()
                    + "') comes within "
                    + minR
                    + " m of microphone "
                    + m
                    + " (minimum "
                    + MIN_DISTANCE
                    + " m) in the block starting at t = "
                    + (start / fs)
                    + " s");
          }
          sources.get(s).signal().valuesAt(times, values, len);
          for (int i = 0; i < len; i++) {
            acc[i] += values[i] * gains[i];
          }
        }
        float[] row = out[m];
        for (int i = 0; i < len; i++) {
          row[start + i] = (float) acc[i];
          energy += acc[i] * acc[i];
        }
      }
    }
    return energy / ((double) n * mic.length);
  }

  private static void addDiffuse(Scene scene, float[][] out, double signalPower) {
    Scene.DiffuseNoise diffuse = scene.diffuseNoise();
    double power = diffuse.level().power(signalPower);
    if (!(power > 0)) {
      return;
    }
    double[][] mic = scene.array().positions();
    int mics = mic.length;
    int n = out[0].length;
    double fs = scene.sampleRate();
    double c = scene.speedOfSound();
    int waves = diffuse.planeWaves();
    int period =
        n <= MAX_DIFFUSE_PERIOD
            ? NoiseSpectra.fftSize(n)
            : NoiseSpectra.fftSizeAtMost(MAX_DIFFUSE_PERIOD);
    int k0 = NoiseSpectra.firstBin(period, fs, diffuse.low());
    int k1 = NoiseSpectra.lastBin(period, fs, diffuse.high());
    if (k1 < k0) {
      throw new IllegalArgumentException(
          "diffuseNoise: band "
              + diffuse.low()
              + ".."
              + diffuse.high()
              + " Hz holds no frequency bin at a resolution of "
              + (fs / period)
              + " Hz; widen it");
    }
    // Directions uniform on the sphere: z uniform in [-1, 1], azimuth uniform around it.
    Random dirRandom = new Random(Seeds.derive(scene.seed(), Seeds.DIFFUSE_DIRECTIONS, 0));
    double[][] tau = new double[waves][mics];
    for (int w = 0; w < waves; w++) {
      double z = 2 * dirRandom.nextDouble() - 1;
      double phi = 2 * Math.PI * dirRandom.nextDouble();
      double rho = Math.sqrt(Math.max(0, 1 - z * z));
      double dx = rho * Math.cos(phi);
      double dy = rho * Math.sin(phi);
      for (int m = 0; m < mics; m++) {
        tau[w][m] = -(mic[m][0] * dx + mic[m][1] * dy + mic[m][2] * z) / c;
      }
    }
    double gain = Math.sqrt(power / waves);
    double binHz = fs / period;
    DoubleFFT_1D fft = new DoubleFFT_1D(period);
    int group = (int) Math.max(1, Math.min(mics, DIFFUSE_BUFFER / period));
    for (int first = 0; first < mics; first += group) {
      int size = Math.min(group, mics - first);
      double[][] spectra = new double[size][period];
      for (int w = 0; w < waves; w++) {
        // Regenerated per group from its own seed: the same wave whatever the grouping.
        double[] wave =
            NoiseSpectra.unitPowerSpectrum(
                period,
                fs,
                diffuse.low(),
                diffuse.high(),
                new Random(Seeds.derive(scene.seed(), Seeds.DIFFUSE_WAVE, w)));
        for (int j = 0; j < size; j++) {
          delayAndAdd(wave, spectra[j], k0, k1, binHz, tau[w][first + j], gain);
        }
      }
      for (int j = 0; j < size; j++) {
        double[] x = spectra[j];
        fft.realInverse(x, false);
        float[] row = out[first + j];
        for (int i = 0, p = 0; i < n; i++, p = (p + 1 == period ? 0 : p + 1)) {
          row[i] += (float) x[p];
        }
      }
    }
  }

  /**
   * {@code target[k] += gain · wave[k] · exp(−2πi·f_k·tau)} for bins k0..k1 (a delay by tau
   * seconds). The phasor advances by one fixed rotation per bin and is recomputed exactly every 256
   * bins so rounding cannot build up.
   */
  static void delayAndAdd(
      double[] wave, double[] target, int k0, int k1, double binHz, double tau, double gain) {
    double step = -2 * Math.PI * binHz * tau;
    double rotRe = Math.cos(step);
    double rotIm = Math.sin(step);
    double curRe = 0;
    double curIm = 0;
    for (int k = k0; k <= k1; k++) {
      if ((k - k0) % 256 == 0) {
        double phase = step * k;
        curRe = gain * Math.cos(phase);
        curIm = gain * Math.sin(phase);
      }
      double re = wave[2 * k];
      double im = wave[2 * k + 1];
      target[2 * k] += re * curRe - im * curIm;
      target[2 * k + 1] += re * curIm + im * curRe;
      double next = curRe * rotRe - curIm * rotIm;
      curIm = curRe * rotIm + curIm * rotRe;
      curRe = next;
    }
  }

  private static void addSensorNoise(Scene scene, float[][] out, double signalPower) {
    double sigma = Math.sqrt(scene.sensorNoise().level().power(signalPower));
    if (!(sigma > 0)) {
      return;
    }
    for (int m = 0; m < out.length; m++) {
      Random random = new Random(Seeds.derive(scene.seed(), Seeds.SENSOR, m));
      float[] row = out[m];
      for (int i = 0; i < row.length; i++) {
        row[i] += (float) (sigma * random.nextGaussian());
      }
    }
  }
}
