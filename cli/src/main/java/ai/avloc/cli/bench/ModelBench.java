package ai.avloc.cli.bench;

import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.ModelCard;
import ai.avloc.training.uvae.UvaeConfig;
import ai.avloc.training.uvae.UvaeExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench model}: how many windows per second a model serves through DJL's TensorFlow engine,
 * per batch size, against the GFLOP a window costs. Inputs are random frames and MFCC vectors;
 * every call is timed after a warm-up. The rows are measured in interleaved rounds (every model and
 * batch size once per round), and each row reports its median round and the range: on a shared
 * machine the rate drifts by tens of percent over minutes, and rows measured one after the other
 * would compare that drift instead of the models.
 */
public final class ModelBench {
  private final List<Path> models;
  private final List<String> untrained;
  private final int[] batches;
  private final Duration measure;
  private final int rounds;

  /**
   * @param models model directories to measure
   * @param untrained presets to build untrained and measure too, e.g. compact
   * @param batches batch sizes, one row per model and size
   * @param measure measured span per row, shared by its rounds
   * @param rounds interleaved rounds; a row reports its median
   */
  public ModelBench(
      List<Path> models, List<String> untrained, int[] batches, Duration measure, int rounds) {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
    }
    this.models = models;
    this.untrained = untrained;
    this.batches = batches;
    this.measure = measure;
    this.rounds = rounds;
  }

  /** One model and batch size: its inputs and the rate of every round. */
  private record Row(AcousticModel model, int batch, float[] rgb, float[] mfcc, double[] rates) {}

  /** Loads (or builds) every model, measures every row in rounds, prints the table. */
  public int run() throws Exception {
    List<Path> dirs = modelDirs();
    List<AcousticModel> loaded = new ArrayList<>();
    try {
      List<Row> rows = warmedUpRows(dirs, loaded);
      printHeader();
      measureInRounds(rows);
      System.out.println();
      printTable(rows);
    } finally {
      for (AcousticModel model : loaded) {
        model.close();
      }
    }
    return 0;
  }

  /** The given model directories, then a freshly exported one per untrained preset. */
  private List<Path> modelDirs() throws Exception {
    List<Path> dirs = new ArrayList<>(models);
    for (String preset : untrained) {
      Path dir = Files.createTempDirectory("avloc-bench-" + preset.trim());
      System.out.printf(Locale.ROOT, "building an untrained %s model...%n", preset.trim());
      UvaeExport.exportInitialized(UvaeConfig.preset(preset.trim()), dir.resolve("model"));
      dirs.add(dir.resolve("model"));
    }
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("give --model DIR or --untrained compact,paper");
    }
    return dirs;
  }

  /** One row per model and batch size, with random inputs, each predicted three times already. */
  private List<Row> warmedUpRows(List<Path> dirs, List<AcousticModel> loaded) throws Exception {
    List<Row> rows = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    for (Path dir : dirs) {
      AcousticModel model = AcousticModel.load(dir);
      loaded.add(model);
      for (int batch : batches) {
        float[] rgb = new float[batch * model.height() * model.width() * 3];
        float[] mfcc = new float[batch * 12];
        for (int i = 0; i < rgb.length; i++) {
          rgb[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < mfcc.length; i++) {
          mfcc[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < 3; i++) {
          model.predict(rgb, mfcc, batch);
        }
        rows.add(new Row(model, batch, rgb, mfcc, new double[rounds]));
      }
    }
    return rows;
  }

  private void printHeader() {
    System.out.printf(
        Locale.ROOT,
        "avloc bench model — %d cores, Java %s; DJL TensorFlow engine; %s per row in %d"
            + " interleaved round%s; reference rate %.0f GFLOP/s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        measure.toSeconds() + " s",
        rounds,
        rounds == 1 ? "" : "s",
        ImagingBench.REFERENCE_GFLOPS);
  }

  /** Every row once per round, each for its share of {@code measure}. */
  private void measureInRounds(List<Row> rows) {
    Duration slice = measure.dividedBy(rounds);
    for (int r = 0; r < rounds; r++) {
      for (Row row : rows) {
        row.rates()[r] = rate(row, slice);
      }
      System.out.printf(Locale.ROOT, "round %d/%d done%n", r + 1, rounds);
    }
  }

  private static void printTable(List<Row> rows) {
    System.out.printf(
        Locale.ROOT,
        "%-28s %-6s %6s %12s %19s %12s %10s %12s %9s%n",
        "model",
        "device",
        "batch",
        "windows/s",
        "rounds min-max",
        "ms/batch",
        "GFLOP/win",
        "GFLOP/s",
        "of ref");
    for (Row row : rows) {
      ModelCard card = row.model().card();
      Double gflop = card.metrics() == null ? null : card.metrics().get("gflopPerFrame");
      double[] sorted = row.rates().clone();
      java.util.Arrays.sort(sorted);
      double median =
          sorted.length % 2 == 1
              ? sorted[sorted.length / 2]
              : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      System.out.printf(
          Locale.ROOT,
          "%-28s %-6s %6d %12.1f %19s %12.2f %10s %12s %9s%n",
          card.id(),
          row.model().device(),
          row.batch(),
          median,
          String.format(Locale.ROOT, "%.1f-%.1f", sorted[0], sorted[sorted.length - 1]),
          1000.0 * row.batch() / median,
          gflop == null ? "-" : String.format(Locale.ROOT, "%.3f", gflop),
          gflop == null ? "-" : String.format(Locale.ROOT, "%.1f", gflop * median),
          gflop == null
              ? "-"
              : String.format(
                  Locale.ROOT, "%.0f %%", 100 * gflop * median / ImagingBench.REFERENCE_GFLOPS));
    }
  }

  /** Windows per second of one row over one slice (at least three calls). */
  private static double rate(Row row, Duration slice) {
    long start = System.nanoTime();
    long end = start + slice.toNanos();
    int calls = 0;
    long now;
    do {
      row.model().predict(row.rgb(), row.mfcc(), row.batch());
      calls++;
      now = System.nanoTime();
    } while (now < end || calls < 3);
    return calls * row.batch() / ((now - start) / 1e9);
  }
}
