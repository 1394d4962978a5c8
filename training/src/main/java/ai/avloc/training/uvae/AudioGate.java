package ai.avloc.training.uvae;

/**
 * Where the sound may act on the picture before fusion (not in the paper; docs/decisions.md, "Audio
 * gate"). Each gate is a FiLM layer, relu(v * (1 + gamma(a)) + beta(a)) per channel, with gamma and
 * beta dense layers of the audio encoder's vector.
 */
public enum AudioGate {
  /** The paper's fusion: the two normalized maps concatenated. */
  NONE,
  /** On the 12 channels of the 12 x 16 visual feature (uvae-compact@2). */
  FEATURE,
  /**
   * Also inside the compact backbone, on its 64 channels at 14 x 19 before the last 3x3
   * convolution, so the layers after it see the sound-selected channels.
   */
  BACKBONE;

  /** The value the config records: absent for NONE, true for FEATURE (as before there were two). */
  Object described() {
    return switch (this) {
      case NONE -> null;
      case FEATURE -> true;
      case BACKBONE -> "backbone";
    };
  }

  /** The model name's suffix. */
  String suffix() {
    return switch (this) {
      case NONE -> "";
      case FEATURE -> "-gate";
      case BACKBONE -> "-gate2";
    };
  }
}
