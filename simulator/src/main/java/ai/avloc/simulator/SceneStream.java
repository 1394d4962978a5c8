package ai.avloc.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Renders a {@link Scene} a block at a time for chosen microphones, so a stream of any length holds
 * one block of audio, not the whole scene. Each sample is the float {@link SceneSimulator#render}
 * gives for that microphone: the same arithmetic in the same order, only split differently in time.
 *
 * <p>What is held instead of the audio: when a noise level is relative to the sources ({@code
 * snrDb}), their mean power over the whole scene, computed once up front by rendering the sources
 * (not the noise) at every microphone, about half the cost of one full render; one period of the
 * diffuse background per chosen microphone (at most 2^19 floats, 2 MB, each); and a random stream
 * per chosen microphone for the sensor noise, which is why reading is sequential ({@link #rewind()}
 * starts over).
 */
public final class SceneStream {
  private final Scene scene;
  private final int[] mics;
  private final double[][] micPositions;
  private final int length;
  private final float[][] diffuse;
  private final int diffusePeriod;
  private final double sensorSigma;
  private Random[] sensor;
  private int position;

  private final double[][][] sourcePositions;
  private final double[] times = new double[SceneSimulator.BLOCK];
  private final double[] gains = new double[SceneSimulator.BLOCK];
  private final double[] values = new double[SceneSimulator.BLOCK];
  private final double[] field = new double[SceneSimulator.BLOCK];

  /**
   * A stream of the given microphones (indices into the scene's array, in the order wanted).
   *
   * @throws IllegalArgumentException for no microphone, or one outside the array; for a source
   *     within {@link SceneSimulator#MIN_DISTANCE} of a microphone (found up front when a noise
   *     level is relative, else when that block is read); for a diffuse band without an FFT bin
   */
  public SceneStream(Scene scene, int... microphones) {
    this.scene = scene;
    int count = scene.array().size();
    if (microphones.length == 0) {
      throw new IllegalArgumentException("a scene stream needs at least one microphone");
    }
    for (int m : microphones) {
      if (m < 0 || m >= count) {
        throw new IllegalArgumentException(
            "microphone "
                + m
                + " is not in array '"
                + scene.array().name()
                + "' (0.."
                + (count - 1)
                + ")");
      }
    }
    this.mics = microphones.clone();
    double[][] all = scene.array().positions();
    this.micPositions = new double[mics.length][];
    for (int c = 0; c < mics.length; c++) {
      micPositions[c] = all[mics[c]];
    }
    this.length = scene.sampleCount();
    this.sourcePositions = new double[scene.sources().size()][3][SceneSimulator.BLOCK];

    double signalPower = needsSignalPower(scene) ? sourcePower(all) : 0;
    Scene.DiffuseNoise diffuseNoise = scene.diffuseNoise();
    double diffusePower = diffuseNoise == null ? 0 : diffuseNoise.level().power(signalPower);
    if (diffusePower > 0) {
      diffusePeriod =
          length <= SceneSimulator.MAX_DIFFUSE_PERIOD
              ? NoiseSpectra.fftSize(length)
              : NoiseSpectra.fftSizeAtMost(SceneSimulator.MAX_DIFFUSE_PERIOD);
      diffuse = diffusePeriods(diffuseNoise, diffusePower);
    } else {
      diffusePeriod = 0;
      diffuse = null;
    }
    sensorSigma =
        scene.sensorNoise() == null ? 0 : Math.sqrt(scene.sensorNoise().level().power(signalPower));
    rewind();
  }

  /** A stream of every microphone of the scene's array, in channel order. */
  public static SceneStream allMicrophones(Scene scene) {
    int[] all = new int[scene.array().size()];
    Arrays.setAll(all, m -> m);
    return new SceneStream(scene, all);
  }

  /** How many channels {@link #read} fills: the chosen microphones. */
  public int channelCount() {
    return mics.length;
  }

  /** Samples per channel in the whole scene ({@link Scene#sampleCount()}). */
  public int length() {
    return length;
  }

  /** The index of the next sample {@link #read} renders. */
  public int position() {
    return position;
  }

  public int remaining() {
    return length - position;
  }

  /** Back to sample 0: the same samples again, noise included. */
  public void rewind() {
    position = 0;
    if (sensorSigma > 0) {
      sensor = new Random[mics.length];
      for (int c = 0; c < mics.length; c++) {
        sensor[c] = new Random(Seeds.derive(scene.seed(), Seeds.SENSOR, mics[c]));
      }
    }
  }

  /**
   * Renders the next samples, at most {@code count} and never past the scene's end, into {@code
   * out[c][offset ..]} for chosen microphone c (pascals).
   *
   * @return how many samples were rendered per channel; 0 at the end of the scene
   */
  public int read(float[][] out, int offset, int count) {
    if (out.length < mics.length) {
      throw new IllegalArgumentException(
          "need " + mics.length + " output channels, got " + out.length);
    }
    int todo = Math.min(count, remaining());
    for (int done = 0; done < todo; ) {
      int len = Math.min(SceneSimulator.BLOCK, todo - done);
      int start = position + done;
      positions(start, len);
      for (int c = 0; c < mics.length; c++) {
        sourceField(start, len, mics[c], micPositions[c]);
        float[] row = out[c];
        int at = offset + done;
        // Three float steps per sample in SceneSimulator's order: sources, diffuse, sensor.
        for (int i = 0; i < len; i++) {
          row[at + i] = (float) field[i];
        }
        if (diffuse != null) {
          float[] wave = diffuse[c];
          for (int i = 0, p = start % diffusePeriod;
              i < len;
              i++, p = (p + 1 == diffusePeriod ? 0 : p + 1)) {
            row[at + i] += wave[p];
          }
        }
        if (sensorSigma > 0) {
          Random random = sensor[c];
          for (int i = 0; i < len; i++) {
            row[at + i] += (float) (sensorSigma * random.nextGaussian());
          }
        }
      }
      done += len;
    }
    position += todo;
    return todo;
  }

  private static boolean needsSignalPower(Scene scene) {
    return (scene.sensorNoise() != null && scene.sensorNoise().level() instanceof Scene.Snr)
        || (scene.diffuseNoise() != null && scene.diffuseNoise().level() instanceof Scene.Snr);
  }

  /**
   * Mean power of the sources' field over every microphone and sample, summed as the simulator
   * does.
   */
  private double sourcePower(double[][] all) {
    if (scene.sources().isEmpty()) {
      return 0;
    }
    double energy = 0;
    for (int start = 0; start < length; start += SceneSimulator.BLOCK) {
      int len = Math.min(SceneSimulator.BLOCK, length - start);
      positions(start, len);
      for (int m = 0; m < all.length; m++) {
        sourceField(start, len, m, all[m]);
        for (int i = 0; i < len; i++) {
          energy += field[i] * field[i];
        }
      }
    }
    return energy / ((double) length * all.length);
  }

  /** Every source's position at the reception time of samples start .. start + len - 1. */
  private void positions(int start, int len) {
    List<SoundSource> sources = scene.sources();
    double fs = scene.sampleRate();
    for (int s = 0; s < sources.size(); s++) {
      Trajectory trajectory = sources.get(s).trajectory();
      double[] fixed = trajectory.isStatic() ? trajectory.positionAt(0) : null;
      double[][] pos = sourcePositions[s];
      for (int i = 0; i < len; i++) {
        double[] p = fixed != null ? fixed : trajectory.positionAt((start + i) / fs);
        pos[0][i] = p[0];
        pos[1][i] = p[1];
        pos[2][i] = p[2];
      }
    }
  }

  /** {@code field[i]} = the sources' pressure at one microphone, as SceneSimulator sums it. */
  private void sourceField(int start, int len, int m, double[] mic) {
    List<SoundSource> sources = scene.sources();
    double fs = scene.sampleRate();
    double c = scene.speedOfSound();
    Arrays.fill(field, 0, len, 0.0);
    for (int s = 0; s < sources.size(); s++) {
      double[][] pos = sourcePositions[s];
      double minR = Double.POSITIVE_INFINITY;
      for (int i = 0; i < len; i++) {
        double dx = pos[0][i] - mic[0];
        double dy = pos[1][i] - mic[1];
        double dz = pos[2][i] - mic[2];
        double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
        minR = Math.min(minR, r);
        times[i] = (start + i) / fs - r / c;
        gains[i] = 1 / r;
      }
      if (minR < SceneSimulator.MIN_DISTANCE) {
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
                + SceneSimulator.MIN_DISTANCE
                + " m) in the block starting at t = "
                + (start / fs)
                + " s");
      }
      sources.get(s).signal().valuesAt(times, values, len);
      for (int i = 0; i < len; i++) {
        field[i] += values[i] * gains[i];
      }
    }
  }

  /** One period of the diffuse background at each chosen microphone, as the simulator builds it. */
  private float[][] diffusePeriods(Scene.DiffuseNoise noise, double power) {
    double fs = scene.sampleRate();
    double c = scene.speedOfSound();
    int period = diffusePeriod;
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
    // The directions are drawn for every wave in order, whichever microphones are rendered.
    Random dirRandom = new Random(Seeds.derive(scene.seed(), Seeds.DIFFUSE_DIRECTIONS, 0));
    double[][] tau = new double[waves][mics.length];
    for (int w = 0; w < waves; w++) {
      double z = 2 * dirRandom.nextDouble() - 1;
      double phi = 2 * Math.PI * dirRandom.nextDouble();
      double rho = Math.sqrt(Math.max(0, 1 - z * z));
      double dx = rho * Math.cos(phi);
      double dy = rho * Math.sin(phi);
      for (int j = 0; j < mics.length; j++) {
        double[] mic = micPositions[j];
        tau[w][j] = -(mic[0] * dx + mic[1] * dy + mic[2] * z) / c;
      }
    }
    double gain = Math.sqrt(power / waves);
    double binHz = fs / period;
    DoubleFFT_1D fft = new DoubleFFT_1D(period);
    float[][] out = new float[mics.length][];
    int group = (int) Math.max(1, Math.min(mics.length, SceneSimulator.DIFFUSE_BUFFER / period));
    for (int first = 0; first < mics.length; first += group) {
      int size = Math.min(group, mics.length - first);
      double[][] spectra = new double[size][period];
      for (int w = 0; w < waves; w++) {
        double[] wave =
            NoiseSpectra.unitPowerSpectrum(
                period,
                fs,
                noise.low(),
                noise.high(),
                new Random(Seeds.derive(scene.seed(), Seeds.DIFFUSE_WAVE, w)));
        for (int j = 0; j < size; j++) {
          SceneSimulator.delayAndAdd(wave, spectra[j], k0, k1, binHz, tau[w][first + j], gain);
        }
      }
      for (int j = 0; j < size; j++) {
        double[] x = spectra[j];
        fft.realInverse(x, false);
        float[] row = new float[period];
        for (int p = 0; p < period; p++) {
          row[p] = (float) x[p];
        }
        out[first + j] = row;
        spectra[j] = null;
      }
    }
    return out;
  }
}
