package ai.avloc.training.uvae;

import ai.avloc.serving.ModelCard;
import ai.avloc.serving.TensorflowRuntime;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.FrameSample;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;

/**
 * One training run from datasets to a model directory, as {@code avloc train} does it: the datasets
 * are opened and checked, the run directory's state read and a {@code startFrom} run checked,
 * before minutes of loading; then the splits are loaded, the model trained (or resumed) by {@link
 * UvaeTrainer}, and the best epoch exported by {@link UvaeExport} with its {@link ModelCard}.
 *
 * <p>{@link #prepare} does everything up to the training and leaves what a caller reports about the
 * run ({@link #modelName}, {@link #parameters}, the frame counts, {@link #resuming}); {@link
 * #train} does the rest. Messages of refused settings name the train command's options.
 */
public final class TrainingRun {
  /**
   * What to train and where.
   *
   * @param data dataset roots: their training splits train together, their validation splits
   *     validate together
   * @param config the model and its optimizer
   * @param name the model's name, or null for {@link UvaeConfig#modelName()}
   * @param runDir the run directory, or null for {@code runs/train-<name>}
   * @param out the model directory, or null for {@code models/<name>}
   * @param version the model card's version
   * @param maxSeconds at most this many seconds per split of each dataset (0: all)
   * @param exportOnly train nothing: export the run's best epoch so far
   * @param noNoisePairs train without background-noise pairs (the paper's ablation): no §4.3 pair
   *     whatever {@code noisePairs} says, and none of the datasets' noise-only seconds
   * @see UvaeTrainer.Options for the training settings
   */
  public record Options(
      List<Path> data,
      UvaeConfig config,
      String name,
      Path runDir,
      Path out,
      String version,
      int epochs,
      double noisePairs,
      int noiseOnlyRepeat,
      boolean mirror,
      int framesPerSecond,
      int maxSeconds,
      int stepsPerEpoch,
      boolean selectByIou,
      Path startFrom,
      boolean exportOnly,
      boolean noNoisePairs) {
    public Options {
      data = List.copyOf(data);
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(version, "version");
    }
  }

  /** The loading of one split of one dataset: told its seconds, closed when it ends. */
  public interface Loading extends AudioVisualDataset.Progress, AutoCloseable {
    @Override
    void close();
  }

  /** Opens a {@link Loading} for each split of each dataset loaded, in turn. */
  @FunctionalInterface
  public interface LoadListener {
    Loading loading(AudioVisualDataset.Split split);

    LoadListener NONE =
        split ->
            new Loading() {
              @Override
              public void update(int secondsDone, int secondsTotal) {}

              @Override
              public void close() {}
            };
  }

  /**
   * What {@link #train} left.
   *
   * @param state the run's state after training
   * @param modelDir where the best epoch was exported
   * @param card the exported model's card
   * @param evaluationData the first dataset with validation seconds, to evaluate the model on
   */
  public record Result(
      UvaeTrainer.State state, Path modelDir, ModelCard card, Path evaluationData) {}

  private final Options options;
  private final String modelName;
  private final Path runDir;
  private final Path modelDir;
  private final List<AudioVisualDataset> datasets;
  private final AudioVisualDataset dataset;
  private final UvaeTrainer.State before;
  private final UvaeTrainer.Options trainerOptions;
  private final List<FrameSample> training;
  private final List<FrameSample> validation;
  private final int noiseOnlyFramesLeftOut;
  private final long parameters;
  private final long macs;

  private TrainingRun(
      Options options,
      String modelName,
      Path runDir,
      List<AudioVisualDataset> datasets,
      UvaeTrainer.State before,
      UvaeTrainer.Options trainerOptions,
      List<FrameSample> training,
      List<FrameSample> validation,
      int noiseOnlyFramesLeftOut,
      long parameters,
      long macs) {
    this.options = options;
    this.modelName = modelName;
    this.runDir = runDir;
    this.modelDir = options.out() != null ? options.out() : Path.of("models", modelName);
    this.datasets = datasets;
    this.dataset = datasets.get(0);
    this.before = before;
    this.trainerOptions = trainerOptions;
    this.training = training;
    this.validation = validation;
    this.noiseOnlyFramesLeftOut = noiseOnlyFramesLeftOut;
    this.parameters = parameters;
    this.macs = macs;
  }

  /**
   * Opens and checks the datasets, reads the run's state, checks {@code startFrom}, then loads the
   * training and validation frames (none when exporting only) and counts the model's parameters.
   *
   * @throws IllegalArgumentException when a dataset has no training seconds, none has validation
   *     seconds, the datasets label classes differently, or {@code startFrom} holds no finished
   *     epoch of a model of this shape
   */
  public static TrainingRun prepare(Options options, LoadListener listener) throws IOException {
    UvaeConfig config = options.config();
    String name = options.name() != null ? options.name() : config.modelName();
    Path run = options.runDir() != null ? options.runDir() : Path.of("runs", "train-" + name);
    List<AudioVisualDataset> datasets = new ArrayList<>();
    for (Path root : options.data()) {
      datasets.add(AudioVisualDataset.open(root));
    }
    AudioVisualDataset dataset = AudioVisualDataset.requireSameClasses(datasets);
    if (!options.exportOnly()) {
      // refused before minutes of loading, not after
      for (AudioVisualDataset d : datasets) {
        if (holdsNo(d, AudioVisualDataset.Split.TRAINING)) {
          throw new IllegalArgumentException(d.root() + " has no training seconds");
        }
      }
      if (datasets.stream().allMatch(d -> holdsNo(d, AudioVisualDataset.Split.VALIDATION))) {
        throw new IllegalArgumentException("no validation seconds in " + options.data());
      }
    }
    UvaeTrainer.State before = UvaeTrainer.readState(run);
    Path startCheckpoint = startCheckpoint(options.startFrom(), config, before != null);
    if (options.noNoisePairs() && options.noiseOnlyRepeat() > 1) {
      throw new IllegalArgumentException(
          "--no-noise-pairs leaves the noise-only seconds out; --noise-only-repeat cannot repeat"
              + " them");
    }
    if (options.noiseOnlyRepeat() > 1 && dataset.noiseOnlyClass().isEmpty()) {
      throw new IllegalArgumentException(
          "--noise-only-repeat: " + options.data() + " has no noise-only class to repeat");
    }
    UvaeTrainer.Options trainerOptions =
        new UvaeTrainer.Options(
            options.epochs(),
            options.noNoisePairs() ? 0 : options.noisePairs(),
            options.stepsPerEpoch(),
            dataset.noiseOnlyClass().orElse(-1),
            options.selectByIou(),
            options.mirror(),
            options.noiseOnlyRepeat(),
            startCheckpoint,
            options.framesPerSecond(),
            options.noNoisePairs());
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<FrameSample> loaded =
        options.exportOnly()
            ? List.of()
            : load(datasets, AudioVisualDataset.Split.TRAINING, options, threads, listener);
    List<FrameSample> training = trainerOptions.trained(loaded);
    int leftOut = loaded.size() - training.size();
    if (!options.exportOnly() && training.isEmpty()) {
      throw new IllegalArgumentException(
          "--no-noise-pairs: the training seconds of " + options.data() + " are all noise-only");
    }
    List<FrameSample> validation =
        options.exportOnly()
            ? List.of()
            : load(datasets, AudioVisualDataset.Split.VALIDATION, options, threads, listener);
    long parameters;
    TensorflowRuntime.ensureLoaded();
    try (Graph g = new Graph()) {
      parameters = UvaeGraph.build(Ops.create(g), config).layers.parameters();
    }
    // the cost the card states is the exported serving graph's, which a bench measures
    long macs = UvaeGraph.macsPerFrame(config, config.backbone(), true);
    return new TrainingRun(
        options,
        name,
        run,
        datasets,
        before,
        trainerOptions,
        training,
        validation,
        leftOut,
        parameters,
        macs);
  }

  public String modelName() {
    return modelName;
  }

  public Path runDir() {
    return runDir;
  }

  public Path modelDir() {
    return modelDir;
  }

  public long parameters() {
    return parameters;
  }

  /** Floating-point operations of one frame in the exported serving graph, in billions. */
  public double gflopPerFrame() {
    return 2e-9 * macs;
  }

  public int trainingFrames() {
    return training.size();
  }

  public int validationFrames() {
    return validation.size();
  }

  /** Noise-only training frames left out by {@link Options#noNoisePairs}. */
  public int noiseOnlyFramesLeftOut() {
    return noiseOnlyFramesLeftOut;
  }

  /** The noise-only training seconds left out: the frames over the frames kept per second. */
  public double noiseOnlySecondsLeftOut() {
    return (double) noiseOnlyFramesLeftOut / options.framesPerSecond();
  }

  /** The state of the run this one resumes, or null when the run directory held none. */
  public UvaeTrainer.State resuming() {
    return before;
  }

  /**
   * Trains until the run has its epochs (nothing when exporting only), then exports the best epoch
   * with its card.
   *
   * @throws IllegalStateException when the run holds no finished epoch
   */
  public Result train(UvaeTrainer.Listener listener) throws IOException {
    UvaeTrainer trainer = new UvaeTrainer(options.config(), runDir, trainerOptions);
    UvaeTrainer.State state =
        options.exportOnly() ? before : trainer.train(training, validation, listener);
    if (state == null || state.epochsDone() == 0) {
      throw new IllegalStateException("no epoch finished in " + runDir);
    }
    ModelCard card = card(state);
    UvaeExport.export(trainer.bestCheckpoint(), options.config(), card, modelDir);
    Path evaluationData =
        datasets.stream()
            .filter(d -> !holdsNo(d, AudioVisualDataset.Split.VALIDATION))
            .findFirst()
            .orElse(dataset)
            .root();
    return new Result(state, modelDir, card, evaluationData);
  }

  /** The card of the model the run's best epoch makes. */
  private ModelCard card(UvaeTrainer.State state) {
    UvaeConfig config = options.config();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("validationMse", state.bestValidationMse());
    metrics.put("bestEpoch", (double) state.bestEpoch());
    metrics.put("epochs", (double) state.epochsDone());
    metrics.put("trainingSeconds", Math.rint(state.trainingSeconds()));
    metrics.put("parameters", (double) parameters);
    metrics.put("gflopPerFrame", Math.rint(2e-9 * macs * 1000) / 1000);
    metrics.put("peakResidentMb", Math.rint(state.peakResidentMb()));
    if (!options.exportOnly()) {
      metrics.put("trainingFrames", (double) training.size());
      metrics.put("validationFrames", (double) validation.size());
      if (options.noNoisePairs()) {
        metrics.put("noiseOnlySecondsLeftOut", noiseOnlySecondsLeftOut());
      }
    }
    // the card always names the loss, where the run's settings name only a change from both
    Map<String, Object> described = new LinkedHashMap<>(config.describe());
    described.put("loss", config.loss().described());
    if (options.noNoisePairs()) {
      described.put("noNoisePairs", true);
    }
    return new ModelCard(
        modelName,
        options.version(),
        config.preset(),
        config.frameHeight(),
        config.frameWidth(),
        config.skips(),
        config.variational(),
        String.join(
            " + ",
            options.data().stream()
                .map(p -> p.toAbsolutePath().normalize().getFileName().toString())
                .toList()),
        metrics,
        description(options, state),
        described,
        datasetCards(options.data()));
  }

  private static String description(Options options, UvaeTrainer.State state) {
    UvaeConfig config = options.config();
    int framesPerSecond = options.framesPerSecond();
    int noiseOnlyRepeat = options.noiseOnlyRepeat();
    return String.format(
        Locale.ROOT,
        "U-VAE (%s preset, %d skip%s, %s%s%s%s) trained %d epochs%s%s%s%s%s%s; best epoch %d",
        config.preset(),
        config.skips(),
        config.skips() == 1 ? "" : "s",
        config.variational() ? "VAE" : "AE",
        switch (config.audioGate()) {
          case NONE -> "";
          case FEATURE -> ", audio gate";
          case BACKBONE -> ", audio gate in the backbone";
        },
        config.visualSkip() ? ", visual skip" : "",
        config.focusWeight() > 0 ? ", focus term " + config.focusWeight() : "",
        state.epochsDone(),
        switch (config.loss()) {
          case BOTH -> "";
          case MSE -> " on MSE alone";
          case HUBER -> " on Huber alone";
        },
        options.noNoisePairs() ? " without background-noise pairs" : "",
        options.mirror() ? " on mirrored pairs too" : "",
        framesPerSecond == 12 ? "" : " at " + framesPerSecond + " frames per second",
        noiseOnlyRepeat == 1 ? "" : ", noise-only frames " + noiseOnlyRepeat + " times",
        options.startFrom() == null
            ? ""
            : ModelWeights.isModelDirectory(options.startFrom())
                ? ", starting from the model " + options.startFrom()
                : ", starting from " + options.startFrom() + "'s best epoch",
        state.bestEpoch());
  }

  /**
   * The checkpoint {@code startFrom} names, checked before minutes of loading: it must hold a
   * finished epoch of a model of the same shape. A run that resumes holds its own checkpoints; the
   * path still goes into its settings, which must match.
   */
  private static Path startCheckpoint(Path startFrom, UvaeConfig config, boolean resuming)
      throws IOException {
    if (startFrom == null) {
      return null;
    }
    if (ModelWeights.isModelDirectory(startFrom)) {
      // an exported model: its card holds the settings, its SavedModel the weights
      Path checkpoint = ModelWeights.checkpointOf(startFrom).toAbsolutePath().normalize();
      Map<String, Object> card = ModelCard.read(startFrom).config();
      if (card == null) {
        throw new IllegalArgumentException(
            "--start-from: " + startFrom + "'s model.json has no U-VAE configuration");
      }
      if (card.get("backboneWeights") != null) {
        throw new IllegalArgumentException(
            "--start-from: "
                + startFrom
                + " froze a Keras backbone into its graph; start from its training run");
      }
      requireSameGraph(startFrom, card, config);
      return checkpoint;
    }
    Path checkpoint = UvaeTrainer.bestCheckpointOf(startFrom).toAbsolutePath().normalize();
    if (resuming) {
      return checkpoint;
    }
    UvaeTrainer.State from = UvaeTrainer.readState(startFrom);
    if (from == null
        || from.epochsDone() == 0
        || !Files.exists(checkpoint.resolveSibling(checkpoint.getFileName() + ".index"))) {
      throw new IllegalArgumentException(
          "--start-from: no finished epoch in "
              + startFrom
              + " (give a training run directory or an exported model directory)");
    }
    requireSameGraph(startFrom, from.config(), config);
    return checkpoint;
  }

  /** Refuses a starting point whose graph differs from the one this run builds. */
  private static void requireSameGraph(
      Path startFrom, Map<String, Object> theirs, UvaeConfig config) {
    Map<String, Object> mine = config.describe();
    for (String key : UvaeConfig.GRAPH_SETTINGS) {
      if (!Objects.equals(theirs.get(key), mine.get(key))) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "--start-from: %s trained a model with %s %s, this run asks for %s",
                startFrom,
                key,
                theirs.get(key),
                mine.get(key)));
      }
    }
  }

  /**
   * The split of every dataset that has it, in data order; maxSeconds applies to each. A dataset
   * made only for training (synth --split 100/0/0) adds no validation seconds.
   */
  private static List<FrameSample> load(
      List<AudioVisualDataset> datasets,
      AudioVisualDataset.Split split,
      Options options,
      int threads,
      LoadListener listener)
      throws IOException {
    List<FrameSample> all = new ArrayList<>();
    for (AudioVisualDataset dataset : datasets) {
      if (!holdsNo(dataset, split)) {
        try (Loading loading = listener.loading(split)) {
          all.addAll(
              dataset.load(
                  split, options.maxSeconds(), options.framesPerSecond(), threads, loading));
        }
      }
    }
    return all;
  }

  private static boolean holdsNo(AudioVisualDataset dataset, AudioVisualDataset.Split split) {
    return !dataset.has(split) || dataset.files(split).isEmpty();
  }

  /** The one dataset's card summary, or the summaries of several under "datasets". */
  private static Map<String, Object> datasetCards(List<Path> roots) {
    if (roots.size() == 1) {
      return datasetCard(roots.get(0));
    }
    List<Map<String, Object>> cards = new ArrayList<>();
    for (Path root : roots) {
      Map<String, Object> card = new LinkedHashMap<>();
      card.put("root", root.toAbsolutePath().normalize().getFileName().toString());
      card.putAll(datasetCard(root));
      cards.add(card);
    }
    return Map.of("datasets", cards);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> datasetCard(Path root) {
    Path card = root.resolve(AudioVisualDataset.CARD);
    if (!Files.exists(card)) {
      return Map.of();
    }
    try {
      Map<String, Object> all = new ObjectMapper().readValue(card.toFile(), Map.class);
      Map<String, Object> summary = new LinkedHashMap<>();
      // backdrops and sounds name each photograph's and recording's licence and author: a model
      // trained on them carries their credits
      for (String key :
          List.of(
              "generator",
              "generator_version",
              "version",
              "seed",
              "scenes",
              "splits",
              "classes",
              "backdrops",
              "sounds")) {
        if (all.containsKey(key)) {
          summary.put(key, all.get(key));
        }
      }
      return summary;
    } catch (IOException e) {
      return Map.of("unreadable", card.toString());
    }
  }
}
