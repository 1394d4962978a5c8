package ai.avloc.cli;

import ai.avloc.inference.model.AcousticModel;
import ai.avloc.inference.model.BrightSpotModel;
import ai.avloc.inference.model.ModelCard;
import ai.avloc.inference.model.ModelContract;
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
      "  model export-test DIR     write the bright-spot contract test model to DIR"
    })
final class ModelCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "check or export-test")
  String action;

  @Parameters(index = "1", description = "model directory")
  Path dir;

  @Option(names = "--height", defaultValue = "" + ModelContract.FRAME_HEIGHT)
  int height;

  @Option(names = "--width", defaultValue = "" + ModelContract.FRAME_WIDTH)
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
      default ->
          throw new IllegalArgumentException(
              "unknown action '" + action + "': use check or export-test");
    }
    return 0;
  }
}
