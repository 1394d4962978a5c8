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

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Models that meet the model contract (SavedModel, signature serving_default).",
      "  model check DIR           load DIR through DJL's TensorFlow engine and print its card",
      "  model export-test DIR     write the bright-spot contract test model to DIR",
      "  model reexport DIR [--out OUT]  rebuild a trained U-VAE's serving graph the way this"
          + " version builds it (the same outputs, faster), in place or into OUT"
    })
final class ModelCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "check, export-test or reexport")
  String action;

  @Parameters(index = "1", description = "model directory")
  Path dir;

  @Option(names = "--out", description = "reexport: the new model directory (default: DIR)")
  Path out;

  @Option(names = "--height", defaultValue = "" + ModelShapes.FRAME_HEIGHT)
  int height;

  @Option(names = "--width", defaultValue = "" + ModelShapes.FRAME_WIDTH)
  int width;

  @Override
  public Integer call() throws Exception {
    switch (action) {
      case "export-test" -> {
        ModelCard card = BrightSpotModel.export(dir, height, width);
        System.out.println("wrote " + card.id() + " to " + dir);
      }
      case "check" -> {
        try (AcousticModel model = AcousticModel.load(dir)) {
          ModelCard card = model.card();
          System.out.printf(
              "%s meets the contract: rgb [B, %d, %d, 3] + mfcc [B, 12] -> acoustic_image"
                  + " [B, 36, 48, 12] + energy [B, 36, 48]%n  %s%n",
              card.id(), model.height(), model.width(), card.description());
        }
      }
      case "reexport" -> {
        Path target = out != null ? out : dir;
        ModelCard card = UvaeExport.reexport(dir, target);
        System.out.println("rebuilt " + card.id() + "'s serving graph in " + target);
      }
      default ->
          throw new IllegalArgumentException(
              "unknown action '" + action + "': use check, export-test or reexport");
    }
    return 0;
  }
}
