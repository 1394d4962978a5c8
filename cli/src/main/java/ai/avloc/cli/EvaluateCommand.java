package ai.avloc.cli;

import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.ModelCard;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.data.AudioVisualSecond;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.metrics.Evaluation;
import ai.avloc.training.metrics.EvaluationOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Scores models on a dataset split the paper's way: MSE, IoU@0.5 and AUC of the energy maps,"
          + " cIoU against annotated boxes, per class; with the ablations (black image,"
          + " background-noise audio), the tiled-MFCC and centre-prior baselines, and a check"
          + " that noise-only frames give flat maps.",
      "Writes OUT/evaluation.json, OUT/success.png and OUT/grid.png."
    })
final class EvaluateCommand implements Callable<Integer> {
  /** Seconds loaded at once; the next chunk loads while the models run on this one. */
  static final int CHUNK_SECONDS = 16;

  @Option(
      names = "--model",
      required = true,
      description = "model directory (SavedModel + model.json); repeat for several")
  List<Path> modelDirs;

  @Option(names = "--data", required = true, description = "dataset root (lists/, *.tfrecord)")
  Path data;

  @Option(
      names = "--split",
      defaultValue = "testing",
      description = "training, validation or testing (default: ${DEFAULT-VALUE})")
  String split;

  @Option(
      names = "--out",
      defaultValue = "runs/evaluation",
      description = "output directory (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--grid",
      defaultValue = "16",
      description = "frames in grid.png, spread over the split (default: ${DEFAULT-VALUE})")
  int grid;

  @Option(
      names = "--max-seconds",
      defaultValue = "0",
      description = "at most this many seconds, spread over the list; 0 = all (default: 0)")
  int maxSeconds;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "frames per model call (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--threads",
      description = "threads parsing seconds (default: the machine's cores)")
  Integer threads;

  @Option(
      names = "--flat-threshold",
      description =
          "peak contrast (max - median) / median below which an energy map reads as flat"
              + " (default: derived from the ground truth's maps)")
  Double flatThreshold;

  @Option(
      names = "--flat-noise-share",
      defaultValue = "0.97",
      description =
          "share of noise-only maps that each row's second threshold reads as flat (default"
              + " 0.97; read it on validation, give it to the test run with --flat-threshold)")
  double flatNoiseShare;

  @Option(
      names = "--confirm",
      defaultValue = "2/3",
      description =
          "NEEDED/WINDOWS: a stream publishes a source when its window's map and NEEDED - 1 of"
              + " the WINDOWS - 1 windows before it are not flat (each second of the data is one"
              + " stream, and only its windows with the whole history count); the \"confirmed\""
              + " flat shares use it (default 2/3, 1/1 for none)")
  String confirm;

  @Option(
      names = "--prior-sigma",
      defaultValue = "" + Evaluation.Options.PRIOR_SIGMA,
      description = "centre prior's sigma as a fraction of each side (default: ${DEFAULT-VALUE})")
  double priorSigma;

  @Option(
      names = "--update-card",
      description =
          "write the first model's scores on this split (IoU@0.5, AUC, MSE, cIoU@0.5, noise-only"
              + " flat shares) and the flat-map threshold and confirmation rule used into its"
              + " model.json")
  boolean updateCard;

  @Override
  public Integer call() throws Exception {
    Split chosen = Split.parse(split);
    AudioVisualDataset dataset = AudioVisualDataset.open(data);
    List<Path> files = dataset.select(chosen, maxSeconds);
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          data.resolve("lists").resolve(chosen.fileName()) + " lists no seconds");
    }
    int parsers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Evaluation.Options options =
        new Evaluation.Options(
            batch,
            grid,
            flatThreshold == null ? Double.NaN : flatThreshold,
            priorSigma,
            flatNoiseShare,
            SourceConfirmation.parse(confirm));
    List<AcousticModel> loaded = new ArrayList<>();
    ExecutorService loader = Executors.newSingleThreadExecutor();
    try {
      List<Evaluation.Model> models = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (Path dir : modelDirs) {
        AcousticModel model = AcousticModel.load(dir);
        loaded.add(model);
        if (model.height() != ModelShapes.FRAME_HEIGHT
            || model.width() != ModelShapes.FRAME_WIDTH) {
          throw new IllegalArgumentException(
              dir
                  + " takes "
                  + model.height()
                  + "x"
                  + model.width()
                  + " frames; the dataset's are 224x298");
        }
        String name = model.card().id();
        if (!names.add(name)) {
          name = name + " (" + dir.getFileName() + ")";
          names.add(name);
        }
        models.add(new Evaluation.Model(name, model::predict));
      }
      int total = files.size() * AudioVisualSecond.ENTRIES;
      System.out.printf(
          Locale.ROOT,
          "avloc evaluate: %d model(s) on %s %s, %d seconds (%d frames)%s%n",
          models.size(),
          data,
          chosen.name().toLowerCase(Locale.ROOT),
          files.size(),
          total,
          dataset.noiseOnlyClass().isPresent()
              ? ", noise-only class " + dataset.noiseOnlyClass().getAsLong()
              : "");
      Evaluation evaluation =
          new Evaluation(models, dataset.classNames(), dataset.noiseOnlyClass(), options, total);
      long start = System.nanoTime();
      try (ProgressBar bar =
          ProgressBars.builder("evaluate")
              .setInitialMax(total)
              .setUnit(" frames", 1)
              .showSpeed(new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT)))
              .build()) {
        Evaluation.Progress progress =
            (done, all) -> {
              bar.maxHint(all);
              bar.stepTo(done);
            };
        CompletableFuture<List<FrameSample>> next = load(loader, dataset, files, 0, parsers);
        for (int from = 0; from < files.size(); from += CHUNK_SECONDS) {
          List<FrameSample> chunk = join(next);
          int after = from + CHUNK_SECONDS;
          next = after < files.size() ? load(loader, dataset, files, after, parsers) : null;
          evaluation.accept(chunk, progress);
        }
      }
      Evaluation.Report report = evaluation.finish();
      double seconds = (System.nanoTime() - start) / 1e9;
      String title =
          String.format(
              Locale.ROOT,
              "%s, %s split, %d frames",
              data.getFileName(),
              chosen.name().toLowerCase(Locale.ROOT),
              report.frames());
      EvaluationOutput.writeAll(report, out, title);
      if (updateCard) {
        updateCard(modelDirs.get(0), report, models.get(0).name(), chosen);
      }
      System.out.println();
      System.out.print(EvaluationOutput.table(report));
      System.out.println();
      System.out.print(EvaluationOutput.classTable(report));
      System.out.println();
      System.out.print(EvaluationOutput.flatnessTable(report));
      System.out.printf(
          Locale.ROOT,
          "%n%d frames in %.1f s (%.1f frames/s); wrote %s, %s%s%n",
          report.frames(),
          seconds,
          report.frames() / seconds,
          out.resolve(EvaluationOutput.JSON_FILE),
          out.resolve(EvaluationOutput.SUCCESS_FILE),
          report.grid().isEmpty() ? "" : ", " + out.resolve(EvaluationOutput.GRID_FILE));
      return 0;
    } finally {
      loader.shutdownNow();
      for (AcousticModel m : loaded) {
        m.close();
      }
    }
  }

  /** Adds the first model's scores to its card, keyed by split, and the flat-map threshold. */
  private static void updateCard(Path dir, Evaluation.Report report, String row, Split chosen)
      throws IOException {
    ModelCard card = ModelCard.read(dir);
    Evaluation.RowReport r = report.row(row);
    String s = chosen.name().toLowerCase(Locale.ROOT);
    java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>(card.metrics());
    put(metrics, s + "IoU50", r.iou50());
    put(metrics, s + "Auc", r.auc());
    put(metrics, s + "Mse", r.mse());
    put(metrics, s + "CIoU50", r.ciou50());
    put(metrics, s + "NoiseOnlyFlat", r.noiseOnlyFlat());
    put(metrics, s + "SoundingFlat", r.soundingFlat());
    put(metrics, s + "NoiseOnlyFlatConfirmed", r.noiseOnlyFlatConfirmed());
    put(metrics, s + "SoundingFlatConfirmed", r.soundingFlatConfirmed());
    put(metrics, "flatContrast", report.flatness().threshold());
    put(metrics, "confirmNeeded", (double) report.confirmation().needed());
    put(metrics, "confirmWindows", (double) report.confirmation().windows());
    card.withMetrics(metrics).write(dir);
    System.out.println("updated " + dir.resolve(ModelCard.FILE));
  }

  private static void put(java.util.Map<String, Double> metrics, String key, Double value) {
    if (value != null && Double.isFinite(value)) {
      metrics.put(key, value);
    }
  }

  private static CompletableFuture<List<FrameSample>> load(
      ExecutorService loader, AudioVisualDataset dataset, List<Path> files, int from, int threads) {
    List<Path> chunk = files.subList(from, Math.min(files.size(), from + CHUNK_SECONDS));
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return dataset.load(chunk, threads, AudioVisualDataset.Progress.NONE);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        loader);
  }

  private static List<FrameSample> join(CompletableFuture<List<FrameSample>> future)
      throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
