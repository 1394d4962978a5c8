package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.beamforming.Beamformer.BinPowers;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The beamformer as it was before the real-GEMM rewrite (one complex cgemm per bin over every
 * direction), kept verbatim as the reference that {@link Beamformer}'s maps are checked against and
 * timed beside. Its {@link BinPowers} is {@link Beamformer.BinPowers}.
 *
 * <p>Frequency-domain filter-and-sum beamformer over a batch of frames.
 *
 * <p>For each frequency bin the beam outputs of every grid point and frame are one complex matrix
 * product, weights (D x M) times spectra (M x F), done by OpenBLAS's cgemm: at D = 1728, M = 128 it
 * is where all the arithmetic is, and a tuned GEMM runs it near the cores' peak. Weights are not
 * stored per bin (that would be ~0.9 GB for 128 microphones): bin k+1's come from bin k's by one
 * complex rotation per element, which costs about 1/F of the product itself.
 *
 * <p>Not thread safe; holds off-heap buffers: close it.
 */
final class CgemmBeamformer implements AutoCloseable {
  /**
   * Re-anchor the rotated weights with exact sin/cos this often: float rotation drifts by about
   * 1e-7 per bin, so the weights stay within ~1e-5 of exact.
   */
  private static final int REANCHOR_BINS = 128;

  private final SteeringModel model;
  private final double binHz;
  private final boolean removeDiagonal;
  private final int maxFrames;
  private final int directions;
  private final int mics;

  /** Per-bin rotation exp(+j 2 pi binHz tau), interleaved like the weights. */
  private final float[] step;

  private int phaseBin = -2;

  private final float[] weights;
  private final float[] output;
  private final float[] power;
  private final FloatPointer weightsOffHeap;
  private final FloatBuffer weightsBuffer;
  private final FloatPointer spectraOffHeap;
  private final FloatPointer outputOffHeap;
  private final FloatPointer one = new FloatPointer(1f, 0f);
  private final FloatPointer zero = new FloatPointer(0f, 0f);
  // diagonal removal: sum_m g_dm^2 |X_m|^2 is a real product (D x M)(M x F)
  private final FloatPointer gainSquaredOffHeap;
  private final FloatPointer micPowerOffHeap;
  private final FloatPointer selfPowerOffHeap;
  private final float[] micPower;
  private final float[] selfPower;

  /**
   * @param sampleRate of the frames' audio, Hz
   * @param frameLength FFT length of the frames, samples (bin k is at k * sampleRate / frameLength)
   * @param maxFrames largest batch passed to {@link #beamPowers}
   */
  CgemmBeamformer(BeamSteering steering, double sampleRate, int frameLength, int maxFrames) {
    if (maxFrames < 1) {
      throw new IllegalArgumentException("batch must hold at least one frame, got " + maxFrames);
    }
    this.model = new SteeringModel(steering);
    this.binHz = sampleRate / frameLength;
    this.removeDiagonal = steering.removeDiagonal();
    this.maxFrames = maxFrames;
    this.directions = model.directions;
    this.mics = model.mics;
    int weightCount = directions * mics;
    this.step = new float[2 * weightCount];
    for (int i = 0; i < weightCount; i++) {
      double angle = 2 * Math.PI * binHz * model.delay[i];
      step[2 * i] = (float) Math.cos(angle);
      step[2 * i + 1] = (float) Math.sin(angle);
    }
    this.weights = new float[2 * weightCount];
    this.output = new float[2 * directions * maxFrames];
    this.power = new float[directions * maxFrames];
    this.weightsOffHeap = new FloatPointer(2L * weightCount);
    this.weightsBuffer = weightsOffHeap.asBuffer();
    this.spectraOffHeap = new FloatPointer(2L * mics * maxFrames);
    this.outputOffHeap = new FloatPointer(2L * directions * maxFrames);
    this.micPower = new float[mics * maxFrames];
    this.selfPower = new float[directions * maxFrames];
    if (removeDiagonal) {
      float[] g2 = new float[weightCount];
      for (int i = 0; i < weightCount; i++) {
        g2[i] = (float) (model.gain[i] * model.gain[i]);
      }
      this.gainSquaredOffHeap = new FloatPointer(g2);
      this.micPowerOffHeap = new FloatPointer((long) mics * maxFrames);
      this.selfPowerOffHeap = new FloatPointer((long) directions * maxFrames);
    } else {
      this.gainSquaredOffHeap = null;
      this.micPowerOffHeap = null;
      this.selfPowerOffHeap = null;
    }
  }

  public int directions() {
    return directions;
  }

  public int mics() {
    return mics;
  }

  public int maxFrames() {
    return maxFrames;
  }

  public double binHz() {
    return binHz;
  }

  /**
   * Beam power |Y_d(f_k)|^2 for every grid point, frame and requested bin (minus the microphones'
   * self power when the diagonal is removed, clamped at 0).
   *
   * @param spectra complex spectra, interleaved (re, im); bin {@code bins[b]} of microphone m in
   *     frame f at float index {@code 2 * ((b * mics + m) * frames + f)}
   * @param frames frames in this batch, at most {@link #maxFrames()}
   * @param bins FFT bin numbers, ascending bins are cheapest
   */
  public void beamPowers(float[] spectra, int frames, int[] bins, BinPowers sink) {
    beamPowers(spectra, 0, frames, bins, sink);
  }

  /**
   * As {@link #beamPowers(float[], int, int[], BinPowers)}, with the first bin's block at {@code
   * offset}.
   */
  public void beamPowers(float[] spectra, int offset, int frames, int[] bins, BinPowers sink) {
    if (frames < 1 || frames > maxFrames) {
      throw new IllegalArgumentException(
          "batch of " + frames + " frames, this beamformer takes 1.." + maxFrames);
    }
    long expected = 2L * bins.length * mics * frames;
    if (offset < 0 || spectra.length - offset < expected) {
      throw new IllegalArgumentException(
          "spectra hold "
              + (spectra.length - offset)
              + " floats, "
              + bins.length
              + " bins x "
              + mics
              + " mics x "
              + frames
              + " frames need "
              + expected);
    }
    int block = 2 * mics * frames;
    for (int b = 0; b < bins.length; b++) {
      int bin = bins[b];
      fillWeights(bin);
      weightsBuffer.position(0);
      weightsBuffer.put(weights);
      spectraOffHeap.position(0).put(spectra, offset + b * block, block);
      openblas_nolapack.cblas_cgemm(
          openblas_nolapack.CblasRowMajor,
          openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasNoTrans,
          directions,
          frames,
          mics,
          one,
          weightsOffHeap,
          mics,
          spectraOffHeap,
          frames,
          zero,
          outputOffHeap,
          frames);
      int outputs = directions * frames;
      outputOffHeap.position(0).get(output, 0, 2 * outputs);
      for (int i = 0; i < outputs; i++) {
        float re = output[2 * i];
        float im = output[2 * i + 1];
        power[i] = re * re + im * im;
      }
      if (removeDiagonal) {
        subtractSelfPower(spectra, offset + b * block, frames);
      }
      sink.accept(bin, power, frames);
    }
  }

  /**
   * Dropping the diagonal drops M of the M^2 terms a coherent source contributes; M / (M - 1)
   * restores its level, as Acoular does by default.
   */
  private float diagonalRescale() {
    return mics > 1 ? mics / (mics - 1f) : 1f;
  }

  private void subtractSelfPower(float[] spectra, int offset, int frames) {
    float diagonalRescale = diagonalRescale();
    for (int i = 0; i < mics * frames; i++) {
      float re = spectra[offset + 2 * i];
      float im = spectra[offset + 2 * i + 1];
      micPower[i] = re * re + im * im;
    }
    micPowerOffHeap.position(0).put(micPower, 0, mics * frames);
    openblas_nolapack.cblas_sgemm(
        openblas_nolapack.CblasRowMajor,
        openblas_nolapack.CblasNoTrans,
        openblas_nolapack.CblasNoTrans,
        directions,
        frames,
        mics,
        1f,
        gainSquaredOffHeap,
        mics,
        micPowerOffHeap,
        frames,
        0f,
        selfPowerOffHeap,
        frames);
    selfPowerOffHeap.position(0).get(selfPower, 0, directions * frames);
    for (int i = 0; i < directions * frames; i++) {
      power[i] = Math.max(0f, (power[i] - selfPower[i]) * diagonalRescale);
    }
  }

  /**
   * weights = g exp(+j 2 pi k binHz tau): rotated in place from bin k - 1's when that was the last
   * bin, so one pass reads and writes the weights once (the state is the weights themselves: at 1.8
   * MB per bin for 128 mics, memory traffic is what this loop costs).
   */
  private void fillWeights(int bin) {
    int n = weights.length / 2;
    if (bin != phaseBin + 1 || bin % REANCHOR_BINS == 0) {
      double[] gain = model.gain;
      double[] delay = model.delay;
      for (int i = 0; i < n; i++) {
        double angle = 2 * Math.PI * bin * binHz * delay[i];
        weights[2 * i] = (float) (gain[i] * Math.cos(angle));
        weights[2 * i + 1] = (float) (gain[i] * Math.sin(angle));
      }
    } else {
      for (int i = 0; i < 2 * n; i += 2) {
        float re = weights[i];
        float im = weights[i + 1];
        float sr = step[i];
        float si = step[i + 1];
        weights[i] = re * sr - im * si;
        weights[i + 1] = re * si + im * sr;
      }
    }
    phaseBin = bin;
  }

  @Override
  public void close() {
    weightsOffHeap.close();
    spectraOffHeap.close();
    outputOffHeap.close();
    one.close();
    zero.close();
    if (gainSquaredOffHeap != null) {
      gainSquaredOffHeap.close();
      micPowerOffHeap.close();
      selfPowerOffHeap.close();
    }
  }
}
