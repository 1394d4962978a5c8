package ai.avloc.acoustics.beamforming;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Frequency-domain filter-and-sum beamformer over a batch of frames.
 *
 * <p>For each frequency bin the beam outputs of every grid point and frame are one complex matrix
 * product, weights (D x M) times spectra (M x F). It runs as one real sgemm: the weights' real and
 * imaginary parts stacked as rows (2D' x M) times the spectra's real and imaginary parts side by
 * side (M x 2F), whose four blocks combine into Y = (WrXr - WiXi) + j(WrXi + WiXr), the same 8
 * flops per complex MAC as cgemm. When the grid mirrors through the array's centre (a camera's
 * field of view with a planar array: every map the job and the acoustic images make), direction
 * D-1-d has the conjugate weights of d, so its output (WrXr + WiXi) + j(WrXi - WiXr) comes from the
 * same four blocks: only D' = D/2 directions are multiplied, half the arithmetic.
 *
 * <p>Weights are not stored per bin (at 128 microphones and 36x48 directions that would be 0.45 GB
 * over 510 bins even halved): bin k+1's come from bin k's by one complex rotation per element over
 * split real and imaginary arrays, which the JIT vectorizes. The exact sin/cos weights where a
 * rotation run starts (each call's first bin and every 128th) are kept, so a stream of batches
 * computes them once. Memory, per multiplied direction and microphone: 8 bytes each for the
 * weights, their rotation, the off-heap copy the sgemm reads and each kept anchor (at most {@value
 * #MAX_ANCHORS}): 0.9 MB apiece at 128 microphones and 36x48 directions, about 9 MB in all.
 *
 * <p>A beamformer built with several parts splits the multiplied directions among them; {@link
 * #beamPowers(float[], int, int, int[], RangePowers)} runs the parts at once on a pool shared by
 * every beamformer (daemon threads, as many as the cores), each part's products on one BLAS thread
 * ({@link BlasThreads}: the beamformer joins as one task per part while it is open), so the
 * weights' rotation, the copies and the consumer's work spread over the cores as the products do.
 *
 * <p>Not thread safe; holds off-heap buffers: close it.
 */
public final class Beamformer implements AutoCloseable {
  /**
   * Re-anchor the rotated weights with exact sin/cos this often: float rotation drifts by about
   * 1e-7 per bin, so the weights stay within ~1e-5 of exact.
   */
  private static final int REANCHOR_BINS = 128;

  /** Anchors kept per part: the first bins of the calls seen plus every 128th bin. */
  private static final int MAX_ANCHORS = 8;

  /** Receives one bin's beam powers: {@code power[d * frames + f]}. */
  @FunctionalInterface
  public interface BinPowers {
    void accept(int bin, float[] power, int frames);
  }

  /**
   * Receives one bin's beam powers of directions {@code first .. first + count - 1}: {@code
   * power[(d - first) * frames + f]}. Called by several threads at once, for disjoint ranges.
   */
  @FunctionalInterface
  public interface RangePowers {
    void accept(int bin, int first, int count, float[] power, int frames);
  }

  private static final AtomicInteger POOL_THREADS = new AtomicInteger();

  /** The cores' threads, shared by all beamformers with parts (a part runs on the caller too). */
  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          Runtime.getRuntime().availableProcessors(),
          r -> {
            Thread t = new Thread(r, "beamforming-" + POOL_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private final double binHz;
  private final boolean removeDiagonal;
  private final int maxFrames;
  private final int directions;
  private final int mics;

  /** Directions whose weights are built and multiplied: all, or the first half when mirrored. */
  private final int computed;

  /** Direction D-1-d has the conjugate weights of d. */
  private final boolean mirrored;

  private final Part[] parts;
  private final float[] power;
  private boolean blasJoined;

  /**
   * One part, on its calling thread's BLAS threads.
   *
   * @param sampleRate of the frames' audio, Hz
   * @param frameLength FFT length of the frames, samples (bin k is at k * sampleRate / frameLength)
   * @param maxFrames largest batch passed to {@link #beamPowers}
   */
  public Beamformer(BeamSteering steering, double sampleRate, int frameLength, int maxFrames) {
    this(steering, sampleRate, frameLength, maxFrames, 1);
  }

  /**
   * @param parts how many threads share the directions (the cores, for one beamformer alone)
   */
  public Beamformer(
      BeamSteering steering, double sampleRate, int frameLength, int maxFrames, int parts) {
    if (maxFrames < 1) {
      throw new IllegalArgumentException("batch must hold at least one frame, got " + maxFrames);
    }
    if (parts < 1) {
      throw new IllegalArgumentException("at least one part, got " + parts);
    }
    SteeringModel model = new SteeringModel(steering);
    this.binHz = sampleRate / frameLength;
    this.removeDiagonal = steering.removeDiagonal();
    this.maxFrames = maxFrames;
    this.directions = model.directions;
    this.mics = model.mics;
    this.mirrored = model.mirrorsThroughCentre();
    this.computed = mirrored ? (directions + 1) / 2 : directions;
    int n = Math.min(parts, computed);
    this.parts = new Part[n];
    for (int p = 0; p < n; p++) {
      this.parts[p] = new Part(model, computed * p / n, computed * (p + 1) / n);
    }
    this.power = new float[directions * maxFrames];
    if (n > 1) {
      for (int p = 0; p < n; p++) {
        BlasThreads.join();
      }
      blasJoined = true;
    }
  }

  public int directions() {
    return directions;
  }

  /** Directions whose weights each bin multiplies: all, or half when the view mirrors. */
  public int multipliedDirections() {
    return computed;
  }

  public int parts() {
    return parts.length;
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
   * offset}. The parts run one after the other on the calling thread.
   */
  public void beamPowers(float[] spectra, int offset, int frames, int[] bins, BinPowers sink) {
    check(spectra, offset, frames, bins);
    int block = 2 * mics * frames;
    for (int b = 0; b < bins.length; b++) {
      for (Part part : parts) {
        part.multiply(bins[b], spectra, offset + b * block, frames);
        part.combine(frames, power, 0, power, 0);
      }
      sink.accept(bins[b], power, frames);
    }
  }

  /**
   * As {@link #beamPowers(float[], int, int[], BinPowers)}, with the first bin's block at {@code
   * offset}, the parts at once: each hands over its directions (and their mirror twins, as a second
   * range) bin after bin.
   */
  public void beamPowers(float[] spectra, int offset, int frames, int[] bins, RangePowers sink) {
    check(spectra, offset, frames, bins);
    run(p -> parts[p].beamPowers(spectra, offset, frames, bins, sink));
  }

  /** Runs {@code task} for every part: parts 1.. on the pool, part 0 on this thread. */
  void run(java.util.function.IntConsumer task) {
    if (parts.length == 1) {
      task.accept(0);
      return;
    }
    List<Future<?>> others = new ArrayList<>(parts.length - 1);
    for (int p = 1; p < parts.length; p++) {
      int part = p;
      others.add(POOL.submit(() -> task.accept(part)));
    }
    RuntimeException failure = null;
    try {
      task.accept(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : others) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException re
                  ? re
                  : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while beamforming", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Splits items {@code 0 .. count - 1} into one range per part and works on them at once, on the
   * threads the parts multiply on: for a consumer's own per-item work around the products.
   */
  public void forEachPart(int count, RangeTask task) {
    int n = parts.length;
    run(p -> task.run(p, count * p / n, count * (p + 1) / n));
  }

  /** Work of part {@code part} on items {@code first .. end - 1}. */
  @FunctionalInterface
  public interface RangeTask {
    void run(int part, int first, int end);
  }

  private void check(float[] spectra, int offset, int frames, int[] bins) {
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
  }

  /**
   * Dropping the diagonal drops M of the M^2 terms a coherent source contributes; M / (M - 1)
   * restores its level, as Acoular does by default.
   */
  private float diagonalRescale() {
    return mics > 1 ? mics / (mics - 1f) : 1f;
  }

  /** Multiplied directions {@code first .. end - 1} and their mirror twins. */
  private final class Part {
    private final int first;
    private final int end;
    private final int rows;

    /** The twins of this part's directions: {@code mirrorFirst .. mirrorEnd - 1}. */
    private final int mirrorFirst;

    private final int mirrorEnd;
    private final double[] gain;
    private final double[] delay;

    /** Per-bin rotation exp(+j 2 pi binHz tau), [(c - first) * mics + m]. */
    private final float[] stepRe;

    private final float[] stepIm;
    private final float[] weightRe;
    private final float[] weightIm;

    /** Exact weights at the bins where a rotation run started: {re, im}. */
    private final Map<Integer, float[][]> anchors = new HashMap<>();

    private int phaseBin = -2;

    private final float[] spectraRows;
    private final float[] product;
    private final float[] direct;
    private final float[] twins;

    /** [Wr; Wi]: 2 * rows rows of mics. */
    private final FloatPointer weightsOffHeap;

    private final FloatBuffer weightsBuffer;

    /** [Xr | Xi]: mics rows of 2 * frames. */
    private final FloatPointer spectraOffHeap;

    private final FloatPointer productOffHeap;
    // diagonal removal: sum_m g_dm^2 |X_m|^2 is a real product (rows x M)(M x F)
    private final FloatPointer gainSquaredOffHeap;
    private final FloatPointer micPowerOffHeap;
    private final FloatPointer selfPowerOffHeap;
    private final float[] micPower;
    private final float[] selfPower;

    Part(SteeringModel model, int first, int end) {
      this.first = first;
      this.end = end;
      this.rows = end - first;
      this.mirrorFirst = mirrored ? Math.max(directions - end, computed) : 0;
      this.mirrorEnd = mirrored ? directions - first : 0;
      int weightCount = rows * mics;
      int from = first * mics;
      this.gain = java.util.Arrays.copyOfRange(model.gain, from, from + weightCount);
      this.delay = java.util.Arrays.copyOfRange(model.delay, from, from + weightCount);
      this.stepRe = new float[weightCount];
      this.stepIm = new float[weightCount];
      for (int i = 0; i < weightCount; i++) {
        double angle = 2 * Math.PI * binHz * delay[i];
        stepRe[i] = (float) Math.cos(angle);
        stepIm[i] = (float) Math.sin(angle);
      }
      this.weightRe = new float[weightCount];
      this.weightIm = new float[weightCount];
      this.spectraRows = new float[2 * mics * maxFrames];
      this.product = new float[4 * rows * maxFrames];
      this.direct = new float[rows * maxFrames];
      this.twins = new float[Math.max(0, mirrorEnd - mirrorFirst) * maxFrames];
      this.weightsOffHeap = new FloatPointer(2L * weightCount);
      this.weightsBuffer = weightsOffHeap.asBuffer();
      this.spectraOffHeap = new FloatPointer(2L * mics * maxFrames);
      this.productOffHeap = new FloatPointer(4L * rows * maxFrames);
      this.micPower = new float[mics * maxFrames];
      this.selfPower = new float[rows * maxFrames];
      if (removeDiagonal) {
        float[] g2 = new float[weightCount];
        for (int i = 0; i < weightCount; i++) {
          g2[i] = (float) (gain[i] * gain[i]);
        }
        this.gainSquaredOffHeap = new FloatPointer(g2);
        this.micPowerOffHeap = new FloatPointer((long) mics * maxFrames);
        this.selfPowerOffHeap = new FloatPointer((long) rows * maxFrames);
      } else {
        this.gainSquaredOffHeap = null;
        this.micPowerOffHeap = null;
        this.selfPowerOffHeap = null;
      }
    }

    void beamPowers(float[] spectra, int offset, int frames, int[] bins, RangePowers sink) {
      int block = 2 * mics * frames;
      for (int b = 0; b < bins.length; b++) {
        multiply(bins[b], spectra, offset + b * block, frames);
        combine(frames, direct, first, twins, mirrorFirst);
        sink.accept(bins[b], first, rows, direct, frames);
        if (mirrorEnd > mirrorFirst) {
          sink.accept(bins[b], mirrorFirst, mirrorEnd - mirrorFirst, twins, frames);
        }
      }
    }

    /** This part's product for one bin, whose spectra start at {@code from}. */
    void multiply(int bin, float[] spectra, int from, int frames) {
      fillWeights(bin);
      weightsBuffer.position(0);
      weightsBuffer.put(weightRe);
      weightsBuffer.put(weightIm);
      int columns = 2 * frames;
      for (int m = 0; m < mics; m++) {
        int in = from + 2 * m * frames;
        int row = m * columns;
        for (int f = 0; f < frames; f++) {
          spectraRows[row + f] = spectra[in + 2 * f];
          spectraRows[row + frames + f] = spectra[in + 2 * f + 1];
        }
      }
      spectraOffHeap.position(0).put(spectraRows, 0, mics * columns);
      openblas_nolapack.cblas_sgemm(
          openblas_nolapack.CblasRowMajor,
          openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasNoTrans,
          2 * rows,
          columns,
          mics,
          1f,
          weightsOffHeap,
          mics,
          spectraOffHeap,
          columns,
          0f,
          productOffHeap,
          columns);
      productOffHeap.position(0).get(product, 0, 2 * rows * columns);
      if (removeDiagonal) {
        selfPower(spectra, from, frames);
      }
    }

    /**
     * Beam powers from the product's blocks into {@code out[(d - outBase) * frames + f]} and the
     * twins' into {@code twinOut[(d - twinBase) * frames + f]}: rows c of [Wr; Wi] times columns
     * [Xr | Xi] give WrXr, WrXi (top) and WiXr, WiXi (bottom); a twin takes the conjugate weights'
     * signs.
     */
    void combine(int frames, float[] out, int outBase, float[] twinOut, int twinBase) {
      int columns = 2 * frames;
      int bottom = rows * columns;
      float rescale = diagonalRescale();
      for (int r = 0; r < rows; r++) {
        int c = first + r;
        int top = r * columns;
        int low = bottom + top;
        int at = (c - outBase) * frames;
        int mirror = directions - 1 - c;
        int twinAt = (mirror - twinBase) * frames;
        if (mirrored && mirror != c && !removeDiagonal) {
          // the common case, without branches in the loop so that it runs on vector registers
          for (int f = 0; f < frames; f++) {
            float rr = product[top + f];
            float ri = product[top + frames + f];
            float ir = product[low + f];
            float ii = product[low + frames + f];
            float re = rr - ii;
            float im = ri + ir;
            out[at + f] = re * re + im * im;
            float tre = rr + ii;
            float tim = ri - ir;
            twinOut[twinAt + f] = tre * tre + tim * tim;
          }
          continue;
        }
        boolean hasTwin = mirrored && mirror != c;
        int self = r * frames;
        for (int f = 0; f < frames; f++) {
          float rr = product[top + f];
          float ri = product[top + frames + f];
          float ir = product[low + f];
          float ii = product[low + frames + f];
          float re = rr - ii;
          float im = ri + ir;
          float p = re * re + im * im;
          if (removeDiagonal) {
            p = Math.max(0f, (p - selfPower[self + f]) * rescale);
          }
          out[at + f] = p;
          if (hasTwin) {
            float tre = rr + ii;
            float tim = ri - ir;
            float t = tre * tre + tim * tim;
            if (removeDiagonal) {
              // a twin has its direction's gains, so its microphones' self power too
              t = Math.max(0f, (t - selfPower[self + f]) * rescale);
            }
            twinOut[twinAt + f] = t;
          }
        }
      }
    }

    private void selfPower(float[] spectra, int offset, int frames) {
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
          rows,
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
      selfPowerOffHeap.position(0).get(selfPower, 0, rows * frames);
    }

    /**
     * weights = g exp(+j 2 pi k binHz tau): rotated in place from bin k - 1's when that was the
     * last bin, so one pass reads and writes the weights once (memory traffic is what this loop
     * costs). Real and imaginary parts in separate arrays so the loop runs on vector registers.
     */
    private void fillWeights(int bin) {
      if (bin != phaseBin + 1 || bin % REANCHOR_BINS == 0) {
        float[][] exact = anchors.get(bin);
        if (exact != null) {
          System.arraycopy(exact[0], 0, weightRe, 0, weightRe.length);
          System.arraycopy(exact[1], 0, weightIm, 0, weightIm.length);
        } else {
          for (int i = 0; i < weightRe.length; i++) {
            double angle = 2 * Math.PI * bin * binHz * delay[i];
            weightRe[i] = (float) (gain[i] * Math.cos(angle));
            weightIm[i] = (float) (gain[i] * Math.sin(angle));
          }
          if (anchors.size() < MAX_ANCHORS) {
            anchors.put(bin, new float[][] {weightRe.clone(), weightIm.clone()});
          }
        }
      } else {
        float[] wr = weightRe;
        float[] wi = weightIm;
        float[] sr = stepRe;
        float[] si = stepIm;
        for (int i = 0; i < wr.length; i++) {
          float re = wr[i];
          float im = wi[i];
          wr[i] = re * sr[i] - im * si[i];
          wi[i] = re * si[i] + im * sr[i];
        }
      }
      phaseBin = bin;
    }

    void close() {
      weightsOffHeap.close();
      spectraOffHeap.close();
      productOffHeap.close();
      if (gainSquaredOffHeap != null) {
        gainSquaredOffHeap.close();
        micPowerOffHeap.close();
        selfPowerOffHeap.close();
      }
    }
  }

  @Override
  public void close() {
    for (Part part : parts) {
      part.close();
    }
    if (blasJoined) {
      blasJoined = false;
      for (int p = 0; p < parts.length; p++) {
        BlasThreads.leave();
      }
    }
  }
}
