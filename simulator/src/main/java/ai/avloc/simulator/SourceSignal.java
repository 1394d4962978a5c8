package ai.avloc.simulator;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Random;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The pressure a sound source emits, as a function of continuous time: {@link #valueAt(double)}
 * gives pascals at 1 m from the source at any real time t in seconds (negative times included), so
 * the simulator gets exact fractional propagation delays by evaluating the signal at the retarded
 * time.
 *
 * <p>Analytic signals (tone, harmonic, AM, chirp) are evaluated in closed form. Sampled signals
 * (noise, WAV) are periodic sample grids evaluated by 64-tap Kaiser-windowed sinc interpolation
 * ({@link PeriodicSamples}), accurate to about 1e-6 of the amplitude because their content sits
 * below 0.45 of the grid's sample rate.
 *
 * <p>Scene JSON: an object with a {@code "type"} and the type's fields; see {@code
 * docs/scene-format.md} and {@link #fromJson(JsonNode, long, double, double, Path, String)}.
 */
public sealed interface SourceSignal
    permits SourceSignal.Tone,
        SourceSignal.Harmonic,
        SourceSignal.BandNoise,
        SourceSignal.AmTone,
        SourceSignal.Chirp,
        SourceSignal.Wav,
        SourceSignal.Sampled,
        SourceSignal.Gated {

  /** Pressure in Pa at 1 m from the source at time t (seconds). */
  double valueAt(double t);

  /**
   * {@code out[i] = valueAt(times[i])} for the first {@code count} times; signals that can share
   * work between neighbouring samples (the sinc-interpolated ones) override it.
   */
  default void valuesAt(double[] times, double[] out, int count) {
    for (int i = 0; i < count; i++) {
      out[i] = valueAt(times[i]);
    }
  }

  /** The scene-JSON type name ({@code "tone"}, {@code "noise"}, ...). */
  String type();

  /**
   * Parses a {@code signal} object of a scene file.
   *
   * @param node the JSON object
   * @param seed the seed of this signal's randomness (noise samples, harmonic phases)
   * @param sampleRate the scene's sample rate in Hz; every frequency must lie below its Nyquist
   *     frequency
   * @param duration the scene's duration in seconds (noise grids are made at least this long plus a
   *     second before they repeat)
   * @param baseDir the directory relative WAV paths are resolved against; null for the working
   *     directory
   * @param path the JSON path of {@code node} for error messages, e.g. {@code sources[1].signal}
   * @throws IllegalArgumentException naming the JSON path of an invalid or missing field
   */
  static SourceSignal fromJson(
      JsonNode node, long seed, double sampleRate, double duration, Path baseDir, String path) {
    SignalSpec spec = SceneJson.read(node, path, SignalSpec.class);
    if (spec == null) {
      throw SceneJson.error(path, "must be a JSON object, got " + SceneJson.describe(node));
    }
    return spec.toSignal(new SignalSpec.Context(seed, sampleRate, duration, baseDir, path));
  }

  /** The fractional part of x, in [0, 1): phases in cycles are reduced before multiplying by 2π. */
  private static double frac(double x) {
    return x - Math.floor(x);
  }

  /**
   * {@code amplitude · sin(2π·frequency·t + phase)}, phase in degrees; amplitude is the peak in Pa
   * at 1 m.
   */
  record Tone(double frequency, double amplitude, double phaseDeg) implements SourceSignal {
    @Override
    public double valueAt(double t) {
      return amplitude * Math.sin(2 * Math.PI * frac(frequency * t) + Math.toRadians(phaseDeg));
    }

    @Override
    public String type() {
      return "tone";
    }
  }

  /**
   * A harmonic series, e.g. a drone's or an engine's: harmonic k = 1..count at k·f0 with peak
   * amplitude {@code amplitude · rolloff^(k−1)} and a phase drawn from the seed (random phases keep
   * the crest factor of a many-harmonic sum moderate, as in real rotor noise).
   */
  final class Harmonic implements SourceSignal {
    /** Amplitude factor from one harmonic to the next when the JSON gives no {@code rolloff}. */
    public static final double DEFAULT_ROLLOFF = 0.7;

    private final double f0;
    private final double[] amplitudes;
    private final double[] cosPhase;
    private final double[] sinPhase;

    private Harmonic(double f0, double[] amplitudes, double[] phases) {
      this.f0 = f0;
      this.amplitudes = amplitudes;
      cosPhase = new double[phases.length];
      sinPhase = new double[phases.length];
      for (int k = 0; k < phases.length; k++) {
        cosPhase[k] = Math.cos(phases[k]);
        sinPhase[k] = Math.sin(phases[k]);
      }
    }

    /** Harmonics 1..count with phases uniform in [0, 2π) from {@code seed}. */
    public static Harmonic withRandomPhases(
        double f0, int count, double amplitude, double rolloff, long seed) {
      Random random = new Random(seed);
      double[] amplitudes = new double[count];
      double[] phases = new double[count];
      double a = amplitude;
      for (int k = 0; k < count; k++) {
        amplitudes[k] = a;
        a *= rolloff;
        phases[k] = 2 * Math.PI * random.nextDouble();
      }
      return new Harmonic(f0, amplitudes, phases);
    }

    public double f0() {
      return f0;
    }

    public int harmonics() {
      return amplitudes.length;
    }

    @Override
    public double valueAt(double t) {
      double theta = 2 * Math.PI * frac(f0 * t);
      double c1 = Math.cos(theta);
      double s1 = Math.sin(theta);
      double ck = c1;
      double sk = s1;
      double sum = 0;
      // sin(kθ + φ_k) = sin kθ cos φ_k + cos kθ sin φ_k, with (cos kθ, sin kθ) advanced by one
      // rotation per
      // harmonic: one sin/cos pair per evaluation whatever the count.
      for (int k = 0; k < amplitudes.length; k++) {
        sum += amplitudes[k] * (sk * cosPhase[k] + ck * sinPhase[k]);
        double next = ck * c1 - sk * s1;
        sk = sk * c1 + ck * s1;
        ck = next;
      }
      return sum;
    }

    @Override
    public String type() {
      return "harmonic";
    }
  }

  /**
   * Gaussian noise band-limited to [low, high] Hz with the given RMS in Pa at 1 m. One period is
   * synthesised by FFT on a grid at 4·high Hz, long enough for the scene plus one second (at most
   * 2^22 samples; longer scenes hear it repeat), and evaluated by windowed-sinc interpolation: the
   * band ends at a quarter of the grid's rate, far inside the kernel's pass band.
   */
  final class BandNoise implements SourceSignal {
    /** Longest grid, in samples, before the noise loops (2^22, 32 MB of doubles). */
    public static final int MAX_GRID = 1 << 22;

    private final double low;
    private final double high;
    private final double rms;
    private final PeriodicSamples grid;

    private BandNoise(double low, double high, double rms, PeriodicSamples grid) {
      this.low = low;
      this.high = high;
      this.rms = rms;
      this.grid = grid;
    }

    /**
     * Generates the noise deterministically from {@code seed}.
     *
     * @param minSeconds how long the noise should run before it repeats (the scene's duration)
     */
    public static BandNoise generate(
        double low, double high, double rms, double minSeconds, long seed) {
      double rate = 4 * high;
      long wanted = (long) Math.ceil((minSeconds + 1) * rate);
      int n =
          wanted >= MAX_GRID ? NoiseSpectra.fftSizeAtMost(MAX_GRID) : NoiseSpectra.fftSize(wanted);
      double[] x = NoiseSpectra.unitPowerNoise(n, rate, low, high, new Random(seed));
      for (int i = 0; i < n; i++) {
        x[i] *= rms;
      }
      return new BandNoise(low, high, rms, new PeriodicSamples(x, rate));
    }

    public double low() {
      return low;
    }

    public double high() {
      return high;
    }

    public double rms() {
      return rms;
    }

    /** The sample grid behind the interpolation (package-private: tests compare against it). */
    PeriodicSamples grid() {
      return grid;
    }

    @Override
    public double valueAt(double t) {
      return grid.valueAt(t);
    }

    @Override
    public String type() {
      return "noise";
    }
  }

  /**
   * Amplitude modulation: {@code amplitude · (1 + depth·sin(2π·modulation·t)) · sin(2π·carrier·t)};
   * peak {@code amplitude·(1 + depth)} Pa at 1 m. Sidebands sit at carrier ± modulation.
   */
  record AmTone(double carrier, double modulation, double depth, double amplitude)
      implements SourceSignal {
    @Override
    public double valueAt(double t) {
      double envelope = 1 + depth * Math.sin(2 * Math.PI * frac(modulation * t));
      return amplitude * envelope * Math.sin(2 * Math.PI * frac(carrier * t));
    }

    @Override
    public String type() {
      return "am";
    }
  }

  /**
   * A sawtooth of linear sweeps: within each period the instantaneous frequency runs linearly from
   * {@code from} to {@code to} Hz, then jumps back. The phase carries over from one period to the
   * next, so the waveform has no step (only the frequency jumps). Peak amplitude in Pa at 1 m.
   */
  record Chirp(double from, double to, double period, double amplitude) implements SourceSignal {
    /** The instantaneous frequency in Hz at time t. */
    public double frequencyAt(double t) {
      double tau = t - period * Math.floor(t / period);
      return from + (to - from) * tau / period;
    }

    @Override
    public double valueAt(double t) {
      double k = Math.floor(t / period);
      double tau = t - k * period;
      // Each full period advances the phase by period·(from + to)/2 cycles; only its fraction
      // matters.
      double cyclesPerPeriod = period * (from + to) / 2;
      double before = frac(k * frac(cyclesPerPeriod));
      double within = from * tau + (to - from) * tau * tau / (2 * period);
      return amplitude * Math.sin(2 * Math.PI * frac(before + within));
    }

    @Override
    public String type() {
      return "chirp";
    }
  }

  /**
   * A WAV file (read with {@link AudioFiles#read(Path)}, samples in [−1, 1]) mixed to mono by
   * averaging the channels, times {@code gain} to give Pa at 1 m, looped forever (t = 0 is the
   * file's first sample; negative times play the end of the loop). Before interpolation the loop is
   * low-passed circularly by FFT to 0.45 of the lower of the file's and the scene's sample rates:
   * that keeps its content inside the sinc kernel's pass band and, for files sampled faster than
   * the scene, removes what would alias. Circular filtering matches the looping, so the loop point
   * gets no extra click.
   */
  final class Wav implements SourceSignal {
    private final Path file;
    private final double gain;
    private final PeriodicSamples grid;

    private Wav(Path file, double gain, PeriodicSamples grid) {
      this.file = file;
      this.gain = gain;
      this.grid = grid;
    }

    /**
     * Reads and prepares a WAV file for a scene at {@code sceneRate} Hz.
     *
     * @throws IllegalArgumentException if the file cannot be read or is not a WAV avloc reads
     */
    public static Wav read(Path file, double gain, double sceneRate) {
      MultichannelAudio audio;
      try {
        audio = AudioFiles.read(file);
      } catch (Exception e) {
        throw new IllegalArgumentException(
            "cannot read WAV file " + file + ": " + e.getMessage(), e);
      }
      int n = audio.frames();
      int channels = audio.channelCount();
      double[] mono = new double[n];
      for (int c = 0; c < channels; c++) {
        float[] row = audio.channel(c);
        for (int i = 0; i < n; i++) {
          mono[i] += row[i];
        }
      }
      for (int i = 0; i < n; i++) {
        mono[i] *= gain / channels;
      }
      double rate = audio.sampleRate();
      lowPassCircular(mono, rate, 0.45 * Math.min(rate, sceneRate));
      return new Wav(file, gain, new PeriodicSamples(mono, rate));
    }

    /** Zeroes every DFT bin above {@code cutoff} Hz of the periodic signal x (in place). */
    private static void lowPassCircular(double[] x, double rate, double cutoff) {
      int n = x.length;
      if (n < 2) {
        return;
      }
      double[] spectrum = new double[2 * n];
      System.arraycopy(x, 0, spectrum, 0, n);
      DoubleFFT_1D fft = new DoubleFFT_1D(n);
      fft.realForwardFull(spectrum);
      for (int k = 0; k < n; k++) {
        int folded = Math.min(k, n - k);
        if (folded * rate / n > cutoff) {
          spectrum[2 * k] = 0;
          spectrum[2 * k + 1] = 0;
        }
      }
      fft.complexInverse(spectrum, true);
      for (int i = 0; i < n; i++) {
        x[i] = spectrum[2 * i];
      }
    }

    public Path file() {
      return file;
    }

    public double gain() {
      return gain;
    }

    /** Length of the loop in seconds. */
    public double loopSeconds() {
      return grid.period();
    }

    /** The file's sample rate in Hz, the loop's grid. */
    public double sampleRate() {
      return grid.rate();
    }

    /** A copy of the loop's samples as prepared: mono, times {@code gain}, low-passed, in Pa. */
    public double[] samples() {
      return grid.samples();
    }

    @Override
    public double valueAt(double t) {
      return grid.valueAt(t);
    }

    @Override
    public String type() {
      return "wav";
    }
  }

  /**
   * A periodic signal made in code, not read from a scene file: one period of samples at {@code
   * rate} Hz, evaluated by the same windowed-sinc interpolation as noise and WAV files, so its
   * content must lie below about 0.44 of {@code rate}. It has no JSON form; the synthetic dataset
   * builds its class sound signatures with it.
   */
  final class Sampled implements SourceSignal {
    private final PeriodicSamples grid;

    private Sampled(PeriodicSamples grid) {
      this.grid = grid;
    }

    /**
     * The signal whose period is {@code samples} (copied) at {@code rate} Hz, in Pa at 1 m.
     *
     * @throws IllegalArgumentException for no samples or a rate that is not positive
     */
    public static Sampled of(double[] samples, double rate) {
      return new Sampled(new PeriodicSamples(samples, rate));
    }

    /** The grid's sample rate in Hz. */
    public double rate() {
      return grid.rate();
    }

    /** Length of one period in seconds. */
    public double periodSeconds() {
      return grid.period();
    }

    @Override
    public double valueAt(double t) {
      return grid.valueAt(t);
    }

    @Override
    public String type() {
      return "sampled";
    }
  }

  /**
   * A signal heard only in given intervals of time: a machine that starts and stops, a door, an
   * alarm. The gate rises and falls over {@link #RAMP_SECONDS} (a raised-cosine ramp centred on
   * each edge), so switching makes no broadband click that a hard edge would.
   */
  record Gated(SourceSignal signal, double[] starts, double[] ends) implements SourceSignal {
    /** How long the gate takes to open or close, seconds. */
    public static final double RAMP_SECONDS = 0.01;

    public Gated {
      if (starts.length != ends.length || starts.length == 0) {
        throw new IllegalArgumentException("a gate needs as many starts as ends, at least one");
      }
      starts = starts.clone();
      ends = ends.clone();
      for (int i = 0; i < starts.length; i++) {
        if (!(starts[i] < ends[i]) || (i > 0 && !(ends[i - 1] <= starts[i]))) {
          throw new IllegalArgumentException(
              "active intervals must be [start, end] with start < end, in time order and not"
                  + " overlapping");
        }
      }
    }

    /** The gate's value at t, in [0, 1]. */
    public double gain(double t) {
      double half = RAMP_SECONDS / 2;
      // the first interval that has not closed by t (ends are sorted): a scene file may hold many
      // intervals, and this runs once per sample and microphone
      int lo = 0;
      int hi = ends.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ends[mid] + half < t) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      if (lo == ends.length || t < starts[lo] - half) {
        return 0;
      }
      return ramp(t - (starts[lo] - half)) * ramp((ends[lo] + half) - t);
    }

    private static double ramp(double x) {
      return x >= RAMP_SECONDS ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * x / RAMP_SECONDS);
    }

    @Override
    public double valueAt(double t) {
      double g = gain(t);
      return g == 0 ? 0 : g * signal.valueAt(t);
    }

    @Override
    public void valuesAt(double[] times, double[] out, int count) {
      signal.valuesAt(times, out, count);
      for (int i = 0; i < count; i++) {
        out[i] *= gain(times[i]);
      }
    }

    @Override
    public String type() {
      return signal.type();
    }
  }
}
