package ai.avloc.training.uvae;

import ai.avloc.serving.ModelCard;
import ai.avloc.serving.ModelContract;
import ai.avloc.serving.TensorflowRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;

/**
 * Writes a trained U-VAE as a SavedModel that meets the model contract: a fresh serving graph (no
 * target, loss or optimizer; latent z = mu) whose variables are restored from a training
 * checkpoint, plus its {@code model.json}. The signature also returns the latent ({@link
 * ModelContract#LATENT}); re-exporting an older model adds it.
 */
public final class UvaeExport {
  private UvaeExport() {}

  /**
   * Exports a model with freshly initialized weights: it localizes nothing, but it has the trained
   * model's shape and cost, which is what speed and contract checks need.
   */
  public static ModelCard exportInitialized(UvaeConfig config, Path dir) throws IOException {
    TensorflowRuntime.ensureLoaded();
    Path checkpoint = Files.createTempDirectory("uvae-init");
    long macs;
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      UvaeGraph.build(Ops.create(graph), config);
      macs = UvaeGraph.macsPerFrame(config, config.backbone(), true);
      session.initialize();
      session.save(checkpoint.resolve("ckpt").toString());
    }
    ModelCard card =
        new ModelCard(
            config.modelName() + "-untrained",
            "0",
            config.preset(),
            config.frameHeight(),
            config.frameWidth(),
            config.skips(),
            config.variational(),
            "none (initialized, untrained)",
            java.util.Map.of("gflopPerFrame", 2e-9 * macs),
            "Untrained " + config.preset() + " U-VAE, for speed and contract checks",
            config.describe(),
            java.util.Map.of());
    export(checkpoint.resolve("ckpt"), config, card, dir);
    UvaeTrainer.deleteTree(checkpoint);
    return card;
  }

  /**
   * Rebuilds a trained U-VAE's serving graph from its {@code model.json} and restores the weights
   * its SavedModel holds, into {@code out} (which may be {@code dir} itself): a model exported
   * before the serving graph got faster serves the same acoustic images, faster.
   *
   * @throws IllegalArgumentException when the card describes no U-VAE, or a paper preset whose
   *     backbone came from a Keras file (its frozen weights are in the graph, not the variables),
   *     or when {@code out} is something other than a model directory, or holds {@code dir}
   */
  public static ModelCard reexport(Path dir, Path out) throws IOException {
    Path source = dir.toAbsolutePath().normalize();
    Path target = out.toAbsolutePath().normalize();
    Path previous = target.resolveSibling(target.getFileName() + ".previous");
    if (!Files.exists(target) && Files.isDirectory(previous)) {
      // a reexport killed between its two moves: the old model is whole beside its place
      Files.move(previous, target);
    }
    if (!target.equals(source) && source.startsWith(target)) {
      throw new IllegalArgumentException(out + " holds " + dir + "; give a model directory");
    }
    if (Files.exists(target) && !ModelWeights.isModelDirectory(target)) {
      throw new IllegalArgumentException(
          out + " exists and is not a model directory (saved_model.pb and model.json); it stays");
    }
    ModelCard card = ModelCard.read(dir);
    if (card.config() == null) {
      throw new IllegalArgumentException(dir + "'s model.json has no U-VAE configuration");
    }
    if (card.config().get("backboneWeights") != null) {
      throw new IllegalArgumentException(
          dir + " froze a Keras backbone into its graph; export it again from its training run");
    }
    UvaeConfig config = UvaeConfig.fromDescription(card.config());
    // the card states what a window costs in the graph it describes
    java.util.Map<String, Double> metrics =
        new java.util.LinkedHashMap<>(card.metrics() == null ? java.util.Map.of() : card.metrics());
    metrics.put(
        "gflopPerFrame",
        Math.rint(2e-6 * UvaeGraph.macsPerFrame(config, config.backbone(), true)) / 1000);
    card = card.withMetrics(metrics);
    Path fresh = target.resolveSibling(target.getFileName() + ".reexport");
    export(ModelWeights.checkpointOf(dir), config, card, fresh);
    // the old directory steps aside before the new one moves in, so a kill leaves one whole
    UvaeTrainer.deleteTree(previous);
    if (Files.exists(target)) {
      Files.move(target, previous);
    }
    Files.move(fresh, target);
    UvaeTrainer.deleteTree(previous);
    return card;
  }

  /**
   * @param checkpoint the checkpoint prefix written by {@code Session.save}
   * @param dir the model directory to create (replaced if it exists)
   */
  public static void export(Path checkpoint, UvaeConfig config, ModelCard card, Path dir)
      throws IOException {
    TensorflowRuntime.ensureLoaded();
    UvaeTrainer.deleteTree(dir);
    Files.createDirectories(dir.getParent() == null ? Path.of(".") : dir.getParent());
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      UvaeGraph model = UvaeGraph.build(tf, config, config.backbone(), true);
      session.restore(checkpoint.toString());
      write(model, session, card, dir);
    }
  }

  /** Writes a graph's contract signature, its variables' values and the card into {@code dir}. */
  static void write(UvaeGraph model, Session session, ModelCard card, Path dir) throws IOException {
    Signature signature =
        Signature.builder()
            .key(ModelContract.SIGNATURE)
            .input(ModelContract.RGB, model.rgb)
            .input(ModelContract.MFCC, model.mfcc)
            .output(ModelContract.ACOUSTIC_IMAGE, model.acousticImage)
            .output(ModelContract.ENERGY, model.energy)
            .output(ModelContract.LATENT, model.latent)
            .build();
    SavedModelBundle.exporter(dir.toString())
        .withTags(ModelContract.TAG)
        .withFunction(SessionFunction.create(signature, session))
        .export();
    card.write(dir);
  }
}
