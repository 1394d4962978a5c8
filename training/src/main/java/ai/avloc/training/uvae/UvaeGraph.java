package ai.avloc.training.uvae;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.ModelContract;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The U-VAE of uvae-reference.md §3 as a TF graph: the tiled MFCC map through the audio encoder,
 * the frame through the backbone, both min-max normalized per sample and concatenated, a 150-d
 * latent (VAE or AE), and the decoder with 0, 1 or 2 skip connections up to a sigmoid 36 x 48 x 12
 * acoustic image; the energy map is computed in the graph.
 *
 * <p>The latent is sampled only while {@code training} is 1. Serving uses z = mu, so a stream's
 * localization does not flicker from one call to the next; the reference samples at test time too,
 * but with a KL weight of 1e-6 sigma carries little (docs/decisions.md).
 */
public final class UvaeGraph {
  public final UvaeConfig config;
  public final Layers layers;
  public final Placeholder<TFloat32> rgb;
  public final Placeholder<TFloat32> mfcc;

  /**
   * 1 while training (latent sampling, batch statistics), 0 by default; null in a serving graph,
   * which holds neither.
   */
  public final Operand<TFloat32> training;

  /** The backbone's [B, 12, 16, 12] feature, before min-max normalization. */
  public final Operand<TFloat32> visual;

  /** The visual feature as fused: after the audio gate, if any, and min-max normalized. */
  public final Operand<TFloat32> fusedVisual;

  public final Operand<TFloat32> mu;

  /** softplus sigma of the VAE; null for the AE and in a serving graph (z = mu there). */
  public final Operand<TFloat32> sigma;

  /**
   * The latent the decoder gets: z = mu + sigma * eps while training, and in a serving graph the
   * VAE's mean or the AE's min-max normalized embedding (the paper's KNN features).
   */
  public final Operand<TFloat32> latent;

  public final Operand<TFloat32> acousticImage;
  public final Operand<TFloat32> energy;

  /** Multiply-accumulates of one frame's forward pass through this graph (training or serving). */
  public final long macsPerFrame;

  private UvaeGraph(
      UvaeConfig config,
      Layers layers,
      Placeholder<TFloat32> rgb,
      Placeholder<TFloat32> mfcc,
      Operand<TFloat32> training,
      Operand<TFloat32> visual,
      Operand<TFloat32> fusedVisual,
      Operand<TFloat32> mu,
      Operand<TFloat32> sigma,
      Operand<TFloat32> latent,
      Operand<TFloat32> acousticImage,
      Operand<TFloat32> energy,
      long macsPerFrame) {
    this.config = config;
    this.layers = layers;
    this.rgb = rgb;
    this.mfcc = mfcc;
    this.training = training;
    this.visual = visual;
    this.fusedVisual = fusedVisual;
    this.mu = mu;
    this.sigma = sigma;
    this.latent = latent;
    this.acousticImage = acousticImage;
    this.energy = energy;
    this.macsPerFrame = macsPerFrame;
  }

  /** The graph to train, its variables initialized from the config's seed. */
  public static UvaeGraph build(Ops tf, UvaeConfig config) {
    return build(tf, config, config.backbone(), false);
  }

  /**
   * @param restored true for a serving graph whose variables come from a checkpoint (export): no
   *     {@code training} input, batch norm from its moving averages, z = mu (the VAE's), and no
   *     sigma branch (so neither its weights nor its cost are in the exported model)
   */
  public static UvaeGraph build(Ops tf, UvaeConfig config, Backbone backbone, boolean restored) {
    int k = ModelShapes.COEFFICIENTS;
    int w = config.width();
    int w2 = config.poolWidth();
    int fr = Backbone.FEATURE_ROWS;
    int fc = Backbone.FEATURE_COLS;
    Layers l = new Layers(tf, config.seed(), restored);

    Placeholder<TFloat32> rgb =
        tf.withName(ModelContract.RGB)
            .placeholder(
                TFloat32.class,
                Placeholder.shape(Shape.of(-1, config.frameHeight(), config.frameWidth(), 3)));
    Placeholder<TFloat32> mfcc =
        tf.withName(ModelContract.MFCC)
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, k)));
    Operand<TFloat32> training =
        restored
            ? null
            : tf.withName("training").placeholderWithDefault(tf.constant(0f), Shape.scalar());

    // audio encoder over the MFCC vector tiled to every direction
    AudioMaps audio =
        training == null
            ? servingAudioEncoder(l, mfcc, k, w, w2)
            : trainingAudioEncoder(l, mfcc, k, w, w2);
    Operand<TFloat32> conv1 = audio.layer1();
    Operand<TFloat32> conv2raw = audio.layer2();

    // the audio encoder's vector: layer2 is the same at every cell but the borders, so its mean
    Operand<TFloat32> sound = tf.math.mean(conv2raw, tf.constant(new int[] {1, 2}));
    Operand<TFloat32> visual =
        config.audioGate() == AudioGate.BACKBONE
            ? backbone.features(l, rgb, training, sound, w2)
            : backbone.features(l, rgb, training);
    Operand<TFloat32> seen = visual;
    if (config.audioGate() != AudioGate.NONE) {
      // The paper fuses by concatenation, so the latent is a sum of a sound code and a picture
      // code, and "which object makes this sound" must be untangled by the decoder. The gate lets
      // the sound pick visual channels first.
      seen = l.film("fusion", visual, Backbone.FEATURE_CHANNELS, sound, w2);
    }
    Operand<TFloat32> seenNormalized = l.minMax(seen);
    Operand<TFloat32> fused =
        tf.concat(List.of(l.minMax(conv2raw), seenNormalized), tf.constant(3));
    int fusedChannels = w2 + Backbone.FEATURE_CHANNELS;

    // latent: the reference's 12x16 VALID convolutions, i.e. dense layers over the whole fused map
    int latent = config.latent();
    Operand<TFloat32> mean = l.denseOverMap("latent/mean", fused, fr, fc, fusedChannels, latent);
    Operand<TFloat32> sigma = null;
    Operand<TFloat32> z;
    if (training == null) {
      z = config.variational() ? mean : l.minMax(mean);
    } else if (config.variational()) {
      sigma =
          tf.math.softplus(l.denseOverMap("latent/sigma", fused, fr, fc, fusedChannels, latent));
      // the noise's shape comes from the input, not from mu, so mu keeps its gradient
      Operand<TInt32> noiseShape =
          tf.concat(
              List.of(
                  tf.slice(tf.shape(mfcc), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
                  tf.constant(new int[] {latent})),
              tf.constant(0));
      Operand<TFloat32> eps =
          tf.random.randomStandardNormal(
              noiseShape,
              TFloat32.class,
              RandomStandardNormal.seed(config.seed()),
              RandomStandardNormal.seed2(config.seed() * 31 + 7));
      z = tf.math.add(mean, tf.math.mul(training, tf.math.mul(sigma, eps)));
    } else {
      z = l.minMax(mean);
    }

    // decoder
    Operand<TFloat32> d = l.dense("decoder/dense", z, latent, fr * fc * 12, true);
    d = tf.reshape(d, tf.constant(new int[] {-1, fr, fc, 12}));
    d = l.conv("decoder/conv", d, 12, w2, 3, 3, 1, "SAME", true);
    int channels = w2;
    if (config.visualSkip()) {
      // the latent is a dense map of the whole picture, so every position is learnt on its own;
      // beside it the decoder gets the feature map itself, where a 3x3 convolution finds the
      // sound-selected object at any position the same way
      d = tf.concat(List.of(d, seenNormalized), tf.constant(3));
      channels += Backbone.FEATURE_CHANNELS;
    }
    if (config.skips() == 2) {
      d = tf.concat(List.of(d, conv2raw), tf.constant(3));
      channels += w2;
    }
    d = l.convConv("decoder/layer4", d, channels, w);
    d = l.convConv("decoder/layer5", d, w, w);
    d = l.upsample3("decoder/upsample_1", d, fr, fc, w, w);
    channels = w;
    if (config.skips() >= 1) {
      d = tf.concat(List.of(d, conv1), tf.constant(3));
      channels += w;
    }
    d = l.convConv("decoder/layer6", d, channels, w);
    d = l.convConv("decoder/layer7", d, w, w / 2);
    Operand<TFloat32> image =
        tf.withName(ModelContract.ACOUSTIC_IMAGE)
            .math
            .sigmoid(l.conv("decoder/final", d, w / 2, k, 3, 3, 1, "SAME", false));
    Operand<TFloat32> energy =
        tf.withName(ModelContract.ENERGY).identity(ModelContract.energy(tf, image));

    long macs = macsPerFrame(config, backbone, restored);
    return new UvaeGraph(
        config,
        l,
        rgb,
        mfcc,
        training,
        visual,
        seenNormalized,
        mean,
        sigma,
        z,
        image,
        energy,
        macs);
  }

  /** The audio encoder's layer-1 map (36 x 48, the skip's source) and layer-2 map (12 x 16). */
  private record AudioMaps(Operand<TFloat32> layer1, Operand<TFloat32> layer2) {}

  /** The reference's audio encoder: convolutions over the MFCC vector tiled to 36 x 48. */
  private static AudioMaps trainingAudioEncoder(
      Layers l, Operand<TFloat32> mfcc, int k, int w, int w2) {
    Ops tf = l.tf();
    Operand<TFloat32> mfccMap = tile(tf, mfcc, k, ModelShapes.ROWS, ModelShapes.COLS);
    Operand<TFloat32> conv1 = l.convConv("audio/layer1", mfccMap, k, w);
    Operand<TFloat32> pool1 = l.conv("audio/pool1", conv1, w, w, 3, 3, 3, "SAME", true);
    return new AudioMaps(conv1, l.convConv("audio/layer2", pool1, w, w2));
  }

  /**
   * The same maps, computed where they differ. The input is one vector at every cell, so a cell's
   * output depends only on how near it is to each border: after layer 1's two 3x3 convolutions the
   * rows are 0, 1, the inner rows (all alike) and the last two, so a 5 x 5 map holds every distinct
   * value; the stride-3 pooling (36 and 48 divide by 3, no padding) then has a first, an inner and
   * a last window per axis; after layer 2 a 7 x 7 map holds rows 0-2, the inner rows and the last
   * three. Gathering those rows and columns back gives the reference's 36 x 48 and 12 x 16 maps,
   * for a fraction of the work (the reference spends about a fifth of a window's time at batch 1 on
   * these convolutions). The variables are the same.
   */
  private static AudioMaps servingAudioEncoder(
      Layers l, Operand<TFloat32> mfcc, int k, int w, int w2) {
    Ops tf = l.tf();
    int rows = ModelShapes.ROWS;
    int cols = ModelShapes.COLS;
    // the cells below hold while the pooling has no padding and the 12 x 16 map is wider than the
    // 7 cells layer 2 keeps, and while every layer acts on each cell alone (no norm over the map)
    if (rows % 3 != 0 || cols % 3 != 0 || rows / 3 < 7 || cols / 3 < 7) {
      throw new IllegalStateException("the serving audio encoder assumes a 36 x 48 map");
    }
    Operand<TFloat32> layer1 = l.convConv("audio/layer1", tile(tf, mfcc, k, 5, 5), k, w);
    // the first, an inner and the last pooling window, each 3 cells of layer 1's classes
    int[] windows = {0, 1, 2, 2, 2, 2, 2, 3, 4};
    Operand<TFloat32> pooled =
        l.conv("audio/pool1", gather(tf, layer1, windows, windows), w, w, 3, 3, 3, "SAME", true);
    int[] spread = {0, 1, 1, 1, 1, 1, 2};
    Operand<TFloat32> layer2 =
        l.convConv("audio/layer2", gather(tf, pooled, spread, spread), w, w2);
    return new AudioMaps(
        gather(tf, layer1, nearBorder(rows, 2), nearBorder(cols, 2)),
        gather(tf, layer2, nearBorder(rows / 3, 3), nearBorder(cols / 3, 3)));
  }

  /** [B, k] to [B, rows, cols, k], the vector at every cell. */
  private static Operand<TFloat32> tile(Ops tf, Operand<TFloat32> v, int k, int rows, int cols) {
    return tf.tile(
        tf.reshape(v, tf.constant(new int[] {-1, 1, 1, k})),
        tf.constant(new int[] {1, rows, cols, 1}));
  }

  /** Rows then columns of a [B, R, C, K] map picked by index. */
  private static Operand<TFloat32> gather(Ops tf, Operand<TFloat32> x, int[] rows, int[] cols) {
    Operand<TFloat32> picked = tf.gather(x, tf.constant(rows), tf.constant(1));
    return tf.gather(picked, tf.constant(cols), tf.constant(2));
  }

  /**
   * For each of {@code n} cells, its cell in a map of 2r + 1 that keeps the r cells at each border
   * and one inner cell for the rest.
   */
  static int[] nearBorder(int n, int r) {
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i < r ? i : i >= n - r ? i - n + 2 * r + 1 : r;
    }
    return index;
  }

  /**
   * Multiply-accumulates of one frame's forward pass, in the training graph or the (cheaper)
   * serving graph, which computes 25, 9 and 49 cells of the audio encoder and no sigma.
   */
  public static long macsPerFrame(UvaeConfig config, Backbone backbone, boolean serving) {
    long macs =
        backbone.macsPerFrame()
            + unetMacs(config, config.poolWidth() + Backbone.FEATURE_CHANNELS, serving);
    if (config.audioGate() == AudioGate.BACKBONE) {
      macs += backbone.gateMacsPerFrame(config.poolWidth());
    }
    return macs;
  }

  /** Multiply-accumulates of everything but the backbone, per frame, in the training graph. */
  static long unetMacs(UvaeConfig c, int fusedChannels) {
    return unetMacs(c, fusedChannels, false);
  }

  private static long unetMacs(UvaeConfig c, int fusedChannels, boolean serving) {
    long big = (long) ModelShapes.ROWS * ModelShapes.COLS;
    long small = (long) Backbone.FEATURE_ROWS * Backbone.FEATURE_COLS;
    int w = c.width();
    int w2 = c.poolWidth();
    int k = ModelShapes.COEFFICIENTS;
    long m = (serving ? 25 : big) * 9 * ((long) k * w + (long) w * w); // audio layer1
    m += (serving ? 9 : small) * 9L * w * w; // pool
    m += (serving ? 49 : small) * 9 * ((long) w * w2 + (long) w2 * w2); // layer2
    if (c.audioGate() != AudioGate.NONE) {
      m += 2L * w2 * Backbone.FEATURE_CHANNELS + small * Backbone.FEATURE_CHANNELS; // gate
    }
    int latents = c.variational() && !serving ? 2 : 1; // mean, and sigma while training
    m += (long) latents * small * fusedChannels * c.latent(); // latent
    m += (long) c.latent() * small * 12; // dense
    m += small * 9L * 12 * w2; // decoder conv
    int in4 = (c.skips() == 2 ? 2 * w2 : w2) + (c.visualSkip() ? Backbone.FEATURE_CHANNELS : 0);
    m += small * 9 * ((long) in4 * w + 3L * w * w); // layer4, layer5
    m += small * 4L * w * w; // upsample
    int in6 = c.skips() >= 1 ? 2 * w : w;
    m += big * 9 * ((long) in6 * w + (long) w * w); // layer6
    m += big * 9 * ((long) w * (w / 2) + (long) (w / 2) * (w / 2)); // layer7
    m += big * 9L * (w / 2) * k; // final
    return m;
  }
}
