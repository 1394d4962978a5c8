package ai.avloc.serving;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code model.json}, the card that sits next to a SavedModel: what the model is, what it was
 * trained on and how well it did. The model id in every Localization is {@code name@version}.
 *
 * @param name short name, e.g. {@code uvae-paper} or {@code bright-spot}
 * @param version the model's version
 * @param preset the architecture preset (e.g. {@code paper}); {@code test} for contract models
 * @param inputHeight frame rows the model takes
 * @param inputWidth frame columns the model takes
 * @param skips U-Net skip connections in the generator (0, 1 or 2)
 * @param variational VAE (true) or plain autoencoder (false)
 * @param trainingData what it was trained on
 * @param metrics evaluation figures by name (IoU@0.5, AUC, cIoU...)
 * @param description one line for people
 * @param config the architecture and training settings it was built with (may be empty)
 * @param data the card of the dataset it was trained on, as that dataset describes itself (may be
 *     empty)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(
    String name,
    String version,
    String preset,
    int inputHeight,
    int inputWidth,
    int skips,
    boolean variational,
    String trainingData,
    Map<String, Double> metrics,
    String description,
    Map<String, Object> config,
    Map<String, Object> data) {

  public static final String FILE = "model.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** This card with other metrics. */
  public ModelCard withMetrics(Map<String, Double> newMetrics) {
    return new ModelCard(
        name,
        version,
        preset,
        inputHeight,
        inputWidth,
        skips,
        variational,
        trainingData,
        newMetrics,
        description,
        config,
        data);
  }

  /** The id published with every window this model localizes. */
  public String id() {
    return name + "@" + version;
  }

  public static ModelCard read(Path modelDir) throws IOException {
    Path file = modelDir.resolve(FILE);
    try {
      ModelCard card = JSON.readValue(file.toFile(), ModelCard.class);
      if (card.name() == null || card.version() == null) {
        throw new IOException(file + " must give the model's name and version");
      }
      return card;
    } catch (NoSuchFileException e) {
      throw new IOException(modelDir + " holds no " + FILE + "; is it a model directory?", e);
    }
  }

  public void write(Path modelDir) throws IOException {
    Files.createDirectories(modelDir);
    JSON.writeValue(modelDir.resolve(FILE).toFile(), this);
  }
}
