package ai.avloc.cli;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.AcousticModel;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.serving.ModelCard;
import ai.avloc.training.uvae.UvaeExport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code avloc model}: its actions are subcommands; without one, picocli asks for one. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Models that meet the model contract (SavedModel, signature serving_default).",
    subcommands = {
      ModelCommand.Check.class,
      ModelCommand.ExportTest.class,
      ModelCommand.Reexport.class
    })
final class ModelCommand {
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Load DIR through DJL's TensorFlow engine, check it against the model contract"
              + " and print its card.")
  static final class Check implements Callable<Integer> {
    @Parameters(index = "0", description = "model directory")
    Path dir;

    @Override
    public Integer call() throws Exception {
      try (AcousticModel model = AcousticModel.load(dir)) {
        ModelCard card = model.card();
        System.out.printf(
            "%s meets the contract: rgb [B, %d, %d, 3] + mfcc [B, 12] -> acoustic_image"
                + " [B, 36, 48, 12] + energy [B, 36, 48]%n  %s%n",
            card.id(), model.height(), model.width(), card.description());
      }
      return 0;
    }
  }

  @Command(
      name = "export-test",
      mixinStandardHelpOptions = true,
      description = "Write the bright-spot contract test model to DIR.")
  static final class ExportTest implements Callable<Integer> {
    @Parameters(index = "0", description = "model directory")
    Path dir;

    @Option(names = "--height", defaultValue = "" + ModelShapes.FRAME_HEIGHT)
    int height;

    @Option(names = "--width", defaultValue = "" + ModelShapes.FRAME_WIDTH)
    int width;

    @Override
    public Integer call() throws Exception {
      ModelCard card = BrightSpotModel.export(dir, height, width);
      System.out.println("wrote " + card.id() + " to " + dir);
      return 0;
    }
  }

  @Command(
      name = "reexport",
      mixinStandardHelpOptions = true,
      description =
          "Rebuild a trained U-VAE's serving graph the way this version builds it (the same"
              + " outputs, faster, plus the latent the evaluation's KNN reads), in place or into"
              + " OUT.")
  static final class Reexport implements Callable<Integer> {
    @Parameters(index = "0", description = "model directory")
    Path dir;

    @Option(names = "--out", description = "the new model directory (default: DIR)")
    Path out;

    @Override
    public Integer call() throws Exception {
      Path target = out != null ? out : dir;
      ModelCard card = UvaeExport.reexport(dir, target);
      System.out.println("rebuilt " + card.id() + "'s serving graph in " + target);
      return 0;
    }
  }
}
