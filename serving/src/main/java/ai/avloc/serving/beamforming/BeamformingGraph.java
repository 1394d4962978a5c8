package ai.avloc.serving.beamforming;

import ai.avloc.acoustics.audio.MelCepstrum;
import ai.avloc.acoustics.audio.MelFilterbank;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.audio.TukeyWindow;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.schemas.WindowClock;
import ai.avloc.serving.ModelContract;
import ai.avloc.serving.TensorflowRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceMin;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * The array path's beamforming as a TensorFlow graph, the same arithmetic as the Java sgemm
 * implementation ({@code AcousticImager}, {@code BandPowerMapper}) so that either may serve a job:
 * on a machine with a GPU the graph runs there, next to the U-VAE.
 *
 * <p>Input {@value #SAMPLES}: a batch of 1/12 s windows of array audio, [batch, mics, 1024] float32
 * (PCM16 scale for images). Per window and microphone: the window function (Tukey 0.75 for images,
 * Hann for band power) and a 1024-point real FFT in float64, as {@code FrameSpectrum} computes in
 * double, then the spectra rounded to float32 as the sgemm reads them. Per bin k and direction d
 * the beam output Y = sum_m g_dm exp(+j 2 pi f_k tau_dm) X_m(f_k), its power |Y|^2; then either
 *
 * <ul>
 *   <li>{@link Kind#ACOUSTIC_IMAGES}: over bins 1..510 (those of the paper's mel bank), the powers
 *       into the 24 mel bands (float32 sums), then in float64 the 0.001 floor, log, DCT-II and
 *       lifter to 12 coefficients (non-finite ones 0), and per window a min-max normalization of
 *       the whole 36x48x12 volume in float32 (a range of at most 1e-6 gives zeros): [batch, rows,
 *       cols, 12] as {@value ai.avloc.serving.ModelContract#ACOUSTIC_IMAGE};
 *   <li>{@link Kind#BAND_POWER}: over the band's bins, the powers times 2 / (sum of the Hann
 *       window)^2 (half that at bin 0) summed in float32, the mean square the job publishes:
 *       [batch, rows, cols] as {@value #BAND_POWER}.
 * </ul>
 *
 * <p>Memory: the complex weights of every bin (375 to 510 bins x 1728 directions x 128 mics, 0.66
 * to 0.9 GB as float pairs) are not stored. The graph keeps the delays times the bin spacing
 * (float64, [directions, mics], 0.9 MB when halved as below) and the gains (float32, 0.45 MB), and
 * computes each chunk of {@value #DEFAULT_CHUNK} bins' weights in the call: the phase in cycles in
 * float64 reduced to [-1/2, 1/2] before its float32 sin/cos, so the weights stay within ~1e-7 of
 * the exact ones the Java path anchors on. The chunks run one after the other (control
 * dependencies), so a call's transient memory is one chunk's phases and weights, at most ~7 MB per
 * bin of the chunk at 864 x 128 (~110 MB for 16 bins), plus the float64 transform's steps, up to
 * ~40 KB per microphone and window (~330 MB at batch 64 x 128 microphones). Generating the weights
 * costs two sin/cos per weight and bin per call, which a GPU does in a fraction of the products'
 * time; on a CPU the Java path, which rotates weights from bin to bin, stays ahead.
 *
 * <p>When the grid mirrors through the array's centre (every camera view the job maps), only half
 * the directions are multiplied: direction D-1-d has the conjugate weights of d, so its power comes
 * from the same four real products, as in the Java beamformer. Diagonal removal is not supported
 * (the job and the images use the full cross-spectral matrix).
 */
public final class BeamformingGraph {
  /** Input: [batch, mics, 1024] float32 samples. */
  public static final String SAMPLES = "samples";

  /** Output of {@link Kind#BAND_POWER}: [batch, rows, cols] mean-square power. */
  public static final String BAND_POWER = "band_power";

  /** Bins whose weights one step of the graph computes and multiplies together. */
  public static final int DEFAULT_CHUNK = 16;

  /**
   * Bumped whenever the graph's arithmetic changes, so that cached SavedModels of an older graph
   * are not served.
   */
  static final int GRAPH_VERSION = 2;

  private static final int BLOCK = WindowClock.SAMPLES_PER_WINDOW;

  /** What the graph returns. */
  public enum Kind {
    /** 36x48x12 acoustic images, as {@code AcousticImager}. */
    ACOUSTIC_IMAGES,
    /** Band-power maps, as {@code BandPowerMapper} (the job's array path). */
    BAND_POWER
  }

  private final BeamSteering steering;
  private final Kind kind;
  private final int[] bins;
  private final int chunk;

  private BeamformingGraph(BeamSteering steering, Kind kind, int[] bins, int chunk) {
    if (steering.removeDiagonal()) {
      throw new IllegalArgumentException(
          "the beamforming graph uses the full cross-spectral matrix; diagonal removal is Java only");
    }
    if (chunk < 1) {
      throw new IllegalArgumentException("a chunk holds at least one bin, got " + chunk);
    }
    for (int i = 1; i < bins.length; i++) {
      if (bins[i] != bins[i - 1] + 1) {
        throw new IllegalArgumentException("the graph's bins must be contiguous");
      }
    }
    if (bins.length == 0 || bins[0] < 0 || bins[bins.length - 1] >= BLOCK / 2) {
      throw new IllegalArgumentException("bins must lie within 0.." + (BLOCK / 2 - 1));
    }
    this.steering = steering;
    this.kind = kind;
    this.bins = bins.clone();
    this.chunk = chunk;
  }

  /** The acoustic images of {@code AcousticImager}: bins of the paper's mel bank. */
  public static BeamformingGraph acousticImages(BeamSteering steering) {
    return acousticImages(steering, DEFAULT_CHUNK);
  }

  /** As {@link #acousticImages(BeamSteering)}, {@code chunk} bins per step. */
  public static BeamformingGraph acousticImages(BeamSteering steering, int chunk) {
    MelFilterbank bank = MelFilterbank.paper();
    int[] bins =
        IntStream.range(0, bank.bins())
            .filter(k -> IntStream.range(0, bank.bands()).anyMatch(b -> bank.weight(b, k) > 0))
            .toArray();
    return new BeamformingGraph(steering, Kind.ACOUSTIC_IMAGES, bins, chunk);
  }

  /**
   * The band-power maps of {@code BandPowerMapper} over 1024-sample windows at 12288 Hz.
   *
   * @param bins contiguous FFT bins, from {@code BeamformingMap.bins}
   */
  public static BeamformingGraph bandPower(BeamSteering steering, int[] bins) {
    return new BeamformingGraph(steering, Kind.BAND_POWER, bins, DEFAULT_CHUNK);
  }

  public Kind kind() {
    return kind;
  }

  public int mics() {
    return steering.array().size();
  }

  public int rows() {
    return steering.grid().rows();
  }

  public int cols() {
    return steering.grid().cols();
  }

  /** Values per window of the output: rows x cols (x 12 for images). */
  public int outputSize() {
    return rows() * cols() * (kind == Kind.ACOUSTIC_IMAGES ? MfccSpec.COEFFICIENTS : 1);
  }

  /** The signature's output name. */
  public String output() {
    return kind == Kind.ACOUSTIC_IMAGES ? ModelContract.ACOUSTIC_IMAGE : BAND_POWER;
  }

  /**
   * A hash of everything the graph computes from: its version and kind, the bins and chunk, every
   * delay and gain (which fix the geometry, grid, speed of sound and steering).
   */
  public String key() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer head = ByteBuffer.allocate(4 * (4 + bins.length));
      head.putInt(GRAPH_VERSION).putInt(kind.ordinal()).putInt(chunk).putInt(bins.length);
      for (int b : bins) {
        head.putInt(b);
      }
      sha.update(head.array());
      for (double[] values : new double[][] {steering.delays(), steering.gains()}) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length);
        bytes.asDoubleBuffer().put(values);
        sha.update(bytes.array());
      }
      sha.update((rows() + "x" + cols() + ":" + mics()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The SavedModel of this graph under {@code cacheRoot}, in a directory named by its kind and
   * {@link #key()}: exported the first time (into a temporary sibling, then renamed, so that tasks
   * exporting at once never see half a model), reused after.
   */
  public Path cached(Path cacheRoot) {
    Path dir = cacheRoot.resolve(kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + key());
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      return dir;
    }
    try {
      Files.createDirectories(cacheRoot);
      Path staging = Files.createTempDirectory(cacheRoot, dir.getFileName() + ".tmp");
      try {
        Path model = staging.resolve("model");
        export(model);
        Files.move(model, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // another task renamed its copy first (the target exists, not empty): use that one
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
          throw e;
        }
      } finally {
        deleteTree(staging);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export the beamforming graph into " + dir, e);
    }
  }

  /**
   * The default cache: {@code avloc.beamforming.cache}, else ~/.cache/avloc/beamforming. Not under
   * the shared temporary directory: a model found there is loaded and run as it is, and on a shared
   * host another user could plant one at its predictable name.
   */
  public static Path defaultCacheRoot() {
    String configured = System.getProperty("avloc.beamforming.cache");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "avloc", "beamforming");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Builds the graph and writes it as a SavedModel (tag serve, signature serving_default). */
  public void export(Path dir) throws IOException {
    TensorflowRuntime.ensureLoaded();
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> samples =
          tf.withName(SAMPLES)
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, mics(), BLOCK)));
      Operand<TFloat32> out = tf.withName(output()).identity(build(tf, samples));
      Signature signature =
          Signature.builder()
              .key(ModelContract.SIGNATURE)
              .input(SAMPLES, samples)
              .output(output(), out)
              .build();
      SavedModelBundle.exporter(dir.toString())
          .withTags(ModelContract.TAG)
          .withFunction(SessionFunction.create(signature, session))
          .export();
    }
  }

  private Operand<TFloat32> build(Ops tf, Operand<TFloat32> samples) {
    int mics = mics();
    int directions = steering.grid().size();
    boolean mirrored = steering.mirrorsThroughCentre() && directions % 2 == 0;
    int computed = mirrored ? directions / 2 : directions;
    double binHz = (double) WindowClock.SAMPLE_RATE / BLOCK;
    double[] delays = steering.delays();
    double[] gains = steering.gains();
    double[] cyclesPerBin = new double[computed * mics];
    float[] gain = new float[computed * mics];
    for (int i = 0; i < computed * mics; i++) {
      cyclesPerBin[i] = binHz * delays[i];
      gain[i] = (float) gains[i];
    }
    Operand<TFloat64> cycleStep =
        tf.constant(Shape.of(1, computed, mics), DataBuffers.of(cyclesPerBin, true, false));
    Operand<TFloat32> gainRows =
        tf.constant(Shape.of(1, computed, mics), DataBuffers.of(gain, true, false));

    // spectra: window and FFT in float64, as FrameSpectrum, then float32 as the sgemm reads them
    double[] window =
        TukeyWindow.symmetric(BLOCK, kind == Kind.ACOUSTIC_IMAGES ? MfccSpec.TUKEY_ALPHA : 1.0);
    Operand<TFloat64> windowed =
        tf.math.mul(tf.dtypes.cast(samples, TFloat64.class), tf.constant(window));
    Operand<TFloat64>[] spectrum = fft(tf, windowed);
    Operand<TFloat32> re = bandOf(tf, spectrum[0]);
    Operand<TFloat32> im = bandOf(tf, spectrum[1]);

    Operand<TFloat32> direct = null;
    Operand<TFloat32> twin = null;
    for (int from = 0; from < bins.length; from += chunk) {
      int n = Math.min(chunk, bins.length - from);
      List<Operand<?>> previous = new ArrayList<>();
      if (direct != null) {
        previous.add(direct);
        if (twin != null) {
          previous.add(twin);
        }
      }
      // one chunk at a time: its weights are built only after the previous chunk is summed
      Ops step = previous.isEmpty() ? tf : tf.withControlDependencies(toOps(previous));
      double[] chunkBins = new double[n];
      for (int i = 0; i < n; i++) {
        chunkBins[i] = bins[from + i];
      }
      Operand<TFloat64> cycles =
          step.math.mul(
              step.constant(Shape.of(n, 1, 1), DataBuffers.of(chunkBins, true, false)), cycleStep);
      // whole cycles removed in float64, so float32 sin/cos see a phase within [-pi, pi]
      Operand<TFloat32> phase =
          tf.dtypes.cast(
              tf.math.mul(tf.math.sub(cycles, tf.math.round(cycles)), tf.constant(2 * Math.PI)),
              TFloat32.class);
      Operand<TFloat32> weights =
          tf.concat(
              List.of(
                  tf.math.mul(gainRows, tf.math.cos(phase)),
                  tf.math.mul(gainRows, tf.math.sin(phase))),
              tf.constant(1));
      Operand<TFloat32> xr = binSlice(tf, re, from, n);
      Operand<TFloat32> xi = binSlice(tf, im, from, n);
      // [Wr; Wi] x Xr and [Wr; Wi] x Xi: the four real blocks of the complex product
      Split<TFloat32> timesRe =
          tf.split(tf.constant(1), tf.train.batchMatMul(weights, xr, TFloat32.class), 2L);
      Split<TFloat32> timesIm =
          tf.split(tf.constant(1), tf.train.batchMatMul(weights, xi, TFloat32.class), 2L);
      Operand<TFloat32> rr = timesRe.output().get(0);
      Operand<TFloat32> ir = timesRe.output().get(1);
      Operand<TFloat32> ri = timesIm.output().get(0);
      Operand<TFloat32> ii = timesIm.output().get(1);
      Operand<TFloat32> power = power(tf, tf.math.sub(rr, ii), tf.math.add(ri, ir));
      direct = accumulate(tf, direct, power, from, n);
      if (mirrored) {
        Operand<TFloat32> twinPower = power(tf, tf.math.add(rr, ii), tf.math.sub(ri, ir));
        twin = accumulate(tf, twin, twinPower, from, n);
      }
    }
    return kind == Kind.ACOUSTIC_IMAGES
        ? images(tf, direct, twin, computed)
        : bandPowerMaps(tf, direct, twin);
  }

  private static List<org.tensorflow.op.Op> toOps(List<Operand<?>> operands) {
    List<org.tensorflow.op.Op> ops = new ArrayList<>();
    for (Operand<?> o : operands) {
      ops.add((org.tensorflow.op.Op) o);
    }
    return ops;
  }

  /** FFT length as 32 x 32 for the four-step transform. */
  private static final int RADIX = 32;

  /**
   * The forward DFT X[k] = sum_n x[n] exp(-j 2 pi k n / 1024) of every row of [batch, mics, 1024],
   * as (re, im) [batch * mics, 512], in float64 by the four-step method (TensorFlow Java has no
   * complex tensors for its FFT op): with n = 32 n1 + n2 and k = k1 + 32 k2, a 32-point DFT over
   * n1, a twiddle exp(-j 2 pi k1 n2 / 1024), a 32-point DFT over n2, each step one matrix product.
   * The last step makes k2 0..15 only: bins 0..511, the ones the beamformer reads.
   */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat64>[] fft(Ops tf, Operand<TFloat64> frames) {
    int r = RADIX;
    double[] cos = new double[r * r];
    double[] sin = new double[r * r];
    double[] twiddleRe = new double[r * r];
    double[] twiddleIm = new double[r * r];
    for (int a = 0; a < r; a++) {
      for (int b = 0; b < r; b++) {
        double angle = -2 * Math.PI * ((a * b) % r) / r;
        cos[a * r + b] = Math.cos(angle);
        sin[a * r + b] = Math.sin(angle);
        double twiddle = -2 * Math.PI * a * b / BLOCK;
        twiddleRe[a * r + b] = Math.cos(twiddle);
        twiddleIm[a * r + b] = Math.sin(twiddle);
      }
    }
    Operand<TFloat64> dftRe = tf.constant(Shape.of(r, r), DataBuffers.of(cos, true, false));
    Operand<TFloat64> dftIm = tf.constant(Shape.of(r, r), DataBuffers.of(sin, true, false));
    // [rows, n1, n2] -> [n1, rows * n2]
    Operand<TFloat64> x =
        tf.reshape(
            tf.linalg.transpose(
                tf.reshape(frames, tf.constant(new int[] {-1, r, r})),
                tf.constant(new int[] {1, 0, 2})),
            tf.constant(new int[] {r, -1}));
    // step 1 over n1 (real input): [k1, rows * n2]
    Operand<TFloat64> aRe = tf.linalg.matMul(dftRe, x);
    Operand<TFloat64> aIm = tf.linalg.matMul(dftIm, x);
    // step 2: twiddle [k1, 1, n2]
    Operand<TFloat64> tRe = tf.constant(Shape.of(r, 1, r), DataBuffers.of(twiddleRe, true, false));
    Operand<TFloat64> tIm = tf.constant(Shape.of(r, 1, r), DataBuffers.of(twiddleIm, true, false));
    Operand<TInt32> k1RowsN2 = tf.constant(new int[] {r, -1, r});
    Operand<TFloat64> aRe3 = tf.reshape(aRe, k1RowsN2);
    Operand<TFloat64> aIm3 = tf.reshape(aIm, k1RowsN2);
    Operand<TFloat64> bRe = tf.math.sub(tf.math.mul(aRe3, tRe), tf.math.mul(aIm3, tIm));
    Operand<TFloat64> bIm = tf.math.add(tf.math.mul(aRe3, tIm), tf.math.mul(aIm3, tRe));
    // step 3 over n2: [k1 * rows, n2] x [n2, k2 < 16] (the DFT matrix is symmetric)
    int half = r / 2;
    double[] cosHalf = new double[r * half];
    double[] sinHalf = new double[r * half];
    for (int a = 0; a < r; a++) {
      System.arraycopy(cos, a * r, cosHalf, a * half, half);
      System.arraycopy(sin, a * r, sinHalf, a * half, half);
    }
    Operand<TFloat64> lastRe = tf.constant(Shape.of(r, half), DataBuffers.of(cosHalf, true, false));
    Operand<TFloat64> lastIm = tf.constant(Shape.of(r, half), DataBuffers.of(sinHalf, true, false));
    Operand<TInt32> flat = tf.constant(new int[] {-1, r});
    Operand<TFloat64> bRe2 = tf.reshape(bRe, flat);
    Operand<TFloat64> bIm2 = tf.reshape(bIm, flat);
    Operand<TFloat64> xRe =
        tf.math.sub(tf.linalg.matMul(bRe2, lastRe), tf.linalg.matMul(bIm2, lastIm));
    Operand<TFloat64> xIm =
        tf.math.add(tf.linalg.matMul(bRe2, lastIm), tf.linalg.matMul(bIm2, lastRe));
    // [k1, rows, k2] -> [rows, k2, k1] -> [rows, 512], k = 32 k2 + k1
    Operand<TInt32> k1RowsK2 = tf.constant(new int[] {r, -1, half});
    Operand<TInt32> perm = tf.constant(new int[] {1, 2, 0});
    Operand<TInt32> rowsOfBins = tf.constant(new int[] {-1, BLOCK / 2});
    return new Operand[] {
      tf.reshape(tf.linalg.transpose(tf.reshape(xRe, k1RowsK2), perm), rowsOfBins),
      tf.reshape(tf.linalg.transpose(tf.reshape(xIm, k1RowsK2), perm), rowsOfBins)
    };
  }

  /** [batch * mics, 512] float64 to the graph's bins as [bins, mics, batch] float32. */
  private Operand<TFloat32> bandOf(Ops tf, Operand<TFloat64> part) {
    Operand<TFloat64> band =
        tf.slice(
            part, tf.constant(new int[] {0, bins[0]}), tf.constant(new int[] {-1, bins.length}));
    return tf.linalg.transpose(
        tf.reshape(
            tf.dtypes.cast(band, TFloat32.class), tf.constant(new int[] {-1, mics(), bins.length})),
        tf.constant(new int[] {2, 1, 0}));
  }

  private static Operand<TFloat32> binSlice(Ops tf, Operand<TFloat32> spectra, int from, int n) {
    return tf.slice(
        spectra, tf.constant(new int[] {from, 0, 0}), tf.constant(new int[] {n, -1, -1}));
  }

  private static Operand<TFloat32> power(Ops tf, Operand<TFloat32> re, Operand<TFloat32> im) {
    return tf.math.add(tf.math.mul(re, re), tf.math.mul(im, im));
  }

  /**
   * Adds one chunk's powers [n, directions, batch] to the running sum: band power's scaled sum
   * [directions, batch], or the images' mel bands [24, directions * batch].
   */
  private Operand<TFloat32> accumulate(
      Ops tf, Operand<TFloat32> sum, Operand<TFloat32> power, int from, int n) {
    Operand<TFloat32> added;
    if (kind == Kind.BAND_POWER) {
      double binScale = binScale();
      float[] scale = new float[n];
      for (int i = 0; i < n; i++) {
        scale[i] = (float) (bins[from + i] == 0 ? binScale / 2 : binScale);
      }
      added =
          tf.reduceSum(
              tf.math.mul(
                  power, tf.constant(Shape.of(n, 1, 1), DataBuffers.of(scale, true, false))),
              tf.constant(0));
    } else {
      MelFilterbank bank = MelFilterbank.paper();
      float[] weights = new float[n * bank.bands()];
      for (int i = 0; i < n; i++) {
        for (int b = 0; b < bank.bands(); b++) {
          weights[i * bank.bands() + b] = (float) bank.weight(b, bins[from + i]);
        }
      }
      Operand<TFloat32> mel =
          tf.constant(Shape.of(n, bank.bands()), DataBuffers.of(weights, true, false));
      added =
          tf.linalg.matMul(
              mel, tf.reshape(power, tf.constant(new int[] {n, -1})), MatMul.transposeA(true));
    }
    return sum == null ? added : tf.math.add(sum, added);
  }

  /** 2 / (sum of the Hann window)^2, as {@code BeamformingMap.binScale}. */
  private static double binScale() {
    double sum = Arrays.stream(TukeyWindow.symmetric(BLOCK, 1.0)).sum();
    return 2.0 / (sum * sum);
  }

  /** [directions, batch] sums, twins mirrored back into place, to [batch, rows, cols]. */
  private Operand<TFloat32> bandPowerMaps(
      Ops tf, Operand<TFloat32> direct, Operand<TFloat32> twin) {
    Operand<TFloat32> all =
        twin == null
            ? direct
            : tf.concat(
                List.of(direct, tf.reverse(twin, tf.constant(new int[] {0}))), tf.constant(0));
    return tf.reshape(
        tf.linalg.transpose(all, tf.constant(new int[] {1, 0})),
        tf.constant(new int[] {-1, rows(), cols()}));
  }

  /** Mel sums [24, computed * batch] to normalized images [batch, rows, cols, 12]. */
  private Operand<TFloat32> images(
      Ops tf, Operand<TFloat32> direct, Operand<TFloat32> twin, int computed) {
    int bands = MfccSpec.MEL_BANDS;
    int coeffs = MfccSpec.COEFFICIENTS;
    int directions = rows() * cols();
    Operand<TFloat32> mel = tf.reshape(direct, tf.constant(new int[] {bands, computed, -1}));
    if (twin != null) {
      Operand<TFloat32> mirrored =
          tf.reverse(
              tf.reshape(twin, tf.constant(new int[] {bands, computed, -1})),
              tf.constant(new int[] {1}));
      mel = tf.concat(List.of(mel, mirrored), tf.constant(1));
    }
    // [batch, directions, 24]; the cepstral chain in float64 as MelCepstrum computes it
    Operand<TFloat64> logMel =
        tf.math.log(
            tf.math.maximum(
                tf.dtypes.cast(
                    tf.linalg.transpose(mel, tf.constant(new int[] {2, 1, 0})), TFloat64.class),
                tf.constant(MfccSpec.MEL_FLOOR)));
    double[][] inverse = MelCepstrum.logMelBasis();
    double[] lifter = MelCepstrum.lifter();
    // logMelBasis is the DCT basis over the lifter: times the lifter squared, the forward map
    double[] forward = new double[bands * coeffs];
    for (int b = 0; b < bands; b++) {
      for (int m = 0; m < coeffs; m++) {
        forward[b * coeffs + m] = inverse[m][b] * lifter[m] * lifter[m];
      }
    }
    Operand<TFloat64> cepstra =
        tf.linalg.matMul(
            tf.reshape(logMel, tf.constant(new int[] {-1, bands})),
            tf.constant(Shape.of(bands, coeffs), DataBuffers.of(forward, true, false)));
    Operand<TFloat32> flat =
        tf.dtypes.cast(
            tf.reshape(cepstra, tf.constant(new int[] {-1, directions * coeffs})), TFloat32.class);
    Operand<TFloat32> finite = tf.select(tf.math.isFinite(flat), flat, tf.zerosLike(flat));
    Operand<TInt32> axis = tf.constant(new int[] {1});
    Operand<TFloat32> min = tf.reduceMin(finite, axis, ReduceMin.keepDims(true));
    Operand<TFloat32> max = tf.reduceMax(finite, axis, ReduceMax.keepDims(true));
    Operand<TFloat32> range = tf.math.sub(max, min);
    // MelCepstrum.minMaxNormalize: a range of rounding noise (silence) gives zeros
    Operand<TFloat32> noise = tf.constant(1e-6f);
    Operand<TFloat32> normalized =
        tf.math.mul(
            tf.math.div(tf.math.sub(finite, min), tf.math.maximum(range, noise)),
            tf.dtypes.cast(tf.math.greater(range, noise), TFloat32.class));
    return tf.reshape(normalized, tf.constant(new int[] {-1, rows(), cols(), coeffs}));
  }
}
