package ai.avloc.training.dualcam;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.training.data.AudioVisualSecond;
import ai.avloc.training.uvae.Layers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * DualCamNet (uvae-reference.md §6.1), the classifier of one-second clips of 12 acoustic images by
 * which the paper judges generated images (GAN-test, GAN-train), as a TF graph with its training
 * step:
 *
 * <ol>
 *   <li>a convolution over time (kernel 12 x 1 x 1, 12 to 12 channels, SAME, ReLU);
 *   <li>per frame: conv 5x5 12 to 32 SAME ReLU, max-pool 3x3 stride 3 VALID (36x48 to 12x16), conv
 *       5x5 32 to 128 SAME ReLU, sum over rows and columns;
 *   <li>fc 128 to 1000 ReLU, fc 1000 to the classes;
 *   <li>the clip's logits: the mean of its 12 frames' logits.
 * </ol>
 *
 * Weights start as truncated normals of std 0.01 (resampled beyond 2 std), biases at 0; the loss is
 * the softmax cross-entropy of the clip logits, optimized by Adam at 1e-4.
 *
 * <p>The time convolution is computed as one matrix product per pixel with a 144 x 144 banded
 * (Toeplitz) matrix built from the 12 x 12 x 12 kernel: TensorFlow's C++ gradient registry, which
 * TF Java differentiates with, has no gradient for Conv3D. Its variable has the Conv3D kernel's
 * shape [12, 1, 1, 12, 12] and computes the same.
 *
 * <p>Input images are taken as the dataset's loader gives the targets ({@code
 * AudioVisualSecond#target}): rotated to the frame's orientation and min-max normalized per frame
 * to [0, 1]. Generated images are compared with them unchanged (as the evaluation's MSE does), and
 * the tiled MFCC is the normalized MFCC, also in [0, 1]. Not thread safe.
 */
public final class DualCamNet implements AutoCloseable {
  public static final int FRAMES = AudioVisualSecond.ENTRIES;
  public static final int ROWS = ModelShapes.ROWS;
  public static final int COLS = ModelShapes.COLS;
  public static final int DEPTH = AudioVisualSecond.IMAGE_DEPTH;

  /** Floats of one clip: 12 frames of 36 x 48 x 12. */
  public static final int CLIP_VALUES = FRAMES * ROWS * COLS * DEPTH;

  public static final int CONV2 = 32;
  public static final int CONV3 = 128;
  public static final int HIDDEN = 1000;
  public static final double INIT_STD = 0.01;
  public static final float LEARNING_RATE = 1e-4f;

  /** Rows and columns after the 3x3 stride-3 VALID pooling: 12 x 16. */
  public static final int POOLED_ROWS = ROWS / 3;

  public static final int POOLED_COLS = COLS / 3;

  private final int classes;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> clips;
  private final Placeholder<TFloat32> labels;
  private final Operand<TFloat32> afterTime;
  private final Operand<TFloat32> frameLogits;
  private final Operand<TFloat32> clipLogits;
  private final Operand<TFloat32> loss;
  private final Op step;
  private final List<Variable<TFloat32>> variables;
  private final List<Placeholder<TFloat32>> assignFeeds = new ArrayList<>();
  private final Op assign;
  private final long parameters;

  /**
   * A new network with freshly initialized weights.
   *
   * @param classes how many classes the last layer scores
   * @param seed seeds the initial weights
   */
  public DualCamNet(int classes, long seed) {
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
    this.classes = classes;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      Layers layers = new Layers(tf, seed);
      Random random = new Random(seed);
      clips =
          tf.withName("clips")
              .placeholder(
                  TFloat32.class, Placeholder.shape(Shape.of(-1, FRAMES, ROWS, COLS, DEPTH)));
      labels =
          tf.withName("labels")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, classes)));

      Variable<TFloat32> k1 =
          layers.variable(
              "conv1/kernel",
              truncatedNormal(random, FRAMES * DEPTH * DEPTH),
              FRAMES,
              1,
              1,
              DEPTH,
              DEPTH);
      Variable<TFloat32> b1 = layers.variable("conv1/bias", new float[DEPTH], DEPTH);
      afterTime = tf.nn.relu(tf.nn.biasAdd(timeConvolution(tf, clips, k1), b1));

      Operand<TFloat32> c2 = conv(layers, random, "conv2", afterTime, DEPTH, CONV2);
      Operand<TFloat32> pooled =
          tf.nn.maxPool(
              c2,
              tf.constant(new int[] {1, 3, 3, 1}),
              tf.constant(new int[] {1, 3, 3, 1}),
              "VALID");
      Operand<TFloat32> c3 = conv(layers, random, "conv3", pooled, CONV2, CONV3);
      Operand<TFloat32> summed = tf.sum(c3, tf.constant(new int[] {1, 2}));
      Operand<TFloat32> hidden = tf.nn.relu(dense(layers, random, "fc1", summed, CONV3, HIDDEN));
      frameLogits =
          tf.withName("frame_logits")
              .identity(dense(layers, random, "fc2", hidden, HIDDEN, classes));
      clipLogits =
          tf.withName("clip_logits")
              .math
              .mean(
                  tf.reshape(frameLogits, tf.constant(new int[] {-1, FRAMES, classes})),
                  tf.constant(1));
      loss =
          tf.withName("loss")
              .math
              .neg(
                  tf.math.mean(
                      tf.sum(tf.math.mul(labels, tf.nn.logSoftmax(clipLogits)), tf.constant(1)),
                      tf.constant(0)));

      variables = List.copyOf(layers.trainable());
      parameters = layers.parameters();
      Output<?>[] xs = new Output<?>[variables.size()];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = variables.get(i).asOutput();
      }
      Output<?>[] grads = graph.addGradients(loss.asOutput(), xs);
      List<Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
      for (int i = 0; i < xs.length; i++) {
        pairs.add(
            new Optimizer.GradAndVar<>(
                grads[i].expect(TFloat32.class), variables.get(i).asOutput()));
      }
      Adam adam = new Adam(graph, LEARNING_RATE);
      step = adam.applyGradients(pairs, adam.getOptimizerName());

      List<Op> assigns = new ArrayList<>();
      for (Variable<TFloat32> v : variables) {
        Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
        assignFeeds.add(p);
        assigns.add(tf.assign(v, p));
      }
      assign = tf.withControlDependencies(assigns).noOp();
      session = new Session(graph);
      session.initialize();
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Truncated normal values of std {@link #INIT_STD}: draws beyond 2 std are drawn again. */
  static float[] truncatedNormal(Random random, int count) {
    float[] w = new float[count];
    for (int i = 0; i < count; i++) {
      double g;
      do {
        g = random.nextGaussian();
      } while (Math.abs(g) > 2);
      w[i] = (float) (g * INIT_STD);
    }
    return w;
  }

  private static Operand<TFloat32> conv(
      Layers layers, Random random, String name, Operand<TFloat32> x, int in, int out) {
    Ops tf = layers.tf();
    Variable<TFloat32> kernel =
        layers.variable(name + "/kernel", truncatedNormal(random, 25 * in * out), 5, 5, in, out);
    Variable<TFloat32> bias = layers.variable(name + "/bias", new float[out], out);
    return tf.nn.relu(
        tf.nn.biasAdd(tf.nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "SAME"), bias));
  }

  private static Operand<TFloat32> dense(
      Layers layers, Random random, String name, Operand<TFloat32> x, int in, int out) {
    Ops tf = layers.tf();
    Variable<TFloat32> kernel =
        layers.variable(name + "/kernel", truncatedNormal(random, in * out), in, out);
    Variable<TFloat32> bias = layers.variable(name + "/bias", new float[out], out);
    return tf.math.add(tf.linalg.matMul(x, kernel), bias);
  }

  /**
   * Conv3D with a [12, 1, 1, C, C] kernel, stride 1, SAME padding (5 frames before, 6 after) over
   * [B, 12, H, W, C], returned as [B * 12, H, W, C] without bias. Output frame t is the sum over k
   * of input frame t + k - 5 (zero outside the clip) times kernel slice k: a product of each
   * pixel's 12 x C time series with the banded matrix M[(t_in, c_in), (t_out, c_out)] = K[t_in -
   * t_out + 5, c_in, c_out], which a constant 0/1 selection times the kernel builds.
   */
  static Operand<TFloat32> timeConvolution(Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel) {
    int t = FRAMES;
    int c = DEPTH;
    int before = (t - 1) / 2;
    float[] select = new float[t * t * t];
    for (int out = 0; out < t; out++) {
      for (int in = 0; in < t; in++) {
        int k = in - out + before;
        if (k >= 0 && k < t) {
          select[(out * t + in) * t + k] = 1f;
        }
      }
    }
    Operand<TFloat32> s = tf.constant(Shape.of(t * t, t), DataBuffers.of(select, true, false));
    Operand<TFloat32> banded =
        tf.reshape(
            tf.linalg.transpose(
                tf.reshape(
                    tf.linalg.matMul(s, tf.reshape(kernel, tf.constant(new int[] {t, c * c}))),
                    tf.constant(new int[] {t, t, c, c})),
                tf.constant(new int[] {1, 2, 0, 3})),
            tf.constant(new int[] {t * c, t * c}));
    Operand<TFloat32> series =
        tf.reshape(
            tf.linalg.transpose(x, tf.constant(new int[] {0, 2, 3, 1, 4})),
            tf.constant(new int[] {-1, t * c}));
    Operand<TFloat32> mixed =
        tf.reshape(tf.linalg.matMul(series, banded), tf.constant(new int[] {-1, ROWS, COLS, t, c}));
    return tf.reshape(
        tf.linalg.transpose(mixed, tf.constant(new int[] {0, 3, 1, 2, 4})),
        tf.constant(new int[] {-1, ROWS, COLS, c}));
  }

  public int classes() {
    return classes;
  }

  /** Weights and biases the network holds. */
  public long parameters() {
    return parameters;
  }

  /** The graph, for tests that add ops to it. */
  Graph graph() {
    return graph;
  }

  /** The batch's clips as a tensor, B x 12 x 36 x 48 x 12. */
  private static TFloat32 clipTensor(float[] values, int count) {
    return TFloat32.tensorOf(
        Shape.of(count, FRAMES, ROWS, COLS, DEPTH),
        DataBuffers.of(values, true, false).slice(0, (long) count * CLIP_VALUES));
  }

  private TFloat32 labelTensor(int[] batchLabels, int count) {
    float[] oneHot = new float[count * classes];
    for (int i = 0; i < count; i++) {
      oneHot[i * classes + batchLabels[i]] = 1f;
    }
    return TFloat32.tensorOf(Shape.of(count, classes), DataBuffers.of(oneHot, true, false));
  }

  /**
   * One Adam step on a batch.
   *
   * @param values {@code count} clips, {@link #CLIP_VALUES} floats each (more may follow)
   * @param batchLabels their classes
   * @param logitsOut receives the clips' logits before the step (count x classes)
   * @return the batch's mean loss before the step
   */
  public double train(float[] values, int[] batchLabels, int count, float[] logitsOut) {
    try (TFloat32 x = clipTensor(values, count);
        TFloat32 y = labelTensor(batchLabels, count);
        Result r =
            session
                .runner()
                .feed(clips, x)
                .feed(labels, y)
                .addTarget(step)
                .fetch(loss)
                .fetch(clipLogits)
                .run()) {
      copy((TFloat32) r.get(1), logitsOut, count * classes);
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  /** The clips' logits (count x classes): the mean of each clip's 12 frame logits. */
  public float[] logits(float[] values, int count) {
    try (TFloat32 x = clipTensor(values, count);
        Result r = session.runner().feed(clips, x).fetch(clipLogits).run()) {
      float[] out = new float[count * classes];
      copy((TFloat32) r.get(0), out, out.length);
      return out;
    }
  }

  /** Each frame's logits ((count x 12) x classes), before the clip's mean. */
  public float[] frameLogits(float[] values, int count) {
    try (TFloat32 x = clipTensor(values, count);
        Result r = session.runner().feed(clips, x).fetch(frameLogits).run()) {
      float[] out = new float[count * FRAMES * classes];
      copy((TFloat32) r.get(0), out, out.length);
      return out;
    }
  }

  /** The time convolution's output after ReLU, (count x 12) x 36 x 48 x 12. */
  float[] afterTimeConvolution(float[] values, int count) {
    try (TFloat32 x = clipTensor(values, count);
        Result r = session.runner().feed(clips, x).fetch(afterTime).run()) {
      float[] out = new float[count * CLIP_VALUES];
      copy((TFloat32) r.get(0), out, out.length);
      return out;
    }
  }

  /** A copy of every weight, in creation order. */
  public float[][] weights() {
    Session.Runner runner = session.runner();
    for (Variable<TFloat32> v : variables) {
      runner.fetch(v);
    }
    try (Result r = runner.run()) {
      float[][] out = new float[variables.size()][];
      for (int i = 0; i < out.length; i++) {
        TFloat32 t = (TFloat32) r.get(i);
        out[i] = new float[(int) t.size()];
        copy(t, out[i], out[i].length);
      }
      return out;
    }
  }

  /** Sets every weight from a {@link #weights} copy. */
  public void load(float[][] weights) {
    if (weights.length != variables.size()) {
      throw new IllegalArgumentException(
          variables.size() + " weights expected, got " + weights.length);
    }
    Session.Runner runner = session.runner();
    List<TFloat32> tensors = new ArrayList<>();
    try {
      for (int i = 0; i < weights.length; i++) {
        TFloat32 t =
            TFloat32.tensorOf(variables.get(i).shape(), DataBuffers.of(weights[i], true, false));
        tensors.add(t);
        runner.feed(assignFeeds.get(i), t);
      }
      runner.addTarget(assign).run();
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  private static void copy(TFloat32 t, float[] dst, int length) {
    t.copyTo(DataBuffers.of(dst, false, false).slice(0, length));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
