package ai.avloc.training.uvae;

import ai.avloc.schemas.ModelShapes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What to build and how to train it. Three presets share the model contract:
 *
 * <ul>
 *   <li>{@code paper}: uvae-reference.md §3 as published: U-Net width 128 (133 after the pool), the
 *       modified ResNet-50 backbone, Adam 1e-4, batch 64;
 *   <li>{@code compact}: the same graph at 3/16 of the width (24, 25 after the pool) on {@link
 *       CompactBackbone}, so it trains from scratch and serves many streams on a CPU; Adam 1e-3,
 *       batch 32;
 *   <li>{@code lite}: compact's training at half its cost a window: the backbone on the frame
 *       averaged to half its size, U-Net width 16 (17 after the pool).
 * </ul>
 *
 * @param width the U-Net's base channel count (128 in the paper)
 * @param skips U-Net skip connections: 0, 1 (the paper's model) or 2
 * @param variational VAE (z = mu + sigma * eps) or plain autoencoder (min-max normalized z)
 * @param latent latent dimension (150)
 * @param beta KL weight (1e-6)
 * @param energyWeight weight of the energy-map term (0 in the paper's loss; see {@link
 *     UvaeTraining})
 * @param backboneWeights a Keras ResNet50 "notop" HDF5 file for the paper preset, or null
 * @param audioGate where the sound scales and shifts visual channels before fusion (not in the
 *     paper; docs/decisions.md, "Audio gate")
 * @param visualSkip also hand the decoder the (gated, normalized) 12 x 16 visual feature at its 12
 *     x 16 stage, beside the latent (not in the paper; docs/decisions.md, "Visual skip")
 * @param focusWeight weight of the focus term (not in the paper; {@link UvaeTraining},
 *     docs/decisions.md, "Focus term"), 0 for none
 * @param loss the reconstruction terms trained on: MSE, Huber or both (the reference's, and the
 *     reading of a description without one)
 */
public record UvaeConfig(
    String preset,
    int frameHeight,
    int frameWidth,
    int width,
    int skips,
    boolean variational,
    int latent,
    double beta,
    double energyWeight,
    double learningRate,
    int batchSize,
    long seed,
    Path backboneWeights,
    AudioGate audioGate,
    boolean visualSkip,
    double focusWeight,
    ReconstructionLoss loss) {

  /**
   * The settings of {@link #describe()} that shape the graph's variables: two configurations that
   * agree on them can load each other's checkpoints.
   */
  public static final java.util.List<String> GRAPH_SETTINGS =
      java.util.List.of(
          "preset",
          "frame",
          "width",
          "skips",
          "variational",
          "latent",
          "audioGate",
          "visualSkip",
          "backboneWeights");

  public static final int LATENT = 150;
  public static final double BETA = 1e-6;

  /** The compact preset's energy-map weight (docs/decisions.md, "The energy-map term"). */
  public static final double ENERGY_WEIGHT = 0.2;

  public UvaeConfig {
    if (!PRESETS.contains(preset)) {
      throw new IllegalArgumentException("preset must be one of " + PRESETS + ", got " + preset);
    }
    if (skips < 0 || skips > 2) {
      throw new IllegalArgumentException("skips must be 0, 1 or 2, got " + skips);
    }
    if (width < 4
        || latent < 1
        || batchSize < 1
        || !(learningRate > 0)
        || !(beta >= 0)
        || !(energyWeight >= 0)
        || !(focusWeight >= 0)) {
      throw new IllegalArgumentException(
          "width, latent, batch size and learning rate must be positive");
    }
    java.util.Objects.requireNonNull(audioGate, "audioGate");
    java.util.Objects.requireNonNull(loss, "loss");
    if (audioGate == AudioGate.BACKBONE && preset.equals("paper")) {
      throw new IllegalArgumentException(
          "the backbone gate needs the compact backbone (the compact or lite preset)");
    }
  }

  public static UvaeConfig preset(String name) {
    return switch (name) {
      case "paper" ->
          new UvaeConfig(
              name,
              ModelShapes.FRAME_HEIGHT,
              ModelShapes.FRAME_WIDTH,
              128,
              1,
              true,
              LATENT,
              BETA,
              0,
              1e-4,
              64,
              1,
              null,
              AudioGate.NONE,
              false,
              0,
              ReconstructionLoss.BOTH);
      case "compact" ->
          new UvaeConfig(
              name,
              ModelShapes.FRAME_HEIGHT,
              ModelShapes.FRAME_WIDTH,
              24,
              1,
              true,
              LATENT,
              BETA,
              ENERGY_WEIGHT,
              1e-3,
              32,
              1,
              null,
              AudioGate.NONE,
              false,
              0,
              ReconstructionLoss.BOTH);
      // half the compact preset's cost a window: the backbone sees the frame at half its size
      // and the decoder's 36 x 48 layers are 2/3 as wide (docs/decisions.md, "The lite preset")
      case "lite" ->
          preset("compact")
              .with(
                  c -> {
                    c.preset = name;
                    c.width = 16;
                  });
      default ->
          throw new IllegalArgumentException("preset must be one of " + PRESETS + ", got " + name);
    };
  }

  /** The presets {@link #preset(String)} knows. */
  public static final java.util.List<String> PRESETS =
      java.util.List.of("paper", "compact", "lite");

  /** Channels after the audio pool: 133 for width 128, scaled with the width. */
  public int poolWidth() {
    return width + Math.round(width * 5 / 128f);
  }

  public Backbone backbone() {
    return switch (preset) {
      case "paper" -> new ResNet50Backbone(frameHeight, frameWidth, backboneWeights);
      case "lite" -> new CompactBackbone(frameHeight, frameWidth, 2);
      default -> new CompactBackbone(frameHeight, frameWidth, 1);
    };
  }

  /** The model's name: preset, skips and the VAE/AE choice, e.g. {@code uvae-compact-s1}. */
  public String modelName() {
    return "uvae-"
        + preset
        + "-s"
        + skips
        + (variational ? "" : "-ae")
        + audioGate.suffix()
        + (visualSkip ? "-vskip" : "");
  }

  public UvaeConfig withSkips(int n) {
    return with(c -> c.skips = n);
  }

  public UvaeConfig withVariational(boolean v) {
    return with(c -> c.variational = v);
  }

  public UvaeConfig withSeed(long s) {
    return with(c -> c.seed = s);
  }

  public UvaeConfig withLearningRate(double lr) {
    return with(c -> c.learningRate = lr);
  }

  public UvaeConfig withBatchSize(int b) {
    return with(c -> c.batchSize = b);
  }

  public UvaeConfig withEnergyWeight(double w) {
    return with(c -> c.energyWeight = w);
  }

  public UvaeConfig withBackboneWeights(Path file) {
    return with(c -> c.backboneWeights = file);
  }

  /** The same model with the given audio gate (decisions.md). */
  public UvaeConfig withAudioGate(AudioGate gate) {
    return with(c -> c.audioGate = gate);
  }

  /** The same model with (or without) the visual skip to the decoder (decisions.md). */
  public UvaeConfig withVisualSkip(boolean skip) {
    return with(c -> c.visualSkip = skip);
  }

  /** The same model trained with the given focus-term weight (decisions.md). */
  public UvaeConfig withFocusWeight(double w) {
    return with(c -> c.focusWeight = w);
  }

  /** The same model trained on other reconstruction terms (the paper's loss ablations). */
  public UvaeConfig withLoss(ReconstructionLoss l) {
    return with(c -> c.loss = l);
  }

  /** A copy with one change, checked by the record's constructor. */
  private UvaeConfig with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new UvaeConfig(
        c.preset,
        frameHeight,
        frameWidth,
        c.width,
        c.skips,
        c.variational,
        latent,
        beta,
        c.energyWeight,
        c.learningRate,
        c.batchSize,
        c.seed,
        c.backboneWeights,
        c.audioGate,
        c.visualSkip,
        c.focusWeight,
        c.loss);
  }

  /** The components a wither may change. */
  private static final class Copy {
    String preset;
    int width;
    int skips;
    boolean variational;
    double energyWeight;
    double learningRate;
    int batchSize;
    long seed;
    Path backboneWeights;
    AudioGate audioGate;
    boolean visualSkip;
    double focusWeight;
    ReconstructionLoss loss;

    Copy(UvaeConfig c) {
      preset = c.preset;
      width = c.width;
      skips = c.skips;
      variational = c.variational;
      energyWeight = c.energyWeight;
      learningRate = c.learningRate;
      batchSize = c.batchSize;
      seed = c.seed;
      backboneWeights = c.backboneWeights;
      audioGate = c.audioGate;
      visualSkip = c.visualSkip;
      focusWeight = c.focusWeight;
      loss = c.loss;
    }
  }

  /**
   * The configuration a model card records ({@link #describe()}) read back. The backbone weights
   * file is not: a card names only its file, and a restored model holds the weights.
   *
   * @throws IllegalArgumentException when the description lacks a setting or holds a bad one
   */
  public static UvaeConfig fromDescription(Map<String, Object> d) {
    try {
      String[] frame = String.valueOf(d.get("frame")).split("x");
      Object gate = d.get("audioGate");
      return new UvaeConfig(
          (String) d.get("preset"),
          Integer.parseInt(frame[0]),
          Integer.parseInt(frame[1]),
          ((Number) d.get("width")).intValue(),
          ((Number) d.get("skips")).intValue(),
          (Boolean) d.get("variational"),
          ((Number) d.get("latent")).intValue(),
          ((Number) d.get("beta")).doubleValue(),
          ((Number) d.get("energyWeight")).doubleValue(),
          ((Number) d.get("learningRate")).doubleValue(),
          ((Number) d.get("batchSize")).intValue(),
          ((Number) d.get("seed")).longValue(),
          null,
          gate == null
              ? AudioGate.NONE
              : Boolean.TRUE.equals(gate)
                  ? AudioGate.FEATURE
                  : "backbone".equals(gate) ? AudioGate.BACKBONE : badGate(gate),
          Boolean.TRUE.equals(d.get("visualSkip")),
          d.get("focusWeight") == null ? 0 : ((Number) d.get("focusWeight")).doubleValue(),
          // models trained before the choice trained on both
          d.get("loss") == null
              ? ReconstructionLoss.BOTH
              : ReconstructionLoss.parse((String) d.get("loss")));
    } catch (NullPointerException | ClassCastException | NumberFormatException e) {
      throw new IllegalArgumentException("not a U-VAE configuration: " + d, e);
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("frame must be HEIGHTxWIDTH, got " + d.get("frame"), e);
    }
  }

  private static AudioGate badGate(Object gate) {
    throw new IllegalArgumentException("audioGate is true or \"backbone\", got " + gate);
  }

  /** The configuration as the model card records it. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("preset", preset);
    m.put("frame", String.format(Locale.ROOT, "%dx%d", frameHeight, frameWidth));
    m.put("width", width);
    m.put("skips", skips);
    m.put("variational", variational);
    m.put("latent", latent);
    m.put("beta", beta);
    m.put("energyWeight", energyWeight);
    m.put("learningRate", learningRate);
    m.put("batchSize", batchSize);
    m.put("seed", seed);
    if (backboneWeights != null) {
      m.put("backboneWeights", backboneWeights.getFileName().toString());
    }
    if (audioGate != AudioGate.NONE) {
      // only when on, so runs and cards from before the option compare equal
      m.put("audioGate", audioGate.described());
    }
    if (visualSkip) {
      m.put("visualSkip", true);
    }
    if (focusWeight > 0) {
      m.put("focusWeight", focusWeight);
    }
    if (loss != ReconstructionLoss.BOTH) {
      // only when not the reference's, so runs from before the option resume
      m.put("loss", loss.described());
    }
    return m;
  }
}
