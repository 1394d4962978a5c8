package ai.avloc.training.uvae;

import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.TensorflowRuntime;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.metrics.LocalizationMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Trains a U-VAE (uvae-reference.md §4): epochs over the training frames shuffled with the seed,
 * each real pair joined by its background-noise pair (§4.3: same frame, low-passed audio, the
 * low-passed MFCC tiled as target), validation MSE after every epoch, the checkpoint with the best
 * validation MSE kept.
 *
 * <p>Everything lives in one run directory: {@code state.json} (settings and per-epoch history),
 * {@code checkpoints/last} after each epoch and {@code checkpoints/best}. Starting again on the
 * same directory resumes after the last finished epoch: the epoch order depends only on the seed
 * and the epoch number, so a killed run continues as it would have.
 */
public final class UvaeTrainer {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Receives progress: one call per step and one per epoch. */
  public interface Listener {
    void step(int epoch, int step, int steps, double loss);

    default void epoch(Epoch result) {}
  }

  /**
   * One finished epoch.
   *
   * @param trainLoss mean training loss over its steps
   * @param validationMse MSE of the validation frames' acoustic images
   * @param validationIou50 share of sounding validation frames whose energy map's above-mean mask
   *     overlaps the target's with IoU &gt; 0.5 (the paper's success rate at 0.5); localization can
   *     improve while the MSE does not
   * @param seconds wall time of the epoch including validation
   * @param best whether this epoch is the best so far
   */
  public record Epoch(
      int epoch,
      double trainLoss,
      double trainMse,
      double validationMse,
      double validationIou50,
      double seconds,
      boolean best) {}

  /**
   * @param epochs epochs to reach in total (a resumed run stops there too)
   * @param noisePairs the fraction of training frames that also get their background-noise pair (1
   *     = every batch doubled, as the reference)
   * @param maxStepsPerEpoch 0 for whole epochs; a positive value cuts epochs short (smoke runs)
   * @param noiseOnlyClass frames of this class hold background noise only; they train toward the
   *     uniform image of their own MFCC, §4.3's target for sound without a direction, instead of
   *     the beamformed noise field (-1: no such class)
   * @param selectByIou keep the epoch with the best validation IoU@0.5 instead of the lowest
   *     validation MSE (the reference's choice, and the default)
   * @param mirror show each training pair left-right mirrored (frame and acoustic image together)
   *     with probability 1/2, a new seeded draw every epoch; the camera's look grid is symmetric
   *     about the image's vertical axis, so the mirrored pair is the mirrored scene's
   *     (decisions.md, "Mirrored training pairs")
   * @param noiseOnlyRepeat how many times each noise-only training frame comes in an epoch (1 =
   *     once, like every other frame); more weighs silence against the sounding scenes
   * @param startFrom a checkpoint prefix whose weights and optimizer state a new run starts from
   *     instead of fresh ones (fine-tuning), or an exported model's {@code variables/variables}
   *     (its weights, with a fresh optimizer), or null; ignored when the run resumes. The starting
   *     point is validated as epoch 0 and kept as the best until an epoch beats it
   * @param framesPerSecond how many of each second's 12 frames the training frames hold: the
   *     trainer does not pick them, but records the number with the run's settings, so that a run
   *     does not resume on other frames
   * @param leaveOutNoiseOnly train on no frame of {@code noiseOnlyClass}: with {@code noisePairs}
   *     0, the model never sees a background-noise pair (the paper's ablation "without
   *     background-noise pairs", Table 3)
   */
  public record Options(
      int epochs,
      double noisePairs,
      int maxStepsPerEpoch,
      long noiseOnlyClass,
      boolean selectByIou,
      boolean mirror,
      int noiseOnlyRepeat,
      Path startFrom,
      int framesPerSecond,
      boolean leaveOutNoiseOnly) {
    public Options {
      if (leaveOutNoiseOnly && noiseOnlyRepeat > 1) {
        throw new IllegalArgumentException("noise-only frames left out cannot be repeated");
      }
      if (epochs < 1
          || !(noisePairs >= 0 && noisePairs <= 1)
          || maxStepsPerEpoch < 0
          || noiseOnlyRepeat < 1
          || framesPerSecond < 1
          || 12 % framesPerSecond != 0) {
        throw new IllegalArgumentException(
            "epochs must be >= 1, noise pairs in [0, 1], max steps >= 0, noise-only repeat >= 1,"
                + " frames per second a divisor of 12");
      }
    }

    /** Training on the noise-only frames too. */
    public Options(
        int epochs,
        double noisePairs,
        int maxStepsPerEpoch,
        long noiseOnlyClass,
        boolean selectByIou,
        boolean mirror,
        int noiseOnlyRepeat,
        Path startFrom,
        int framesPerSecond) {
      this(
          epochs,
          noisePairs,
          maxStepsPerEpoch,
          noiseOnlyClass,
          selectByIou,
          mirror,
          noiseOnlyRepeat,
          startFrom,
          framesPerSecond,
          false);
    }

    public Options(
        int epochs,
        double noisePairs,
        int maxStepsPerEpoch,
        long noiseOnlyClass,
        boolean selectByIou,
        boolean mirror) {
      this(epochs, noisePairs, maxStepsPerEpoch, noiseOnlyClass, selectByIou, mirror, 1, null, 12);
    }

    /** The training frames these options train on: all, or all but the noise-only ones. */
    public List<FrameSample> trained(List<FrameSample> frames) {
      if (!leaveOutNoiseOnly) {
        return frames;
      }
      return frames.stream().filter(f -> f.classId() != noiseOnlyClass).toList();
    }

    /** Selecting the best epoch by validation MSE, without mirrored pairs. */
    public Options(int epochs, double noisePairs, int maxStepsPerEpoch, long noiseOnlyClass) {
      this(epochs, noisePairs, maxStepsPerEpoch, noiseOnlyClass, false, false);
    }
  }

  /**
   * The run's persisted state.
   *
   * @param peakResidentMb the most memory a training process of this run held (VmHWM), 0 where the
   *     system does not say
   */
  public record State(
      Map<String, Object> config,
      int epochsDone,
      int bestEpoch,
      double bestValidationMse,
      double trainingSeconds,
      double peakResidentMb,
      List<Epoch> history) {}

  private final UvaeConfig config;
  private final Path runDir;
  private final Options options;

  public UvaeTrainer(UvaeConfig config, Path runDir, Options options) {
    this.config = config;
    this.runDir = runDir;
    this.options = options;
  }

  public Path bestCheckpoint() {
    return bestCheckpointOf(runDir);
  }

  /** Where a run directory keeps its best epoch's checkpoint. */
  public static Path bestCheckpointOf(Path runDir) {
    return runDir.resolve("checkpoints").resolve("best").resolve("ckpt");
  }

  private Path lastCheckpoint() {
    return runDir.resolve("checkpoints").resolve("last").resolve("ckpt");
  }

  private Path stateFile() {
    return runDir.resolve("state.json");
  }

  /** The state of a run directory, or null when it holds no run. */
  public static State readState(Path runDir) throws IOException {
    Path file = runDir.resolve("state.json");
    return Files.exists(file) ? JSON.readValue(file.toFile(), State.class) : null;
  }

  /** Trains until {@code options.epochs()} epochs are done; returns the final state. */
  public State train(List<FrameSample> frames, List<FrameSample> validation, Listener listener)
      throws IOException {
    List<FrameSample> training = options.trained(frames);
    if (training.isEmpty() || validation.isEmpty()) {
      throw new IllegalArgumentException("training and validation frames must not be empty");
    }
    TensorflowRuntime.ensureLoaded();
    Files.createDirectories(runDir);
    State state = readState(runDir);
    if (state != null
        && !JSON.writeValueAsString(state.config()).equals(JSON.writeValueAsString(describe()))) {
      throw new IllegalArgumentException(
          runDir
              + " holds a run with other settings "
              + state.config()
              + "; use a new run directory");
    }
    if (state == null) {
      state = new State(describe(), 0, 0, Double.POSITIVE_INFINITY, 0, 0, List.of());
    }
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      UvaeTraining net = UvaeTraining.build(graph, config);
      if (state.epochsDone() > 0) {
        session.restore(lastCheckpoint().toString());
      } else if (options.startFrom() != null
          && ModelWeights.isSavedModelCheckpoint(options.startFrom())) {
        ModelWeights.restore(graph, session, config, options.startFrom());
      } else if (options.startFrom() != null) {
        session.restore(options.startFrom().toString());
      } else {
        session.initialize();
      }
      List<Epoch> history = new ArrayList<>(state.history());
      // the targets' energy maps do not change between epochs
      List<float[]> truthEnergy = validation.stream().map(f -> EnergyMap.of(f.target())).toList();
      if (state.epochsDone() == 0 && options.startFrom() != null) {
        // where a fine-tune starts is its epoch 0: an epoch must beat it to be kept
        double[] scores = validate(session, net, validation, truthEnergy);
        Epoch start = new Epoch(0, Double.NaN, Double.NaN, scores[0], scores[1], 0, true);
        history.add(start);
        save(session, bestCheckpoint());
        state = new State(describe(), 0, 0, scores[0], 0, 0, List.copyOf(history));
        listener.epoch(start);
      }
      for (int epoch = state.epochsDone() + 1; epoch <= options.epochs(); epoch++) {
        long start = System.nanoTime();
        double[] sums = runEpoch(session, net, training, epoch, listener);
        double[] scores = validate(session, net, validation, truthEnergy);
        double validationMse = scores[0];
        boolean best =
            options.selectByIou()
                ? history.stream().allMatch(e -> scores[1] > e.validationIou50())
                : validationMse < state.bestValidationMse();
        double seconds = (System.nanoTime() - start) / 1e9;
        Epoch result = new Epoch(epoch, sums[0], sums[1], validationMse, scores[1], seconds, best);
        history.add(result);
        save(session, lastCheckpoint());
        if (best) {
          save(session, bestCheckpoint());
        }
        state =
            new State(
                describe(),
                epoch,
                best ? epoch : state.bestEpoch(),
                best ? validationMse : state.bestValidationMse(),
                state.trainingSeconds() + seconds,
                Math.max(state.peakResidentMb(), peakResidentMb()),
                List.copyOf(history));
        Path tmp = runDir.resolve("state.json.tmp");
        JSON.writeValue(tmp.toFile(), state);
        Files.move(
            tmp, stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        listener.epoch(result);
      }
    }
    return state;
  }

  /** VmHWM of this process in MB (Linux); 0 elsewhere. TensorFlow's memory is off the heap. */
  static double peakResidentMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  private Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>(config.describe());
    m.put("noisePairs", options.noisePairs());
    m.put("noiseOnlyClass", options.noiseOnlyClass());
    if (options.selectByIou()) {
      m.put("selectBy", "validation IoU@0.5");
    }
    if (options.mirror()) {
      m.put("mirror", true);
    }
    if (options.framesPerSecond() != 12) {
      m.put("framesPerSecond", options.framesPerSecond());
    }
    if (options.noiseOnlyRepeat() > 1) {
      m.put("noiseOnlyRepeat", options.noiseOnlyRepeat());
    }
    if (options.startFrom() != null) {
      m.put("startFrom", options.startFrom().toString());
    }
    if (options.leaveOutNoiseOnly()) {
      m.put("noiseOnly", "left out");
    }
    return m;
  }

  /**
   * Saves into a fresh folder then swaps it in, so a kill never leaves a half-written checkpoint.
   */
  private static void save(Session session, Path prefix) throws IOException {
    Path dir = prefix.getParent();
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    session.save(tmp.resolve(prefix.getFileName()).toString());
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    deleteTree(old);
    if (Files.exists(dir)) {
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
  }

  /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Collections.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** One epoch; returns {mean loss, mean MSE}. */
  private double[] runEpoch(
      Session session, UvaeTraining net, List<FrameSample> frames, int epoch, Listener listener) {
    Random order = new Random(config.seed() * 1_000_003L + epoch);
    int n = frames.size();
    // item i < n: real pair i; item n + j: the noise pair of frame j
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(i);
    }
    List<Integer> withNoise = new ArrayList<>(items);
    Collections.shuffle(withNoise, order);
    int noisy = (int) Math.round(options.noisePairs() * n);
    for (int j = 0; j < noisy; j++) {
      items.add(n + withNoise.get(j));
    }
    // added after the draws above, so a repeat of 1 leaves the epoch as it was
    for (int r = 1; r < options.noiseOnlyRepeat(); r++) {
      for (int i = 0; i < n; i++) {
        if (frames.get(i).classId() == options.noiseOnlyClass()) {
          items.add(i);
        }
      }
    }
    Collections.shuffle(items, order);
    // its own generator, so turning mirroring on leaves the epoch's order as it was
    Random flips = new Random(config.seed() * 7_919L + epoch);
    int b = config.batchSize();
    int steps = (items.size() + b - 1) / b;
    if (options.maxStepsPerEpoch() > 0) {
      steps = Math.min(steps, options.maxStepsPerEpoch());
    }
    Batch batch = new Batch(b, config, options.noiseOnlyClass());
    double lossSum = 0;
    double mseSum = 0;
    for (int s = 0; s < steps; s++) {
      int from = s * b;
      int count = Math.min(b, items.size() - from);
      for (int k = 0; k < count; k++) {
        int item = items.get(from + k);
        FrameSample f = frames.get(item % n);
        batch.put(k, f, item >= n, options.mirror() && flips.nextBoolean());
      }
      try (TFloat32 rgb = batch.rgb(count);
          TFloat32 mfcc = batch.mfcc(count);
          TFloat32 target = batch.target(count);
          TFloat32 on = TFloat32.scalarOf(1f);
          Result r =
              session
                  .runner()
                  .feed(net.model.rgb, rgb)
                  .feed(net.model.mfcc, mfcc)
                  .feed(net.target, target)
                  .feed(net.model.training, on)
                  .addTarget(net.step)
                  .fetch(net.loss)
                  .fetch(net.mse)
                  .run()) {
        double loss = ((TFloat32) r.get(0)).getFloat();
        lossSum += loss;
        mseSum += ((TFloat32) r.get(1)).getFloat();
        listener.step(epoch, s + 1, steps, loss);
      }
    }
    return new double[] {lossSum / steps, mseSum / steps};
  }

  /**
   * {MSE over every validation frame's acoustic image (real pairs only), IoU@0.5 success rate over
   * its sounding frames}, served as in production.
   */
  private double[] validate(
      Session session, UvaeTraining net, List<FrameSample> frames, List<float[]> truthEnergy) {
    int b = net.model.config.batchSize();
    Batch batch = new Batch(b, net.model.config, options.noiseOnlyClass());
    int cells = ModelShapes.ROWS * ModelShapes.COLS;
    float[] energy = new float[b * cells];
    double sum = 0;
    int sounding = 0;
    int hits = 0;
    for (int from = 0; from < frames.size(); from += b) {
      int count = Math.min(b, frames.size() - from);
      for (int k = 0; k < count; k++) {
        batch.put(k, frames.get(from + k), false, false);
      }
      try (TFloat32 rgb = batch.rgb(count);
          TFloat32 mfcc = batch.mfcc(count);
          TFloat32 target = batch.target(count);
          Result r =
              session
                  .runner()
                  .feed(net.model.rgb, rgb)
                  .feed(net.model.mfcc, mfcc)
                  .feed(net.target, target)
                  .fetch(net.mse)
                  .fetch(net.model.energy)
                  .run()) {
        sum += ((TFloat32) r.get(0)).getFloat() * count;
        ((TFloat32) r.get(1)).copyTo(DataBuffers.of(energy, false, false).slice(0, count * cells));
      }
      for (int k = 0; k < count; k++) {
        FrameSample f = frames.get(from + k);
        if (f.classId() == options.noiseOnlyClass()) {
          continue;
        }
        float[] predicted = java.util.Arrays.copyOfRange(energy, k * cells, (k + 1) * cells);
        sounding++;
        if (LocalizationMetrics.iou(truthEnergy.get(from + k), predicted) > 0.5) {
          hits++;
        }
      }
    }
    return new double[] {
      sum / frames.size(), sounding == 0 ? Double.NaN : (double) hits / sounding
    };
  }

  /** Reused feed buffers for one batch. */
  private static final class Batch {
    private final UvaeConfig config;
    private final float[] rgb;
    private final float[] mfcc;
    private final float[] target;
    private final long noiseOnlyClass;

    Batch(int size, UvaeConfig config, long noiseOnlyClass) {
      this.config = config;
      this.noiseOnlyClass = noiseOnlyClass;
      this.rgb = new float[size * FrameSample.RGB_VALUES];
      this.mfcc = new float[size * 12];
      this.target = new float[size * FrameSample.TARGET_VALUES];
    }

    void put(int k, FrameSample f, boolean noise, boolean mirrored) {
      f.rgbInto(rgb, k * FrameSample.RGB_VALUES, mirrored);
      System.arraycopy(noise ? f.noiseMfcc() : f.mfcc(), 0, mfcc, k * 12, 12);
      float[] wanted =
          noise
              ? f.noiseTarget()
              : f.classId() == noiseOnlyClass ? FrameSample.tile(f.mfcc()) : f.target();
      int at = k * FrameSample.TARGET_VALUES;
      if (mirrored) {
        FrameSample.mirrorImageInto(wanted, target, at);
      } else {
        System.arraycopy(wanted, 0, target, at, FrameSample.TARGET_VALUES);
      }
    }

    TFloat32 rgb(int count) {
      return tensor(
          rgb, count * FrameSample.RGB_VALUES, count, config.frameHeight(), config.frameWidth(), 3);
    }

    TFloat32 mfcc(int count) {
      return tensor(mfcc, count * 12, count, 12);
    }

    TFloat32 target(int count) {
      return tensor(target, count * FrameSample.TARGET_VALUES, count, 36, 48, 12);
    }

    private static TFloat32 tensor(float[] values, int length, long... shape) {
      return TFloat32.tensorOf(
          Shape.of(shape), DataBuffers.of(values, true, false).slice(0, length));
    }
  }
}
