package ai.avloc.serving.beamforming;

import ai.avloc.serving.TensorflowRuntime;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Which implementation beamforms array windows, chosen once when an operator opens: the Java sgemm
 * one, or the TensorFlow graph ({@link BeamformingGraph}). {@code auto} takes the graph when
 * TensorFlow sees a GPU and Java otherwise: on a CPU the Java path is faster (it rotates its
 * weights from bin to bin where the graph recomputes sin/cos per call; docs/beamform.md has the
 * figures).
 *
 * @param tensorflow whether the graph is used
 * @param reason why, for the log: "array imaging: java sgemm (no GPU visible to TensorFlow)"
 */
public record ImagingBackend(boolean tensorflow, String reason) {

  /**
   * Resolves an option value.
   *
   * @param option {@code auto}, {@code java} or {@code tensorflow}
   */
  public static ImagingBackend choose(String option) {
    return choose(option, ImagingBackend::visibleGpus);
  }

  /** As above, with the count of visible GPUs from {@code gpus} (which may fail to load). */
  static ImagingBackend choose(String option, IntSupplier gpus) {
    return switch (option.toLowerCase(Locale.ROOT)) {
      case "java" -> new ImagingBackend(false, "java sgemm (--array-imaging java)");
      case "tensorflow" ->
          new ImagingBackend(true, "tensorflow graph (--array-imaging tensorflow)");
      case "auto" -> {
        int count;
        try {
          count = gpus.getAsInt();
        } catch (RuntimeException | LinkageError e) {
          // array cameras never needed TensorFlow: without its natives they keep the Java path
          yield new ImagingBackend(
              false, "java sgemm (TensorFlow unavailable: " + e.getClass().getSimpleName() + ")");
        }
        yield count > 0
            ? new ImagingBackend(
                true, "tensorflow graph (" + count + " GPU(s) visible to TensorFlow)")
            : new ImagingBackend(false, "java sgemm (no GPU visible to TensorFlow)");
      }
      default ->
          throw new IllegalArgumentException(
              "--array-imaging takes auto, java or tensorflow, got '" + option + "'");
    };
  }

  /** Checks an option value without resolving it (no TensorFlow loaded). */
  public static String check(String option) {
    String value = option.toLowerCase(Locale.ROOT);
    if (!value.equals("auto") && !value.equals("java") && !value.equals("tensorflow")) {
      throw new IllegalArgumentException(
          "--array-imaging takes auto, java or tensorflow, got '" + option + "'");
    }
    return value;
  }

  /**
   * GPUs TensorFlow lists among its devices: DJL's engine reports the CUDA capability only when the
   * loaded natives were built for CUDA and list a GPU device.
   */
  public static int visibleGpus() {
    TensorflowRuntime.ensureLoaded();
    return Engine.getEngine("TensorFlow").getGpuCount();
  }

  /** The line operators log at INFO. */
  public String logLine() {
    return "array imaging: " + reason;
  }
}
