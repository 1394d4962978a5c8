package ai.avloc.training.uvae;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ImageNet ResNet-50 of a Keras "notop" HDF5 weights file ({@code
 * resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5}), read with jhdf.
 *
 * <p>Keras stores every layer as a top-level group (under {@code model_weights} in a whole-model
 * file) whose datasets hold its weights, e.g. {@code /res2a_branch2a/res2a_branch2a/kernel:0}
 * (Keras 2) or {@code /res2a_branch2a/res2a_branch2a_W:0} (Keras 1). Two layer namings exist and
 * are told apart by the stem's name (see {@link Naming}). A dataset is recognized by the end of its
 * name (kernel, bias, gamma, beta, moving mean, moving variance), so both generations read the same
 * way.
 *
 * <p>Layers are addressed as Keras does: stage 1 is the stem (conv1), stages 2 to 5 hold 3, 4, 6
 * and 3 bottleneck units, numbered from 1; part 1, 2 and 3 are a unit's 1x1, 3x3 and 1x1
 * convolutions, part 0 its projection shortcut.
 */
public final class KerasResNet50Weights implements AutoCloseable {

  /** The two ways Keras has named ResNet-50's layers. */
  public enum Naming {
    /**
     * keras-applications' {@code resnet50.py} (Keras 2.0 to 2.2 and the Keras 1 original): {@code
     * conv1}, {@code bn_conv1}, {@code res2a_branch2a}, {@code bn2a_branch2a}, shortcut {@code
     * res2a_branch1}. Its batch norm has Keras's default epsilon, 1e-3.
     */
    APPLICATIONS("conv1", 1e-3f),
    /**
     * {@code keras.applications.resnet} (Keras 2.3 and later, tf.keras): {@code conv1_conv}, {@code
     * conv1_bn}, {@code conv2_block1_1_conv}, {@code conv2_block1_1_bn}, shortcut {@code
     * conv2_block1_0_conv}. Its batch norm has epsilon 1.001e-5.
     */
    BLOCKS("conv1_conv", 1.001e-5f);

    private final String stem;
    private final float epsilon;

    Naming(String stem, float epsilon) {
      this.stem = stem;
      this.epsilon = epsilon;
    }

    /** The batch-norm epsilon of the Keras model that goes with this naming. */
    public float epsilon() {
      return epsilon;
    }

    /** The convolution layer's name; stage 1 is the stem (unit and part ignored). */
    public String conv(int stage, int unit, int part) {
      if (stage == 1) {
        return stem;
      }
      return this == APPLICATIONS
          ? "res" + legacy(stage, unit, part)
          : "conv" + stage + "_block" + unit + "_" + part + "_conv";
    }

    /** The batch-norm layer that follows {@link #conv}. */
    public String norm(int stage, int unit, int part) {
      if (stage == 1) {
        return this == APPLICATIONS ? "bn_conv1" : "conv1_bn";
      }
      return this == APPLICATIONS
          ? "bn" + legacy(stage, unit, part)
          : "conv" + stage + "_block" + unit + "_" + part + "_bn";
    }

    private static String legacy(int stage, int unit, int part) {
      String branch = part == 0 ? "1" : "2" + (char) ('a' + part - 1);
      return "" + stage + (char) ('a' + unit - 1) + "_branch" + branch;
    }
  }

  /** What a dataset holds, told by the end of its name. */
  enum Role {
    KERNEL,
    BIAS,
    GAMMA,
    BETA,
    MOVING_MEAN,
    MOVING_VARIANCE;

    static Role of(String datasetName) {
      String n = datasetName.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
      if (n.endsWith("moving_mean") || n.endsWith("running_mean")) {
        return MOVING_MEAN;
      }
      // Keras 1 called the moving variance running_std, though it held the variance
      if (n.endsWith("moving_variance") || n.endsWith("running_std") || n.endsWith("running_var")) {
        return MOVING_VARIANCE;
      }
      if (n.endsWith("gamma")) {
        return GAMMA;
      }
      if (n.endsWith("beta")) {
        return BETA;
      }
      if (n.endsWith("kernel") || n.endsWith("_w") || n.equals("w")) {
        return KERNEL;
      }
      if (n.endsWith("bias") || n.endsWith("_b") || n.equals("b")) {
        return BIAS;
      }
      return null;
    }
  }

  /**
   * A convolution with its bias and the batch norm after it, as stored.
   *
   * @param kernel [kh, kw, in, out] in row-major order
   */
  public record ConvNorm(
      String conv,
      float[] kernel,
      float[] bias,
      float[] gamma,
      float[] beta,
      float[] movingMean,
      float[] movingVariance) {

    /**
     * The kernel and bias of the one convolution that equals this one followed by its batch norm in
     * inference mode: scale s = gamma / sqrt(variance + epsilon) per output channel, kernel x s,
     * (bias - mean) x s + beta.
     *
     * @return {kernel, bias}
     */
    public float[][] fold(float epsilon) {
      int out = bias.length;
      float[] k = new float[kernel.length];
      float[] b = new float[out];
      double[] scale = new double[out];
      for (int o = 0; o < out; o++) {
        scale[o] = gamma[o] / Math.sqrt(movingVariance[o] + (double) epsilon);
        b[o] = (float) ((bias[o] - (double) movingMean[o]) * scale[o] + beta[o]);
      }
      for (int i = 0; i < kernel.length; i++) {
        k[i] = (float) (kernel[i] * scale[i % out]);
      }
      return new float[][] {k, b};
    }
  }

  private final Path file;
  private final HdfFile hdf;
  private final Group root;
  private final Naming naming;

  private KerasResNet50Weights(Path file, HdfFile hdf, Group root, Naming naming) {
    this.file = file;
    this.hdf = hdf;
    this.root = root;
    this.naming = naming;
  }

  /**
   * Opens a Keras ResNet50 weights file and detects its naming.
   *
   * @throws IllegalArgumentException naming the file when it is missing, not HDF5 or holds no Keras
   *     ResNet-50
   */
  public static KerasResNet50Weights open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("ResNet-50 weights file " + file + " does not exist");
    }
    HdfFile hdf;
    try {
      hdf = new HdfFile(file);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "ResNet-50 weights file " + file + " is not a readable HDF5 file: " + e.getMessage(), e);
    }
    try {
      Group root = hdf;
      if (hdf.getChildren().get("model_weights") instanceof Group g) {
        root = g; // a whole saved model: the weights sit under model_weights
      }
      Map<String, Node> layers = root.getChildren();
      Naming naming;
      if (layers.get(Naming.BLOCKS.stem) instanceof Group) {
        naming = Naming.BLOCKS;
      } else if (layers.get(Naming.APPLICATIONS.stem) instanceof Group
          && layers.get("bn_conv1") instanceof Group) {
        naming = Naming.APPLICATIONS;
      } else {
        List<String> names = new ArrayList<>(new TreeSet<>(layers.keySet()));
        throw new IllegalArgumentException(
            "ResNet-50 weights file "
                + file
                + " holds no Keras ResNet50: expected a layer group 'conv1' with 'bn_conv1'"
                + " (keras-applications resnet50) or 'conv1_conv' (keras.applications.resnet),"
                + " found "
                + (names.size() > 12 ? names.subList(0, 12) + " ..." : names));
      }
      return new KerasResNet50Weights(file, hdf, root, naming);
    } catch (RuntimeException e) {
      hdf.close();
      throw e;
    }
  }

  public Naming naming() {
    return naming;
  }

  public Path file() {
    return file;
  }

  /**
   * Reads one convolution and its batch norm, checking every shape.
   *
   * @throws IllegalArgumentException naming the file and the layer or dataset that is missing or
   *     has the wrong shape
   */
  public ConvNorm convNorm(
      int stage, int unit, int part, int kernelH, int kernelW, int in, int out) {
    String conv = naming.conv(stage, unit, part);
    String norm = naming.norm(stage, unit, part);
    Map<Role, Dataset> c = datasets(conv);
    Map<Role, Dataset> n = datasets(norm);
    return new ConvNorm(
        conv,
        read(conv, c, Role.KERNEL, kernelH, kernelW, in, out),
        read(conv, c, Role.BIAS, out),
        read(norm, n, Role.GAMMA, out),
        read(norm, n, Role.BETA, out),
        read(norm, n, Role.MOVING_MEAN, out),
        read(norm, n, Role.MOVING_VARIANCE, out));
  }

  private Map<Role, Dataset> datasets(String layer) {
    if (!(root.getChildren().get(layer) instanceof Group group)) {
      throw new IllegalArgumentException(
          "ResNet-50 weights file "
              + file
              + ": no layer group '"
              + layer
              + "' (expected with the "
              + naming
              + " naming detected from '"
              + naming.stem
              + "')");
    }
    Map<Role, Dataset> found = new EnumMap<>(Role.class);
    collect(layer, group, found);
    return found;
  }

  private void collect(String layer, Group group, Map<Role, Dataset> found) {
    for (Node child : group.getChildren().values()) {
      if (child instanceof Group g) {
        collect(layer, g, found);
      } else if (child instanceof Dataset d) {
        Role role = Role.of(d.getName());
        if (role != null && found.put(role, d) != null) {
          throw new IllegalArgumentException(
              "ResNet-50 weights file "
                  + file
                  + ": layer '"
                  + layer
                  + "' holds two "
                  + role.name().toLowerCase(Locale.ROOT)
                  + " datasets");
        }
      }
    }
  }

  private float[] read(String layer, Map<Role, Dataset> datasets, Role role, int... shape) {
    Dataset d = datasets.get(role);
    String what = role.name().toLowerCase(Locale.ROOT);
    if (d == null) {
      List<String> present = new ArrayList<>();
      datasets.values().forEach(x -> present.add(x.getPath()));
      throw new IllegalArgumentException(
          "ResNet-50 weights file "
              + file
              + ": layer '"
              + layer
              + "' has no "
              + what
              + " dataset (found "
              + present
              + ")");
    }
    if (!Arrays.equals(d.getDimensions(), shape)) {
      throw new IllegalArgumentException(
          "ResNet-50 weights file "
              + file
              + ": dataset "
              + d.getPath()
              + " has shape "
              + Arrays.toString(d.getDimensions())
              + ", expected "
              + Arrays.toString(shape));
    }
    Object data = d.getDataFlat();
    if (data instanceof float[] f) {
      return f;
    }
    if (data instanceof double[] v) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = (float) v[i];
      }
      return f;
    }
    throw new IllegalArgumentException(
        "ResNet-50 weights file "
            + file
            + ": dataset "
            + d.getPath()
            + " holds "
            + d.getJavaType()
            + ", expected floating-point values");
  }

  @Override
  public void close() {
    hdf.close();
  }
}
