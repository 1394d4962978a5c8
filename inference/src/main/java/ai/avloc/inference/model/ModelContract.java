package ai.avloc.inference.model;

import ai.avloc.inference.audio.MfccSpec;

/**
 * The SavedModel signature every acoustic-image model serves (ARCHITECTURE.md, "Model contract"):
 * {@code serving_default} takes {@code rgb [B, H, W, 3]} in [0, 1] and {@code mfcc [B, 12]}
 * (min-max normalized) and returns {@code acoustic_image [B, 36, 48, 12]} in [0, 1] and {@code
 * energy [B, 36, 48]} (the paper's energy map).
 */
public final class ModelContract {
  public static final String TAG = "serve";
  public static final String SIGNATURE = "serving_default";
  public static final String RGB = "rgb";
  public static final String MFCC = "mfcc";
  public static final String ACOUSTIC_IMAGE = "acoustic_image";
  public static final String ENERGY = "energy";

  /** The paper preset's frame: 224 rows x 298 columns. */
  public static final int FRAME_HEIGHT = 224;

  public static final int FRAME_WIDTH = 298;
  public static final int ROWS = 36;
  public static final int COLS = 48;
  public static final int COEFFICIENTS = MfccSpec.COEFFICIENTS;

  private ModelContract() {}
}
