package ai.avloc.simulator;

import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.MultichannelAudio;
import java.util.Random;

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
    if (scene.sources().isEmpty()) {
      return 0;
    }
    double[][] mic = scene.array().positions();
    int n = out[0].length;
    SourceField field = new SourceField(scene);
    double[] acc = new double[BLOCK];
    double energy = 0;
    for (int start = 0; start < n; start += BLOCK) {
      int len = Math.min(BLOCK, n - start);
      field.block(start, len);
      for (int m = 0; m < mic.length; m++) {
        field.pressure(m, mic[m], acc);
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
    double power = scene.diffuseNoise().level().power(signalPower);
    if (!(power > 0)) {
      return;
    }
    int n = out[0].length;
    int period = DiffuseField.period(n);
    DiffuseField.synthesize(
        scene,
        scene.array().positions(),
        power,
        period,
        (x, m) -> {
          float[] row = out[m];
          for (int i = 0, p = 0; i < n; i++, p = (p + 1 == period ? 0 : p + 1)) {
            row[i] += (float) x[p];
          }
        });
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
