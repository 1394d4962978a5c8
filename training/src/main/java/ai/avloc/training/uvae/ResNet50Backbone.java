package ai.avloc.training.uvae;

import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The paper preset's visual encoder: ResNet-50 v1 with the two modifications of uvae-reference.md
 * §3.3 (block1 stride 1, so the output stride is 16 and 224 x 298 gives 14 x 19 x 2048; then {@code
 * conv_map}, 3x4 VALID with 12 channels, batch norm and ReLU, giving 12 x 16 x 12).
 *
 * <p>Two forms, chosen by whether ImageNet weights are given:
 *
 * <ul>
 *   <li>Without weights, slim's {@code resnet_v1_50} as the reference builds it: convolutions
 *       without bias, each followed by batch norm (epsilon 1e-5, decay 0.997) and, but for a unit's
 *       last, ReLU; a block's stride on the 3x3 convolution of its last unit, a subsampled identity
 *       shortcut there; He-initialized variables, every one trained, each with slim's L2 weight
 *       decay 5e-4. The frame goes in as given, RGB in [0, 1], as the reference feeds it.
 *   <li>With a Keras {@code resnet50 ... notop.h5} file ({@link KerasResNet50Weights}), Keras's
 *       ResNet50, so the weights compute what they were trained to: convolutions with bias, a
 *       stage's stride on the first 1x1 convolution and the projection shortcut of its first unit,
 *       Keras's padding of the stem's max pool, Keras's "caffe" input (BGR, 0 to 255, ImageNet mean
 *       subtracted; the BGR order is folded into the stem's kernel). Modification 1 moves to
 *       Keras's terms: the down-sampling between the 64- and 128-deep stages, slim's block1 stride,
 *       is removed, so stage 3 (slim's block2) keeps stride 1. The weights are frozen graph
 *       constants and so are the batch norms' moving statistics, folded into the convolutions; only
 *       conv_map trains (docs/decisions.md).
 * </ul>
 *
 * In both, conv_map is slim's: no bias, He init, a trained batch norm (batch statistics while
 * {@code training} is 1, moving averages when 0 or in a serving graph) and L2 5e-4.
 */
public final class ResNet50Backbone implements Backbone {
  /** Bottleneck units of blocks 1 to 4 (Keras stages 2 to 5). */
  static final int[] UNITS = {3, 4, 6, 3};

  /** Bottleneck depths of blocks 1 to 4; a block outputs four times as many channels. */
  static final int[] DEPTHS = {64, 128, 256, 512};

  /** slim's block strides with modification 1, each in the block's last unit. */
  static final int[] SLIM_STRIDES = {1, 2, 2, 1};

  /** Keras's stage strides with modification 1, each in the stage's first unit. */
  static final int[] KERAS_STRIDES = {1, 1, 2, 2};

  static final float SLIM_EPSILON = 1e-5f;
  static final float DECAY = 0.997f;
  static final float WEIGHT_DECAY = 5e-4f;

  /** The ImageNet mean in RGB order, subtracted from 0..255 pixels for the Keras weights. */
  static final float[] KERAS_MEAN_RGB = {123.68f, 116.779f, 103.939f};

  private static final String SCOPE = "visual/resnet_v1_50";

  private final int height;
  private final int width;
  private final Path weights;

  /**
   * @param weights a Keras ResNet50 notop HDF5 file, or null to train the whole backbone
   */
  public ResNet50Backbone(int height, int width, Path weights) {
    this.height = height;
    this.width = width;
    this.weights = weights;
  }

  /** Whether the backbone is Keras's ImageNet ResNet-50, frozen. */
  public boolean pretrained() {
    return weights != null;
  }

  @Override
  public Operand<TFloat32> features(Layers l, Operand<TFloat32> rgb, Operand<TFloat32> training) {
    Operand<TFloat32> x;
    if (weights == null) {
      x = slim(l, rgb, training);
    } else {
      try (KerasResNet50Weights file = KerasResNet50Weights.open(weights)) {
        x = keras(l, file, rgb);
      }
    }
    int channels = 4 * DEPTHS[3];
    String name = SCOPE + "/conv_map";
    Operand<TFloat32> kernel =
        l.variable(
            name + "/weights",
            l.he(12 * channels, 12 * channels * FEATURE_CHANNELS),
            3,
            4,
            channels,
            FEATURE_CHANNELS);
    l.l2(kernel, WEIGHT_DECAY);
    Ops tf = l.tf();
    Operand<TFloat32> y = tf.nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "VALID");
    y = l.batchNorm(name + "/BatchNorm", y, FEATURE_CHANNELS, SLIM_EPSILON, DECAY, training);
    return tf.nn.relu(y);
  }

  // ---- slim resnet_v1_50, trained from scratch ----

  private static Operand<TFloat32> slim(
      Layers l, Operand<TFloat32> rgb, Operand<TFloat32> training) {
    Ops tf = l.tf();
    // conv2d_same with stride 2: pad 3 on each side, then VALID
    Operand<TFloat32> x =
        slimConv(l, SCOPE + "/conv1", pad(tf, rgb, 3), 7, 3, 64, 2, true, training);
    x = tf.nn.maxPool(x, ints(tf, 1, 3, 3, 1), ints(tf, 1, 2, 2, 1), "SAME");
    int in = 64;
    for (int b = 0; b < 4; b++) {
      int depth = 4 * DEPTHS[b];
      for (int u = 1; u <= UNITS[b]; u++) {
        int stride = u == UNITS[b] ? SLIM_STRIDES[b] : 1;
        String unit = SCOPE + "/block" + (b + 1) + "/unit_" + u + "/bottleneck_v1";
        x = slimUnit(l, unit, x, in, DEPTHS[b], depth, stride, training);
        in = depth;
      }
    }
    return x;
  }

  private static Operand<TFloat32> slimUnit(
      Layers l,
      String scope,
      Operand<TFloat32> x,
      int in,
      int bottleneck,
      int depth,
      int stride,
      Operand<TFloat32> training) {
    Ops tf = l.tf();
    Operand<TFloat32> shortcut;
    if (in == depth) {
      // slim's subsample: a 1x1 max pool with the unit's stride
      shortcut =
          stride == 1
              ? x
              : tf.nn.maxPool(x, ints(tf, 1, 1, 1, 1), ints(tf, 1, stride, stride, 1), "VALID");
    } else {
      shortcut = slimConv(l, scope + "/shortcut", x, 1, in, depth, stride, false, training);
    }
    Operand<TFloat32> r = slimConv(l, scope + "/conv1", x, 1, in, bottleneck, 1, true, training);
    // conv2d_same: SAME at stride 1, else pad 1 on each side and VALID
    r =
        slimConv(
            l,
            scope + "/conv2",
            stride == 1 ? r : pad(tf, r, 1),
            3,
            bottleneck,
            bottleneck,
            stride,
            true,
            training,
            stride == 1 ? "SAME" : "VALID");
    r = slimConv(l, scope + "/conv3", r, 1, bottleneck, depth, 1, false, training);
    return tf.nn.relu(tf.math.add(shortcut, r));
  }

  private static Operand<TFloat32> slimConv(
      Layers l,
      String scope,
      Operand<TFloat32> x,
      int k,
      int in,
      int out,
      int stride,
      boolean relu,
      Operand<TFloat32> training) {
    return slimConv(l, scope, x, k, in, out, stride, relu, training, "VALID");
  }

  /** slim conv2d in resnet_arg_scope: no bias, He init, L2 5e-4, batch norm, optional ReLU. */
  private static Operand<TFloat32> slimConv(
      Layers l,
      String scope,
      Operand<TFloat32> x,
      int k,
      int in,
      int out,
      int stride,
      boolean relu,
      Operand<TFloat32> training,
      String padding) {
    Ops tf = l.tf();
    Operand<TFloat32> kernel =
        l.variable(scope + "/weights", l.he(k * k * in, k * k * in * out), k, k, in, out);
    l.l2(kernel, WEIGHT_DECAY);
    Operand<TFloat32> y =
        tf.nn.conv2d(x, kernel, List.of(1L, (long) stride, (long) stride, 1L), padding);
    y = l.batchNorm(scope + "/BatchNorm", y, out, SLIM_EPSILON, DECAY, training);
    return relu ? tf.nn.relu(y) : y;
  }

  // ---- Keras ResNet50 with frozen ImageNet weights ----

  private static Operand<TFloat32> keras(Layers l, KerasResNet50Weights w, Operand<TFloat32> rgb) {
    Ops tf = l.tf();
    float eps = w.naming().epsilon();
    Operand<TFloat32> x =
        tf.math.sub(tf.math.mul(rgb, tf.constant(255f)), tf.constant(KERAS_MEAN_RGB));
    // conv1_pad (3), conv1 7x7/2 VALID; the stem kernel is reordered to take RGB instead of BGR
    x = frozenConv(l, w, eps, 1, 1, 0, pad(tf, x, 3), 7, 3, 64, 2, "VALID", true);
    // pool1_pad (zeros, harmless after ReLU), pool1 3x3/2 VALID
    x = tf.nn.maxPool(pad(tf, x, 1), ints(tf, 1, 3, 3, 1), ints(tf, 1, 2, 2, 1), "VALID");
    int in = 64;
    for (int b = 0; b < 4; b++) {
      int stage = b + 2;
      int f = DEPTHS[b];
      for (int u = 1; u <= UNITS[b]; u++) {
        int stride = u == 1 ? KERAS_STRIDES[b] : 1;
        Operand<TFloat32> shortcut =
            u == 1
                ? frozenConv(l, w, eps, stage, u, 0, x, 1, in, 4 * f, stride, "VALID", false)
                : x;
        Operand<TFloat32> r =
            frozenConv(l, w, eps, stage, u, 1, x, 1, in, f, stride, "VALID", true);
        r = frozenConv(l, w, eps, stage, u, 2, r, 3, f, f, 1, "SAME", true);
        r = frozenConv(l, w, eps, stage, u, 3, r, 1, f, 4 * f, 1, "VALID", false);
        x = tf.nn.relu(tf.math.add(shortcut, r));
        in = 4 * f;
      }
    }
    return x;
  }

  /** A loaded convolution with its batch norm folded in: constants, optional ReLU. */
  private static Operand<TFloat32> frozenConv(
      Layers l,
      KerasResNet50Weights w,
      float eps,
      int stage,
      int unit,
      int part,
      Operand<TFloat32> x,
      int k,
      int in,
      int out,
      int stride,
      String padding,
      boolean relu) {
    Ops tf = l.tf();
    KerasResNet50Weights.ConvNorm cn = w.convNorm(stage, unit, part, k, k, in, out);
    float[][] folded = cn.fold(eps);
    float[] kernel = stage == 1 ? reverseInputChannels(folded[0], k * k, in, out) : folded[0];
    String name = "visual/keras/" + cn.conv();
    Operand<TFloat32> y =
        tf.nn.biasAdd(
            tf.nn.conv2d(
                x,
                l.constant(name + "/kernel", kernel, k, k, in, out),
                List.of(1L, (long) stride, (long) stride, 1L),
                padding),
            l.constant(name + "/bias", folded[1], out));
    return relu ? tf.nn.relu(y) : y;
  }

  /** A [taps, in, out] kernel with its input channels in reverse order (BGR to RGB). */
  static float[] reverseInputChannels(float[] kernel, int taps, int in, int out) {
    float[] r = new float[kernel.length];
    for (int t = 0; t < taps; t++) {
      for (int c = 0; c < in; c++) {
        System.arraycopy(kernel, (t * in + c) * out, r, (t * in + in - 1 - c) * out, out);
      }
    }
    return r;
  }

  private static Operand<TFloat32> pad(Ops tf, Operand<TFloat32> x, int p) {
    return tf.pad(x, tf.constant(new int[][] {{0, 0}, {p, p}, {p, p}, {0, 0}}), tf.constant(0f));
  }

  private static Operand<TInt32> ints(Ops tf, int... v) {
    return tf.constant(v);
  }

  // ---- size ----

  @Override
  public long macsPerFrame() {
    return macs(height, width, weights != null);
  }

  /**
   * Multiply-accumulates of the convolutions (biases and batch norm not counted) for one frame.
   *
   * @param keras Keras's placement of the strides (with weights) or slim's (without)
   */
  static long macs(int height, int width, boolean keras) {
    long h = (height + 6 - 7) / 2 + 1;
    long w = (width + 6 - 7) / 2 + 1;
    long macs = h * w * 49 * 3 * 64;
    // the max pool, slim's SAME and Keras's pad-1 VALID alike: ceil(n / 2)
    h = (h + 1) / 2;
    w = (w + 1) / 2;
    long in = 64;
    for (int b = 0; b < 4; b++) {
      long f = DEPTHS[b];
      long out = 4 * f;
      for (int u = 1; u <= UNITS[b]; u++) {
        int stride =
            keras ? (u == 1 ? KERAS_STRIDES[b] : 1) : (u == UNITS[b] ? SLIM_STRIDES[b] : 1);
        long oh = (h - 1) / stride + 1;
        long ow = (w - 1) / stride + 1;
        // Keras strides the first 1x1 convolution, slim the 3x3 one
        macs += (keras ? oh * ow : h * w) * in * f;
        macs += oh * ow * (9 * f * f + f * out);
        if (in != out) {
          macs += oh * ow * in * out;
        }
        h = oh;
        w = ow;
        in = out;
      }
    }
    return macs + (h - 2) * (w - 3) * 12 * in * FEATURE_CHANNELS;
  }
}
