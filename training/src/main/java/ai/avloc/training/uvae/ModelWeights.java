package ai.avloc.training.uvae;

import ai.avloc.serving.ModelCard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.family.TType;

/**
 * A fine-tune that starts from an exported model directory (such as the shipped {@code
 * models/uvae-compact}) rather than a training run: the SavedModel holds the model's weights and
 * batch-norm statistics but no optimizer state, so only the variables the serving graph has are
 * restored into the training graph and Adam starts fresh.
 */
public final class ModelWeights {
  private ModelWeights() {}

  /** The checkpoint prefix inside a SavedModel directory. */
  static Path checkpointOf(Path modelDir) {
    return modelDir.resolve("variables").resolve("variables");
  }

  /** True for a directory that holds an exported model (saved_model.pb and model.json). */
  public static boolean isModelDirectory(Path dir) {
    return Files.isRegularFile(dir.resolve("saved_model.pb"))
        && Files.isRegularFile(dir.resolve(ModelCard.FILE));
  }

  /**
   * The configuration an exported model was trained with, from its card: a fine-tune that starts
   * from it builds the same graph.
   *
   * @throws IllegalArgumentException when the card holds no U-VAE configuration
   */
  public static UvaeConfig configOf(Path modelDir) throws IOException {
    java.util.Map<String, Object> config = ModelCard.read(modelDir).config();
    if (config == null) {
      throw new IllegalArgumentException(modelDir + "'s model.json has no U-VAE configuration");
    }
    return UvaeConfig.fromDescription(config);
  }

  /** True when {@code checkpoint} is a SavedModel's variables, not a training run's checkpoint. */
  static boolean isSavedModelCheckpoint(Path checkpoint) {
    Path variables = checkpoint.getParent();
    return variables != null
        && variables.getFileName().toString().equals("variables")
        && checkpoint.getFileName().toString().equals("variables")
        && variables.getParent() != null
        && isModelDirectory(variables.getParent());
  }

  /**
   * Initializes every variable of a training graph, then overwrites the model's own ones (those a
   * serving graph of {@code config} creates, by name) with the values in {@code checkpoint}.
   *
   * @return how many variables were restored
   */
  static int restore(Graph graph, Session session, UvaeConfig config, Path checkpoint)
      throws IOException {
    List<String> names = servingVariables(config);
    session.initialize();
    Ops tf = Ops.create(graph).withSubScope("restore_model_weights");
    List<Class<? extends TType>> types = new ArrayList<>();
    List<Output<?>> targets = new ArrayList<>();
    for (String name : names) {
      GraphOperation variable = graph.operation(name);
      if (variable == null) {
        throw new IllegalArgumentException(
            "the training graph has no variable " + name + " of the model it starts from");
      }
      Output<?> ref = variable.output(0);
      targets.add(ref);
      types.add(ref.type());
    }
    String[] slices = new String[names.size()];
    java.util.Arrays.fill(slices, "");
    Restore values =
        tf.train.restore(
            tf.constant(checkpoint.toString()),
            tf.constant(StandardCharsets.UTF_8, names.toArray(String[]::new)),
            tf.constant(StandardCharsets.UTF_8, slices),
            types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      assigns.add(assign(tf, targets.get(i), values.tensors().get(i)));
    }
    Op all = tf.withControlDependencies(assigns).noOp();
    session.runner().addTarget(all).run();
    return names.size();
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Op assign(Ops tf, Output<?> ref, Output<?> value) {
    return tf.assign((Operand<T>) ref, (Operand<T>) value);
  }

  /** The names of the variables a serving graph of {@code config} holds. */
  private static List<String> servingVariables(UvaeConfig config) {
    List<String> names = new ArrayList<>();
    try (Graph serving = new Graph()) {
      UvaeGraph.build(Ops.create(serving), config, config.backbone(), true);
      for (Iterator<GraphOperation> it = serving.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("VariableV2") || op.type().equals("VarHandleOp")) {
          names.add(op.name());
        }
      }
    }
    return names;
  }
}
