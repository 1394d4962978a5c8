package ai.avloc.cli;

import ai.avloc.inference.model.AcousticModel;
import ai.avloc.inference.model.ModelCard;
import ai.avloc.inference.uvae.UvaeConfig;
import ai.avloc.inference.uvae.UvaeExport;
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
 * every call is timed after a warm-up.
 */
final class ModelBench {
  private final List<Path> models;
  private final List<String> untrained;
  private final int[] batches;
  private final Duration measure;

  ModelBench(List<Path> models, List<String> untrained, int[] batches, Duration measure) {
    this.models = models;
    this.untrained = untrained;
    this.batches = batches;
    this.measure = measure;
  }

  int run() throws Exception {
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
    System.out.printf(
        Locale.ROOT,
        "avloc bench model — %d cores, Java %s; DJL TensorFlow engine; %s measured per row;"
            + " reference rate %.0f GFLOP/s%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        measure.toSeconds() + " s",
        BenchCommand.REFERENCE_GFLOPS);
    System.out.printf(
        Locale.ROOT,
        "%-28s %-6s %6s %12s %12s %10s %12s %9s%n",
        "model",
        "device",
        "batch",
        "windows/s",
        "ms/batch",
        "GFLOP/win",
        "GFLOP/s",
        "of ref");
    for (Path dir : dirs) {
      try (AcousticModel model = AcousticModel.load(dir)) {
        ModelCard card = model.card();
        Double gflop = card.metrics() == null ? null : card.metrics().get("gflopPerFrame");
        SplittableRandom random = new SplittableRandom(7);
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
          long start = System.nanoTime();
          long end = start + measure.toNanos();
          int calls = 0;
          long now;
          do {
            model.predict(rgb, mfcc, batch);
            calls++;
            now = System.nanoTime();
          } while (now < end || calls < 3);
          double seconds = (now - start) / 1e9;
          double rate = calls * batch / seconds;
          System.out.printf(
              Locale.ROOT,
              "%-28s %-6s %6d %12.1f %12.2f %10s %12s %9s%n",
              card.id(),
              model.device(),
              batch,
              rate,
              1000 * seconds / calls,
              gflop == null ? "-" : String.format(Locale.ROOT, "%.3f", gflop),
              gflop == null ? "-" : String.format(Locale.ROOT, "%.1f", gflop * rate),
              gflop == null
                  ? "-"
                  : String.format(
                      Locale.ROOT, "%.0f %%", 100 * gflop * rate / BenchCommand.REFERENCE_GFLOPS));
        }
      }
    }
    return 0;
  }
}
