package ai.avloc.training.uvae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceMin;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The U-VAE's building blocks as TF graph ops: every weight is a variable named after its layer,
 * initialized from a seeded Java generator (so a seed gives the same network on every machine), and
 * remembered so that training can pick what it updates and count what the model holds.
 *
 * <p>Weights that a caller loads and freezes (a pretrained backbone) are graph constants instead:
 * they get no gradient and no optimizer slots.
 */
public final class Layers {
  private final Ops tf;
  private final Random random;
  private final List<Variable<TFloat32>> trainable = new ArrayList<>();
  private final List<Operand<TFloat32>> penalties = new ArrayList<>();
  private final List<Op> updates = new ArrayList<>();
  private final boolean restored;
  private long parameters;

  /**
   * @param restored true for a graph whose variables will be restored from a checkpoint (the
   *     serving graph): they are then created without initial values, so the exported graph does
   *     not carry a second copy of every weight
   */
  public Layers(Ops tf, long seed, boolean restored) {
    this.tf = tf;
    this.random = new Random(seed);
    this.restored = restored;
  }

  public Layers(Ops tf, long seed) {
    this(tf, seed, false);
  }

  public Ops tf() {
    return tf;
  }

  /** The variables training updates, in creation order. */
  public List<Variable<TFloat32>> trainable() {
    return Collections.unmodifiableList(trainable);
  }

  /** Scalar regularization terms to add to the loss (e.g. L2 weight decay of one layer). */
  public List<Operand<TFloat32>> penalties() {
    return Collections.unmodifiableList(penalties);
  }

  /** Ops a training step runs besides the optimizer (batch-norm moving averages). */
  public List<Op> updates() {
    return Collections.unmodifiableList(updates);
  }

  public void addUpdate(Op update) {
    updates.add(update);
  }

  /** Values the model holds: weights, biases and batch-norm statistics, trainable or frozen. */
  public long parameters() {
    return parameters;
  }

  /** A trainable variable named {@code name} holding {@code values} in the given shape. */
  public Variable<TFloat32> variable(String name, float[] values, long... shape) {
    Shape s = Shape.of(shape);
    if (s.size() != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + s);
    }
    Variable<TFloat32> v =
        restored
            ? named(name).variable(s, TFloat32.class)
            : named(name).variable(tf.constant(s, DataBuffers.of(values, true, false)));
    trainable.add(v);
    parameters += values.length;
    return v;
  }

  /**
   * A variable that training does not optimize but that the model holds (batch-norm moving
   * averages): counted, updated only by the ops in {@link #updates()}.
   */
  public Variable<TFloat32> state(String name, float[] values, long... shape) {
    Shape s = Shape.of(shape);
    if (s.size() != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + s);
    }
    parameters += values.length;
    return named(name).variable(tf.constant(s, DataBuffers.of(values, true, false)));
  }

  /** A frozen weight: a constant, counted but never trained. */
  public Operand<TFloat32> constant(String name, float[] values, long... shape) {
    parameters += values.length;
    return named(name).constant(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  /**
   * Adds {@code scale} x sum(w^2) / 2 to the penalties (slim's L2 regularizer). The weight is read
   * through Identity first: Square's C++ gradient casts to its input's type, which for a variable
   * is a reference type no cast can produce.
   */
  public void l2(Operand<TFloat32> weight, float scale) {
    Operand<TFloat32> w = tf.identity(weight);
    penalties.add(tf.math.mul(tf.constant(scale / 2), tf.reduceSum(tf.math.square(w), axes(w))));
  }

  /**
   * Ops that name the next op after the layer path {@code a/b/c}, written {@code a.b.c}: the
   * optimizer derives its slot names from the variable's name, and those may not contain a slash.
   */
  public Ops named(String path) {
    return tf.withName(path.replace('/', '.'));
  }

  /** Glorot-uniform values: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)). */
  public float[] glorot(int fanIn, int fanOut, int count) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    float[] w = new float[count];
    for (int i = 0; i < count; i++) {
      w[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
    return w;
  }

  /** He (variance-scaling, fan-in) normal values, as slim initializes ResNet convolutions. */
  public float[] he(int fanIn, int count) {
    double std = Math.sqrt(2.0 / fanIn);
    float[] w = new float[count];
    for (int i = 0; i < count; i++) {
      double g;
      do {
        g = random.nextGaussian();
      } while (Math.abs(g) > 2); // truncated at two standard deviations
      w[i] = (float) (g * std / 0.87962566103423978); // truncation shrinks the std
    }
    return w;
  }

  /**
   * A convolution with bias (tf.layers.conv2d: Glorot-uniform kernel, zero bias), optionally
   * followed by ReLU.
   *
   * @param padding "SAME" or "VALID"
   */
  public Operand<TFloat32> conv(
      String name,
      Operand<TFloat32> x,
      int inChannels,
      int outChannels,
      int kernelH,
      int kernelW,
      int stride,
      String padding,
      boolean relu) {
    Variable<TFloat32> kernel =
        variable(
            name + "/kernel",
            glorot(
                kernelH * kernelW * inChannels,
                kernelH * kernelW * outChannels,
                kernelH * kernelW * inChannels * outChannels),
            kernelH,
            kernelW,
            inChannels,
            outChannels);
    Variable<TFloat32> bias = variable(name + "/bias", new float[outChannels], outChannels);
    Operand<TFloat32> y =
        tf.nn.biasAdd(
            tf.nn.conv2d(x, kernel, List.of(1L, (long) stride, (long) stride, 1L), padding), bias);
    return relu ? tf.nn.relu(y) : y;
  }

  /**
   * What a VALID convolution whose kernel covers the whole {@code rows x cols} input computes, as
   * one matrix product: [B, rows, cols, in] to [B, out]. The variables are the convolution's (same
   * names, shapes and initial values), so checkpoints of either form load into the other; at batch
   * 1 TensorFlow's convolution kernels are far slower at this shape than a MatMul.
   */
  public Operand<TFloat32> denseOverMap(
      String name, Operand<TFloat32> x, int rows, int cols, int inChannels, int outChannels) {
    int fanIn = rows * cols * inChannels;
    Variable<TFloat32> kernel =
        variable(
            name + "/kernel",
            glorot(fanIn, rows * cols * outChannels, fanIn * outChannels),
            rows,
            cols,
            inChannels,
            outChannels);
    Variable<TFloat32> bias = variable(name + "/bias", new float[outChannels], outChannels);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, fanIn}));
    Operand<TFloat32> matrix = tf.reshape(kernel, tf.constant(new int[] {fanIn, outChannels}));
    return tf.nn.biasAdd(tf.linalg.matMul(flat, matrix), bias);
  }

  /**
   * Batch normalization over the last axis with a trained scale and offset (slim's batch_norm with
   * scale=True): while {@code training} is 1 it normalizes with the batch's mean and (biased)
   * variance over every other axis, and each training step moves the moving averages toward them by
   * (1 - decay); while it is 0 it uses the moving averages and the update leaves them unchanged.
   * Built from Mean, Square and Rsqrt, whose gradients TensorFlow's C++ registry has. With a null
   * {@code training} (a serving graph) it uses the moving averages only and computes no batch
   * statistics.
   */
  public Operand<TFloat32> batchNorm(
      String name,
      Operand<TFloat32> x,
      int channels,
      float epsilon,
      float decay,
      Operand<TFloat32> training) {
    float[] ones = new float[channels];
    Arrays.fill(ones, 1f);
    Variable<TFloat32> gamma = variable(name + "/gamma", ones, channels);
    Variable<TFloat32> beta = variable(name + "/beta", new float[channels], channels);
    Variable<TFloat32> movingMean = state(name + "/moving_mean", new float[channels], channels);
    Variable<TFloat32> movingVariance = state(name + "/moving_variance", ones.clone(), channels);

    Operand<TFloat32> mean = movingMean;
    Operand<TFloat32> variance = movingVariance;
    if (training != null) {
      Operand<TInt32> reduce = axesButLast(x);
      Operand<TFloat32> batchMean = tf.math.mean(x, reduce);
      Operand<TFloat32> batchVariance =
          tf.math.mean(tf.math.square(tf.math.sub(x, batchMean)), reduce);
      Operand<TFloat32> serving = tf.math.sub(tf.constant(1f), training);
      mean = tf.math.add(tf.math.mul(training, batchMean), tf.math.mul(serving, movingMean));
      variance =
          tf.math.add(tf.math.mul(training, batchVariance), tf.math.mul(serving, movingVariance));
      // moving -= (1 - decay) * training * (moving - batch)
      Operand<TFloat32> rate = tf.math.mul(tf.constant(1f - decay), training);
      addUpdate(tf.assignSub(movingMean, tf.math.mul(rate, tf.math.sub(movingMean, batchMean))));
      addUpdate(
          tf.assignSub(
              movingVariance, tf.math.mul(rate, tf.math.sub(movingVariance, batchVariance))));
    }
    Operand<TFloat32> scale =
        tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(variance, tf.constant(epsilon))));
    Operand<TFloat32> offset = tf.math.sub(beta, tf.math.mul(mean, scale));
    return tf.math.add(tf.math.mul(x, scale), offset);
  }

  /** Two 3x3 SAME convolutions with ReLU, the U-Net's "conv_conv" block. */
  public Operand<TFloat32> convConv(String name, Operand<TFloat32> x, int in, int out) {
    Operand<TFloat32> a = conv(name + "/conv_a", x, in, out, 3, 3, 1, "SAME", true);
    return conv(name + "/conv_b", a, out, out, 3, 3, 1, "SAME", true);
  }

  /** A dense layer over the last axis (Glorot-uniform, zero bias). */
  public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int in, int out, boolean relu) {
    Variable<TFloat32> kernel = variable(name + "/kernel", glorot(in, out, in * out), in, out);
    Variable<TFloat32> bias = variable(name + "/bias", new float[out], out);
    Operand<TFloat32> y = tf.math.add(tf.linalg.matMul(x, kernel), bias);
    return relu ? tf.nn.relu(y) : y;
  }

  /**
   * A FiLM layer: relu(x * (1 + gamma) + beta) per channel of {@code x} [B, h, w, channels], with
   * gamma and beta dense layers ({@code name/gamma}, {@code name/beta}) of a conditioning vector
   * [B, in]. At gamma = beta = 0 it passes a ReLU output through unchanged.
   */
  public Operand<TFloat32> film(
      String name, Operand<TFloat32> x, int channels, Operand<TFloat32> condition, int in) {
    Operand<TInt32> perChannel = tf.constant(new int[] {-1, 1, 1, channels});
    Operand<TFloat32> gamma =
        tf.reshape(dense(name + "/gamma", condition, in, channels, false), perChannel);
    Operand<TFloat32> beta =
        tf.reshape(dense(name + "/beta", condition, in, channels, false), perChannel);
    return tf.nn.relu(tf.math.add(tf.math.mul(x, tf.math.add(tf.constant(1f), gamma)), beta));
  }

  /**
   * tf.layers.conv2d_transpose with a 2x2 kernel, stride 3 and VALID padding (the reference's
   * upsample_1): every input pixel writes a 2x2 patch at (3i, 3j); rows and columns 3i + 2 get only
   * the bias. Built from matmul, pad and reshape, whose gradients TensorFlow's C++ registry has.
   *
   * @return [B, 3h, 3w, outChannels]
   */
  public Operand<TFloat32> upsample3(
      String name, Operand<TFloat32> x, int h, int w, int inChannels, int outChannels) {
    Variable<TFloat32> kernel =
        variable(
            name + "/kernel",
            glorot(4 * outChannels, 4 * inChannels, 4 * inChannels * outChannels),
            inChannels,
            4 * outChannels);
    Variable<TFloat32> bias = variable(name + "/bias", new float[outChannels], outChannels);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, inChannels}));
    Operand<TFloat32> patches =
        tf.reshape(
            tf.linalg.matMul(flat, kernel), tf.constant(new int[] {-1, h, w, 2, 2, outChannels}));
    Operand<TFloat32> padded =
        tf.pad(
            patches,
            tf.constant(new int[][] {{0, 0}, {0, 0}, {0, 0}, {0, 1}, {0, 1}, {0, 0}}),
            tf.constant(0f));
    Operand<TFloat32> interleaved =
        tf.linalg.transpose(padded, tf.constant(new int[] {0, 1, 3, 2, 4, 5}));
    return tf.nn.biasAdd(
        tf.reshape(interleaved, tf.constant(new int[] {-1, 3 * h, 3 * w, outChannels})), bias);
  }

  /**
   * Per-sample min-max normalization over every axis but the batch: (x - min) / max(x - min), as
   * the reference normalizes the audio and visual features before fusing them. A constant sample
   * divides by a tiny epsilon instead of zero.
   */
  public Operand<TFloat32> minMax(Operand<TFloat32> x) {
    Operand<TInt32> axes = axesButBatch(x);
    Operand<TFloat32> shifted = tf.math.sub(x, tf.reduceMin(x, axes, ReduceMin.keepDims(true)));
    Operand<TFloat32> range = tf.reduceMax(shifted, axes, ReduceMax.keepDims(true));
    return tf.math.div(shifted, tf.math.maximum(range, tf.constant(1e-12f)));
  }

  private Operand<TInt32> axes(Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    int[] a = new int[rank];
    for (int i = 0; i < rank; i++) {
      a[i] = i;
    }
    return tf.constant(a);
  }

  private Operand<TInt32> axesButLast(Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    int[] a = new int[rank - 1];
    for (int i = 0; i < rank - 1; i++) {
      a[i] = i;
    }
    return tf.constant(a);
  }

  private Operand<TInt32> axesButBatch(Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    int[] a = new int[rank - 1];
    for (int i = 1; i < rank; i++) {
      a[i - 1] = i;
    }
    return tf.constant(a);
  }
}
