package ai.avloc.training.uvae;

import java.util.Locale;

/**
 * Which reconstruction terms the U-VAE trains on (uvae-reference.md §4.1 and the loss ablations of
 * the paper's Table 3). The KL term of the VAE and the preset's extra terms come on top of each.
 */
public enum ReconstructionLoss {
  /** Mean squared error of the acoustic image only. */
  MSE,
  /** Huber loss (delta 1) of the acoustic image only. */
  HUBER,
  /** MSE + Huber, the reference's objective (the default). */
  BOTH;

  /** The name the command line takes and a config records: mse, huber or both. */
  public String described() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The loss named mse, huber or both.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static ReconstructionLoss parse(String name) {
    for (ReconstructionLoss l : values()) {
      if (l.described().equals(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException("the loss is mse, huber or both, got " + name);
  }
}
