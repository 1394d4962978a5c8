package ai.avloc.training.uvae;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.ModelContract;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * The U-VAE with its training objective (uvae-reference.md §4.1): MSE + Huber(delta = 1) over the
 * acoustic image, plus beta x KL for the VAE, plus the backbone's weight penalties; Adam with the
 * preset's learning rate and TF's default betas and epsilon. The configuration's {@link
 * ReconstructionLoss} keeps MSE alone or Huber alone instead of their sum (Table 3's ablations).
 *
 * <p>Beyond the paper, an energy-map term (weight {@code energyWeight}, 0 for the paper preset):
 * the squared difference of the predicted and true energy maps, each as its deviation from its own
 * mean in units of 0.1 %. Where a source is lies in deviations of about 0.1 % of the energy, which
 * the image MSE barely sees (docs/decisions.md).
 */
public final class UvaeTraining {
  public final UvaeGraph model;
  public final Placeholder<TFloat32> target;
  public final Operand<TFloat32> mse;
  public final Operand<TFloat32> huber;

  /** The reconstruction terms the loss holds: MSE, Huber or their sum. */
  public final Operand<TFloat32> reconstruction;

  /** The KL term before beta; a constant 0 for the AE. */
  public final Operand<TFloat32> kl;

  public final Operand<TFloat32> loss;

  /** The focus term before its weight; null when the weight is 0. */
  public final Operand<TFloat32> focus;

  /** One optimizer step plus the backbone's statistics updates. */
  public final Op step;

  private UvaeTraining(
      UvaeGraph model,
      Placeholder<TFloat32> target,
      Operand<TFloat32> mse,
      Operand<TFloat32> huber,
      Operand<TFloat32> reconstruction,
      Operand<TFloat32> kl,
      Operand<TFloat32> loss,
      Operand<TFloat32> focus,
      Op step) {
    this.model = model;
    this.target = target;
    this.mse = mse;
    this.huber = huber;
    this.reconstruction = reconstruction;
    this.kl = kl;
    this.loss = loss;
    this.focus = focus;
    this.step = step;
  }

  /** (E / mean(E) - 1) x 1000 per sample. */
  private static Operand<TFloat32> relativeEnergy(
      Ops tf, Operand<TFloat32> energy, Operand<TInt32> cells) {
    Operand<TFloat32> mean =
        tf.math.mean(energy, cells, org.tensorflow.op.math.Mean.keepDims(true));
    return tf.math.mul(tf.math.sub(tf.math.div(energy, mean), tf.constant(1f)), tf.constant(1000f));
  }

  /** The softmax temperature of the focus target: its peak region takes most of the mass. */
  static final float FOCUS_SHARPNESS = 4f;

  /**
   * The focus term: cross-entropy between where the fused visual feature points, a softmax over its
   * 12 x 16 cells of a 1x1 convolution, and where the target's energy is, a softmax of its
   * deviation map (relative energy, 0.1 % units, averaged over 3 x 3 cells) times {@link
   * #FOCUS_SHARPNESS}. A flat target asks for a uniform spread. It trains the gate and the backbone
   * to mark the sounding object on the feature map itself, with no boxes: the acoustic image is the
   * label.
   */
  private static Operand<TFloat32> focusTerm(Ops tf, UvaeGraph model, Operand<TFloat32> target) {
    int fr = Backbone.FEATURE_ROWS;
    int fc = Backbone.FEATURE_COLS;
    Operand<TInt32> flat = tf.constant(new int[] {-1, fr * fc});
    Operand<TFloat32> logits =
        tf.reshape(
            model.layers.conv(
                "focus/conv",
                model.fusedVisual,
                Backbone.FEATURE_CHANNELS,
                1,
                1,
                1,
                1,
                "SAME",
                false),
            flat);
    Operand<TInt32> cellSum = tf.constant(new int[] {1});
    Operand<TFloat32> logSum =
        tf.math.log(
            tf.sum(tf.math.exp(logits), cellSum, org.tensorflow.op.core.Sum.keepDims(true)));
    Operand<TFloat32> logP = tf.math.sub(logits, logSum);

    Operand<TFloat32> deviation =
        relativeEnergy(tf, ModelContract.energy(tf, target), tf.constant(new int[] {1, 2}));
    Operand<TFloat32> pooled =
        tf.nn.avgPool(
            tf.reshape(
                deviation, tf.constant(new int[] {-1, ModelShapes.ROWS, ModelShapes.COLS, 1})),
            java.util.List.of(1L, 3L, 3L, 1L),
            java.util.List.of(1L, 3L, 3L, 1L),
            "VALID");
    Operand<TFloat32> q =
        tf.nn.softmax(tf.math.mul(tf.reshape(pooled, flat), tf.constant(FOCUS_SHARPNESS)));
    return tf.math.neg(tf.math.mean(tf.sum(tf.math.mul(q, logP), cellSum), tf.constant(0)));
  }

  public static UvaeTraining build(Graph graph, UvaeConfig config) {
    Ops tf = Ops.create(graph);
    UvaeGraph model = UvaeGraph.build(tf, config);
    Placeholder<TFloat32> target =
        tf.withName("target")
            .placeholder(
                TFloat32.class,
                Placeholder.shape(
                    Shape.of(-1, ModelShapes.ROWS, ModelShapes.COLS, ModelShapes.COEFFICIENTS)));
    Operand<TFloat32> error = tf.math.sub(model.acousticImage, target);
    Operand<TInt32> all = tf.constant(new int[] {0, 1, 2, 3});
    Operand<TFloat32> mse = tf.withName("mse").math.mean(tf.math.square(error), all);
    // Huber with delta 1: 0.5 q^2 + (|e| - q), q = min(|e|, 1)
    Operand<TFloat32> abs = tf.math.abs(error);
    Operand<TFloat32> q = tf.math.minimum(abs, tf.constant(1f));
    Operand<TFloat32> huber =
        tf.math.mean(
            tf.math.add(tf.math.mul(tf.constant(0.5f), tf.math.square(q)), tf.math.sub(abs, q)),
            all);
    Operand<TFloat32> kl = tf.constant(0f);
    Operand<TFloat32> reconstruction =
        tf.withName("reconstruction")
            .identity(
                switch (config.loss()) {
                  case MSE -> mse;
                  case HUBER -> huber;
                  case BOTH -> tf.math.add(mse, huber);
                });
    Operand<TFloat32> loss = reconstruction;
    if (config.variational()) {
      Operand<TFloat32> s2 = tf.math.square(model.sigma);
      Operand<TFloat32> perSample =
          tf.math.mul(
              tf.constant(0.5f),
              tf.sum(
                  tf.math.sub(
                      tf.math.sub(
                          tf.math.add(tf.math.square(model.mu), s2),
                          tf.math.log(tf.math.add(s2, tf.constant(1e-8f)))),
                      tf.constant(1f)),
                  tf.constant(1)));
      kl = tf.math.mean(perSample, tf.constant(0));
      loss = tf.math.add(loss, tf.math.mul(tf.constant((float) config.beta()), kl));
    }
    if (config.energyWeight() > 0) {
      // the energy maps as deviations from their own mean, in units of 0.1 %: a source lifts its
      // cells by about that much, and a uniform target asks for a flat map
      Operand<TInt32> cells = tf.constant(new int[] {1, 2});
      Operand<TFloat32> predicted = relativeEnergy(tf, model.energy, cells);
      Operand<TFloat32> wanted = relativeEnergy(tf, ModelContract.energy(tf, target), cells);
      Operand<TFloat32> energyTerm =
          tf.math.mean(
              tf.math.square(tf.math.sub(predicted, wanted)), tf.constant(new int[] {0, 1, 2}));
      loss = tf.math.add(loss, tf.math.mul(tf.constant((float) config.energyWeight()), energyTerm));
    }
    Operand<TFloat32> focus = null;
    if (config.focusWeight() > 0) {
      focus = focusTerm(tf, model, target);
      loss = tf.math.add(loss, tf.math.mul(tf.constant((float) config.focusWeight()), focus));
    }
    for (Operand<TFloat32> penalty : model.layers.penalties()) {
      loss = tf.math.add(loss, penalty);
    }
    loss = tf.withName("loss").identity(loss);
    // gradients for the trainable variables only: batch-norm moving averages are variables too,
    // but only their update ops change them
    List<Variable<TFloat32>> vars = model.layers.trainable();
    Output<?>[] xs = new Output<?>[vars.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = vars.get(i).asOutput();
    }
    Output<?>[] grads = graph.addGradients(loss.asOutput(), xs);
    List<Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      pairs.add(
          new Optimizer.GradAndVar<>(grads[i].expect(TFloat32.class), vars.get(i).asOutput()));
    }
    Adam adam = new Adam(graph, (float) config.learningRate());
    List<Op> ops = new ArrayList<>(model.layers.updates());
    ops.add(adam.applyGradients(pairs, adam.getOptimizerName()));
    Op step = tf.withControlDependencies(ops).noOp();
    return new UvaeTraining(model, target, mse, huber, reconstruction, kl, loss, focus, step);
  }
}
