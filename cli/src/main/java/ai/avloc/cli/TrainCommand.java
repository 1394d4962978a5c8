package ai.avloc.cli;

import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.uvae.AudioGate;
import ai.avloc.training.uvae.ModelWeights;
import ai.avloc.training.uvae.ReconstructionLoss;
import ai.avloc.training.uvae.TrainingRun;
import ai.avloc.training.uvae.UvaeConfig;
import ai.avloc.training.uvae.UvaeTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  @Option(
      names = "--preset",
      defaultValue = "compact",
      description = "compact (the shipped model's), lite (half its cost a window) or paper")
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
      description =
          "fraction of frames that also train on their background-noise pair (§4.3; default 1)")
  Double noisePairs;

  @Option(
      names = "--no-noise-pairs",
      description =
          "train without background-noise pairs (the paper's ablation): no §4.3 pair and none of"
              + " the datasets' noise-only seconds; the card says how many seconds were left out")
  boolean noNoisePairs;

  @Option(
      names = "--loss",
      defaultValue = "both",
      converter = LossConverter.class,
      description =
          "reconstruction terms: mse, huber or both (the paper's MSE + Huber, the default); the"
              + " VAE adds its KL term to each")
  ReconstructionLoss loss;

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
          "fine-tune: start a new run from an exported model directory (its weights, a fresh"
              + " optimizer, its model.json's settings; e.g. models/uvae-compact) or from another"
              + " run directory's best epoch (its weights and optimizer state; the model settings"
              + " must be the same)")
  Path startFrom;

  /** The options that shape the graph; a model given to --start-from sets them. */
  static final List<String> GRAPH_OPTIONS =
      List.of("--preset", "--skips", "--ae", "--audio-gate", "--visual-skip", "--backbone-weights");

  @Spec CommandSpec spec;

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
        startsFromModel()
            ? ModelWeights.configOf(startFrom)
                .withSeed(seed)
                .withFocusWeight(focusWeight)
                .withLoss(loss)
            : UvaeConfig.preset(preset)
                .withSeed(seed)
                .withVariational(!autoencoder)
                .withAudioGate(audioGate())
                .withVisualSkip(visualSkip)
                .withFocusWeight(focusWeight)
                .withLoss(loss);
    if (noNoisePairs && noisePairs != null) {
      throw new IllegalArgumentException(
          "--no-noise-pairs trains on no background-noise pair; leave out --noise-pairs");
    }
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
    TrainingRun.Options options =
        new TrainingRun.Options(
            data,
            config,
            name,
            runDir,
            out,
            version,
            epochs,
            noisePairs == null ? 1 : noisePairs,
            noiseOnlyRepeat,
            mirror,
            framesPerSecond,
            maxSeconds,
            stepsPerEpoch,
            selectByIou(),
            startFrom,
            exportOnly,
            noNoisePairs);
    TrainingRun run = TrainingRun.prepare(options, TrainCommand::loadBar);
    System.out.printf(
        Locale.ROOT,
        "%s: %,d parameters, %.2f GFLOP per frame served; %d training and %d validation frames;"
            + " run %s%n",
        run.modelName(),
        run.parameters(),
        run.gflopPerFrame(),
        run.trainingFrames(),
        run.validationFrames(),
        run.runDir());
    if (noNoisePairs) {
      System.out.printf(
          Locale.ROOT,
          "without background-noise pairs: %d noise-only training frames (%.1f s) left out%n",
          run.noiseOnlyFramesLeftOut(),
          run.noiseOnlySecondsLeftOut());
    }
    UvaeTrainer.State before = run.resuming();
    if (before != null) {
      System.out.printf(
          Locale.ROOT,
          "resuming after epoch %d (best so far: epoch %d, validation MSE %.5f)%n",
          before.epochsDone(),
          before.bestEpoch(),
          before.bestValidationMse());
    }
    TrainingRun.Result result = run.train(new BarListener(epochs));
    System.out.printf(
        Locale.ROOT,
        "exported epoch %d (validation MSE %.5f) to %s; evaluate it with"
            + " ./avloc evaluate --model %s --data %s%n",
        result.state().bestEpoch(),
        result.state().bestValidationMse(),
        result.modelDir(),
        result.modelDir(),
        result.evaluationData());
    return 0;
  }

  /**
   * True when --start-from names an exported model: the model's card then sets the graph, and an
   * option that would change it is refused rather than silently ignored.
   */
  private boolean startsFromModel() {
    if (startFrom == null || !ModelWeights.isModelDirectory(startFrom)) {
      return false;
    }
    for (String option : GRAPH_OPTIONS) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new IllegalArgumentException(
            option
                + ": a fine-tune from the model "
                + startFrom
                + " builds its graph from the model's model.json; leave out "
                + String.join(", ", GRAPH_OPTIONS));
      }
    }
    return true;
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

  /** Reads --loss: mse, huber or both, with picocli's message for anything else. */
  static final class LossConverter implements CommandLine.ITypeConverter<ReconstructionLoss> {
    @Override
    public ReconstructionLoss convert(String value) {
      try {
        return ReconstructionLoss.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected mse, huber or both");
      }
    }
  }

  /** A bar for the seconds of one split of one dataset as they load. */
  private static TrainingRun.Loading loadBar(AudioVisualDataset.Split split) {
    ProgressBar bar =
        ProgressBars.builder("load " + split.name().toLowerCase(Locale.ROOT))
            .setUnit(" s", 1)
            .build();
    return new TrainingRun.Loading() {
      @Override
      public void update(int secondsDone, int secondsTotal) {
        bar.maxHint(secondsTotal);
        bar.stepTo(secondsDone);
      }

      @Override
      public void close() {
        bar.close();
      }
    };
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
            ProgressBars.builder(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                .setInitialMax(steps)
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
