package ai.avloc.cli;

import ai.avloc.serving.ModelCard;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.uvae.AudioGate;
import ai.avloc.training.uvae.UvaeConfig;
import ai.avloc.training.uvae.UvaeExport;
import ai.avloc.training.uvae.UvaeGraph;
import ai.avloc.training.uvae.UvaeTrainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a U-VAE on an audio-visual dataset (ACIVW layout: lists/training.txt,"
          + " validation.txt) and export the best epoch as a model directory.",
      "A killed run resumes where it stopped when started again with the same --run."
    })
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      required = true,
      description =
          "dataset root; repeat it to train on several datasets of the same classes: their"
              + " training splits together, validated on their validation splits together")
  List<Path> data;

  @Option(names = "--preset", defaultValue = "compact", description = "compact or paper")
  String preset;

  @Option(names = "--skips", description = "U-Net skip connections: 0, 1 or 2 (default 1)")
  Integer skips;

  @Option(names = "--ae", description = "plain autoencoder instead of the VAE")
  boolean autoencoder;

  @Option(
      names = "--audio-gate",
      arity = "0..1",
      fallbackValue = "feature",
      defaultValue = "none",
      description =
          "let the sound scale and shift visual channels before fusion (not in the paper;"
              + " docs/decisions.md): feature (the 12-channel visual feature, the default of a"
              + " bare --audio-gate), backbone (also 64 channels inside the compact backbone) or"
              + " none")
  String audioGate;

  @Option(
      names = "--focus-weight",
      defaultValue = "0",
      description =
          "weight of the focus term: the fused visual feature must point where the target's"
              + " energy is (not in the paper; docs/decisions.md)")
  double focusWeight;

  @Option(
      names = "--visual-skip",
      description =
          "also hand the decoder the 12x16 visual feature beside the latent (not in the paper;"
              + " docs/decisions.md)")
  boolean visualSkip;

  @Option(
      names = "--mirror",
      description =
          "show each training pair left-right mirrored (frame and acoustic image) half of the"
              + " time (docs/decisions.md)")
  boolean mirror;

  @Option(
      names = "--frames-per-second",
      defaultValue = "12",
      description =
          "frames kept of each second's 12, evenly spaced (a divisor of 12), in training and"
              + " validation, so more scenes fit in memory")
  int framesPerSecond;

  @Option(names = "--epochs", defaultValue = "20")
  int epochs;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--lr", description = "learning rate (default: the preset's)")
  Double learningRate;

  @Option(names = "--batch", description = "batch size (default: the preset's)")
  Integer batch;

  @Option(
      names = "--energy-weight",
      description = "weight of the energy-map term (default: the preset's; 0 = the paper's loss)")
  Double energyWeight;

  @Option(
      names = "--noise-pairs",
      defaultValue = "1",
      description = "fraction of frames that also train on their background-noise pair (§4.3)")
  double noisePairs;

  @Option(
      names = "--noise-only-repeat",
      defaultValue = "1",
      description =
          "show each noise-only training frame N times an epoch, to weigh silence against the"
              + " sounding scenes (docs/decisions.md)")
  int noiseOnlyRepeat;

  @Option(
      names = "--start-from",
      description =
          "fine-tune: start a new run from another run directory's best epoch (its weights and"
              + " optimizer state; the model settings must be the same)")
  Path startFrom;

  @Option(names = "--backbone-weights", description = "Keras ResNet50 notop HDF5 (paper preset)")
  Path backboneWeights;

  @Option(
      names = "--max-seconds",
      defaultValue = "0",
      description = "use at most N seconds per split of each dataset (0: all)")
  int maxSeconds;

  @Option(
      names = "--steps-per-epoch",
      defaultValue = "0",
      description = "cut epochs short (0: whole)")
  int stepsPerEpoch;

  @Option(names = "--run", description = "run directory (default runs/train-<name>)")
  Path runDir;

  @Option(names = "--out", description = "model directory (default models/<name>)")
  Path out;

  @Option(
      names = "--name",
      description = "model name (default uvae-<preset>-s<skips>[-ae][-gate|-gate2][-vskip])")
  String name;

  @Option(names = "--version", defaultValue = "1", description = "model version")
  String version;

  @Option(
      names = "--select-by",
      defaultValue = "mse",
      description =
          "keep the epoch with the lowest validation MSE (mse, as the paper) or the best"
              + " validation IoU@0.5 (iou)")
  String selectBy;

  @Option(
      names = "--export-only",
      description = "train nothing: export the run's best epoch so far (e.g. while it trains)")
  boolean exportOnly;

  @Override
  public Integer call() throws Exception {
    UvaeConfig config =
        UvaeConfig.preset(preset)
            .withSeed(seed)
            .withVariational(!autoencoder)
            .withAudioGate(audioGate())
            .withVisualSkip(visualSkip)
            .withFocusWeight(focusWeight);
    if (skips != null) {
      config = config.withSkips(skips);
    }
    if (learningRate != null) {
      config = config.withLearningRate(learningRate);
    }
    if (batch != null) {
      config = config.withBatchSize(batch);
    }
    if (energyWeight != null) {
      config = config.withEnergyWeight(energyWeight);
    }
    if (backboneWeights != null) {
      config = config.withBackboneWeights(backboneWeights);
    }
    String modelName = name != null ? name : config.modelName();
    Path run = runDir != null ? runDir : Path.of("runs", "train-" + modelName);
    Path modelDir = out != null ? out : Path.of("models", modelName);

    List<AudioVisualDataset> datasets = new ArrayList<>();
    for (Path root : data) {
      datasets.add(AudioVisualDataset.open(root));
    }
    AudioVisualDataset dataset = AudioVisualDataset.requireSameClasses(datasets);
    if (!exportOnly) {
      // refused before minutes of loading, not after
      for (AudioVisualDataset d : datasets) {
        if (holdsNo(d, AudioVisualDataset.Split.TRAINING)) {
          throw new IllegalArgumentException(d.root() + " has no training seconds");
        }
      }
      if (datasets.stream().allMatch(d -> holdsNo(d, AudioVisualDataset.Split.VALIDATION))) {
        throw new IllegalArgumentException("no validation seconds in " + data);
      }
    }
    UvaeTrainer.State before = UvaeTrainer.readState(run);
    Path startCheckpoint = startCheckpoint(config, before != null);
    if (noiseOnlyRepeat > 1 && dataset.noiseOnlyClass().isEmpty()) {
      throw new IllegalArgumentException(
          "--noise-only-repeat: " + data + " has no noise-only class to repeat");
    }
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<FrameSample> training =
        exportOnly ? List.of() : load(datasets, AudioVisualDataset.Split.TRAINING, threads);
    List<FrameSample> validation =
        exportOnly ? List.of() : load(datasets, AudioVisualDataset.Split.VALIDATION, threads);

    long macs;
    long parameters;
    try (Graph g = new Graph()) {
      UvaeGraph graph = UvaeGraph.build(Ops.create(g), config);
      parameters = graph.layers.parameters();
    }
    // the cost the card states is the exported serving graph's, which a bench measures
    macs = UvaeGraph.macsPerFrame(config, config.backbone(), true);
    System.out.printf(
        Locale.ROOT,
        "%s: %,d parameters, %.2f GFLOP per frame served; %d training and %d validation frames;"
            + " run %s%n",
        modelName,
        parameters,
        2e-9 * macs,
        training.size(),
        validation.size(),
        run);

    UvaeTrainer.Options options =
        new UvaeTrainer.Options(
            epochs,
            noisePairs,
            stepsPerEpoch,
            dataset.noiseOnlyClass().orElse(-1),
            selectByIou(),
            mirror,
            noiseOnlyRepeat,
            startCheckpoint,
            framesPerSecond);
    UvaeTrainer trainer = new UvaeTrainer(config, run, options);
    if (before != null) {
      System.out.printf(
          Locale.ROOT,
          "resuming after epoch %d (best so far: epoch %d, validation MSE %.5f)%n",
          before.epochsDone(),
          before.bestEpoch(),
          before.bestValidationMse());
    }
    UvaeTrainer.State state =
        exportOnly ? before : trainer.train(training, validation, new BarListener(epochs));
    if (state == null || state.epochsDone() == 0) {
      throw new IllegalStateException("no epoch finished in " + run);
    }

    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("validationMse", state.bestValidationMse());
    metrics.put("bestEpoch", (double) state.bestEpoch());
    metrics.put("epochs", (double) state.epochsDone());
    metrics.put("trainingSeconds", Math.rint(state.trainingSeconds()));
    metrics.put("parameters", (double) parameters);
    metrics.put("gflopPerFrame", Math.rint(2e-9 * macs * 1000) / 1000);
    metrics.put("peakResidentMb", Math.rint(state.peakResidentMb()));
    if (!exportOnly) {
      metrics.put("trainingFrames", (double) training.size());
      metrics.put("validationFrames", (double) validation.size());
    }
    Map<String, Object> dataCard = datasetCards(data);
    ModelCard card =
        new ModelCard(
            modelName,
            version,
            config.preset(),
            config.frameHeight(),
            config.frameWidth(),
            config.skips(),
            config.variational(),
            String.join(
                " + ",
                data.stream()
                    .map(p -> p.toAbsolutePath().normalize().getFileName().toString())
                    .toList()),
            metrics,
            String.format(
                Locale.ROOT,
                "U-VAE (%s preset, %d skip%s, %s%s%s%s) trained %d epochs%s%s%s%s; best epoch %d",
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
                mirror ? " on mirrored pairs too" : "",
                framesPerSecond == 12 ? "" : " at " + framesPerSecond + " frames per second",
                noiseOnlyRepeat == 1 ? "" : ", noise-only frames " + noiseOnlyRepeat + " times",
                startFrom == null ? "" : ", starting from " + startFrom + "'s best epoch",
                state.bestEpoch()),
            config.describe(),
            dataCard);
    UvaeExport.export(trainer.bestCheckpoint(), config, card, modelDir);
    System.out.printf(
        Locale.ROOT,
        "exported epoch %d (validation MSE %.5f) to %s; evaluate it with"
            + " ./avloc evaluate --model %s --data %s%n",
        state.bestEpoch(),
        state.bestValidationMse(),
        modelDir,
        modelDir,
        datasets.stream()
            .filter(d -> !holdsNo(d, AudioVisualDataset.Split.VALIDATION))
            .findFirst()
            .orElse(dataset)
            .root());
    return 0;
  }

  /**
   * The checkpoint {@code --start-from} names, checked before minutes of loading: it must hold a
   * finished epoch of a model of the same shape. A run that resumes holds its own checkpoints; the
   * path still goes into its settings, which must match.
   */
  private Path startCheckpoint(UvaeConfig config, boolean resuming) throws java.io.IOException {
    if (startFrom == null) {
      return null;
    }
    Path checkpoint = UvaeTrainer.bestCheckpointOf(startFrom).toAbsolutePath().normalize();
    if (resuming) {
      return checkpoint;
    }
    UvaeTrainer.State from = UvaeTrainer.readState(startFrom);
    if (from == null
        || from.epochsDone() == 0
        || !Files.exists(checkpoint.resolveSibling(checkpoint.getFileName() + ".index"))) {
      throw new IllegalArgumentException("--start-from: no finished epoch in " + startFrom);
    }
    Map<String, Object> mine = config.describe();
    for (String key : UvaeConfig.GRAPH_SETTINGS) {
      if (!java.util.Objects.equals(from.config().get(key), mine.get(key))) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "--start-from: %s trained a model with %s %s, this run asks for %s",
                startFrom,
                key,
                from.config().get(key),
                mine.get(key)));
      }
    }
    return checkpoint;
  }

  private AudioGate audioGate() {
    return switch (audioGate) {
      case "none" -> AudioGate.NONE;
      case "feature" -> AudioGate.FEATURE;
      case "backbone" -> AudioGate.BACKBONE;
      default ->
          throw new IllegalArgumentException(
              "--audio-gate takes none, feature or backbone, got " + audioGate);
    };
  }

  private boolean selectByIou() {
    return switch (selectBy) {
      case "mse" -> false;
      case "iou" -> true;
      default ->
          throw new IllegalArgumentException("--select-by takes mse or iou, got " + selectBy);
    };
  }

  /**
   * The split of every dataset that has it, in --data order; --max-seconds applies to each. A
   * dataset made only for training (synth --split 100/0/0) adds no validation seconds.
   */
  private List<FrameSample> load(
      List<AudioVisualDataset> datasets, AudioVisualDataset.Split split, int threads)
      throws Exception {
    List<FrameSample> all = new ArrayList<>();
    for (AudioVisualDataset dataset : datasets) {
      if (!holdsNo(dataset, split)) {
        all.addAll(load(dataset, split, threads));
      }
    }
    return all;
  }

  private static boolean holdsNo(AudioVisualDataset dataset, AudioVisualDataset.Split split) {
    return !dataset.has(split) || dataset.files(split).isEmpty();
  }

  private List<FrameSample> load(
      AudioVisualDataset dataset, AudioVisualDataset.Split split, int threads) throws Exception {
    try (ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName("load " + split.name().toLowerCase(Locale.ROOT))
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" s", 1)
            .build()) {
      return dataset.load(
          split,
          maxSeconds,
          framesPerSecond,
          threads,
          (done, total) -> {
            bar.maxHint(total);
            bar.stepTo(done);
          });
    }
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
    Path card = root.resolve("dataset.json");
    if (!Files.exists(card)) {
      return Map.of();
    }
    try {
      Map<String, Object> all = new ObjectMapper().readValue(card.toFile(), Map.class);
      Map<String, Object> summary = new LinkedHashMap<>();
      for (String key : List.of("generator", "version", "seed", "scenes", "splits", "classes")) {
        if (all.containsKey(key)) {
          summary.put(key, all.get(key));
        }
      }
      return summary;
    } catch (java.io.IOException e) {
      return Map.of("unreadable", card.toString());
    }
  }

  /** One progress bar per epoch: steps, loss, then validation MSE; ETA from the bar's rate. */
  private static final class BarListener implements UvaeTrainer.Listener {
    private final int epochs;
    private ProgressBar bar;
    private double lossSum;

    BarListener(int epochs) {
      this.epochs = epochs;
    }

    @Override
    public void step(int epoch, int step, int steps, double loss) {
      if (bar == null) {
        bar =
            new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                .setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setMaxRenderedLength(120)
                .build();
        lossSum = 0;
      }
      lossSum += loss;
      bar.stepTo(step);
      bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", lossSum / step));
    }

    @Override
    public void epoch(UvaeTrainer.Epoch e) {
      if (bar != null) {
        bar.close();
        bar = null;
      }
      if (e.epoch() == 0) {
        System.out.printf(
            Locale.ROOT,
            "starting point: validation MSE %.5f, IoU@0.5 %.1f %%%n",
            e.validationMse(),
            100 * e.validationIou50());
        return;
      }
      System.out.printf(
          Locale.ROOT,
          "epoch %d: loss %.5f, train MSE %.5f, validation MSE %.5f, IoU@0.5 %.1f %%%s (%s)%n",
          e.epoch(),
          e.trainLoss(),
          e.trainMse(),
          e.validationMse(),
          100 * e.validationIou50(),
          e.best() ? " *best*" : "",
          Duration.ofSeconds(Math.round(e.seconds()))
              .toString()
              .substring(2)
              .toLowerCase(Locale.ROOT));
    }
  }
}
