package ai.avloc.training.metrics;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.ModelCard;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.AudioVisualDataset.Split;
import ai.avloc.training.data.AudioVisualSecond;
import ai.avloc.training.data.FrameSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One evaluation of model directories on a dataset split, as {@code avloc evaluate} does it: the
 * split's seconds are selected and the models loaded and checked before any second is read; then
 * the seconds load in chunks, the next chunk on a second thread while the models run on this one,
 * so a split larger than memory can be scored; the {@link Evaluation}'s report is written to the
 * output directory and, when asked, the first model's scores into its {@link ModelCard}.
 *
 * <p>{@link #prepare} does everything up to the evaluation and leaves what a caller reports about
 * it ({@link #modelNames}, {@link #seconds}, {@link #frames}); {@link #evaluate} does the rest.
 * Closing the run closes the models.
 */
public final class EvaluationRun implements AutoCloseable {
  /** Seconds loaded at once; the next chunk loads while the models run on this one. */
  public static final int CHUNK_SECONDS = 16;

  /**
   * What to evaluate and where to write it.
   *
   * @param models model directories (SavedModel + model.json), each a row with its ablations
   * @param data the dataset root
   * @param maxSeconds at most this many seconds, spread over the split's list (0: all)
   * @param threads seconds parsed at once
   * @param chunkSeconds seconds loaded at once ({@link #CHUNK_SECONDS})
   * @param out directory of evaluation.json, success.png and grid.png
   * @param updateCard write the first model's scores on this split into its model.json
   */
  public record Options(
      List<Path> models,
      Path data,
      Split split,
      int maxSeconds,
      int threads,
      int chunkSeconds,
      Evaluation.Options evaluation,
      Path out,
      boolean updateCard) {
    public Options {
      models = List.copyOf(models);
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(split, "split");
      Objects.requireNonNull(evaluation, "evaluation");
      Objects.requireNonNull(out, "out");
      if (chunkSeconds < 1) {
        throw new IllegalArgumentException("chunks hold at least one second, got " + chunkSeconds);
      }
    }
  }

  /**
   * What {@link #evaluate} left.
   *
   * @param seconds wall time of the evaluation, loading included, writing not
   * @param card the model.json the first model's scores went into, or null when not asked
   */
  public record Result(Evaluation.Report report, double seconds, Path card) {}

  private final Options options;
  private final AudioVisualDataset dataset;
  private final List<Path> files;
  private final List<AcousticModel> loaded;
  private final List<Evaluation.Model> models;

  private EvaluationRun(
      Options options,
      AudioVisualDataset dataset,
      List<Path> files,
      List<AcousticModel> loaded,
      List<Evaluation.Model> models) {
    this.options = options;
    this.dataset = dataset;
    this.files = files;
    this.loaded = loaded;
    this.models = models;
  }

  /**
   * Opens the dataset, selects the split's seconds and loads the models.
   *
   * @throws IllegalArgumentException when the split lists no seconds or a model takes frames of
   *     another size than the dataset's
   */
  public static EvaluationRun prepare(Options options) throws IOException {
    AudioVisualDataset dataset = AudioVisualDataset.open(options.data());
    List<Path> files = dataset.select(options.split(), options.maxSeconds());
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          options.data().resolve("lists").resolve(options.split().fileName())
              + " lists no seconds");
    }
    List<AcousticModel> loaded = new ArrayList<>();
    try {
      List<Evaluation.Model> models = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (Path dir : options.models()) {
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
        models.add(new Evaluation.Model(rowName(model.card().id(), dir, names), model::predict));
      }
      return new EvaluationRun(options, dataset, files, loaded, models);
    } catch (IOException | RuntimeException e) {
      closeAll(loaded);
      throw e;
    }
  }

  /**
   * The model's row name: its card's id, or, when an earlier model took that id (the same model
   * twice, or two versions that kept their name), the id followed by the directory's name.
   */
  static String rowName(String id, Path dir, Set<String> taken) {
    String name = id;
    if (!taken.add(name)) {
      name = name + " (" + dir.getFileName() + ")";
      taken.add(name);
    }
    return name;
  }

  /** The models' row names, in the order of {@link Options#models}. */
  public List<String> modelNames() {
    return models.stream().map(Evaluation.Model::name).toList();
  }

  /** The loaded models as the evaluation runs them, by row name; closed with the run. */
  public List<Evaluation.Model> models() {
    return List.copyOf(models);
  }

  /** The opened dataset. */
  public AudioVisualDataset dataset() {
    return dataset;
  }

  /** Seconds of the split evaluated. */
  public int seconds() {
    return files.size();
  }

  /** Frames evaluated: 12 per second. */
  public int frames() {
    return files.size() * AudioVisualSecond.ENTRIES;
  }

  public OptionalLong noiseOnlyClass() {
    return dataset.noiseOnlyClass();
  }

  /**
   * Scores every frame, writes the report's files into {@link Options#out} and, when asked, the
   * first model's scores into its card.
   *
   * @param progress told after every batch, with the frames done of {@link #frames}
   * @throws IOException naming a second that is missing or corrupt
   */
  public Result evaluate(Evaluation.Progress progress) throws IOException {
    Evaluation evaluation =
        new Evaluation(
            models, dataset.classNames(), dataset.noiseOnlyClass(), options.evaluation(), frames());
    long start = System.nanoTime();
    ExecutorService loader = Executors.newSingleThreadExecutor();
    try {
      int chunkSeconds = options.chunkSeconds();
      CompletableFuture<List<FrameSample>> next = load(loader, 0);
      for (int from = 0; from < files.size(); from += chunkSeconds) {
        List<FrameSample> chunk = join(next);
        int after = from + chunkSeconds;
        next = after < files.size() ? load(loader, after) : null;
        evaluation.accept(chunk, progress);
      }
    } finally {
      loader.shutdownNow();
    }
    Evaluation.Report report = evaluation.finish();
    double seconds = (System.nanoTime() - start) / 1e9;
    String title =
        String.format(
            Locale.ROOT,
            "%s, %s split, %d frames",
            options.data().getFileName(),
            options.split().name().toLowerCase(Locale.ROOT),
            report.frames());
    EvaluationOutput.writeAll(report, options.out(), title);
    Path card = null;
    if (options.updateCard()) {
      Path dir = options.models().get(0);
      updateCard(dir, report, models.get(0).name(), options.split());
      card = dir.resolve(ModelCard.FILE);
    }
    return new Result(report, seconds, card);
  }

  /**
   * Adds a row's scores on a split to a model's card, keyed by the split's name, with the flat-map
   * threshold and the confirmation rule they were read with; scores that are missing or not finite
   * (no noise-only frames, no boxes) are left out.
   */
  static void updateCard(Path dir, Evaluation.Report report, String row, Split split)
      throws IOException {
    ModelCard card = ModelCard.read(dir);
    Evaluation.RowReport r = report.row(row);
    String s = split.name().toLowerCase(Locale.ROOT);
    Map<String, Double> metrics = new LinkedHashMap<>(card.metrics());
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
  }

  private static void put(Map<String, Double> metrics, String key, Double value) {
    if (value != null && Double.isFinite(value)) {
      metrics.put(key, value);
    }
  }

  /** Starts loading the chunk of seconds from {@code from} on the loader thread. */
  private CompletableFuture<List<FrameSample>> load(ExecutorService loader, int from) {
    List<Path> chunk = files.subList(from, Math.min(files.size(), from + options.chunkSeconds()));
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return dataset.load(chunk, options.threads(), AudioVisualDataset.Progress.NONE);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        loader);
  }

  /** The chunk, or the loader's failure as it was thrown there. */
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

  @Override
  public void close() {
    closeAll(loaded);
  }

  private static void closeAll(List<AcousticModel> models) {
    for (AcousticModel m : models) {
      m.close();
    }
  }
}
