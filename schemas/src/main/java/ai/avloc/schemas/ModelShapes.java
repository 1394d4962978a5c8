package ai.avloc.schemas;

/**
 * The shapes every model and topic agree on (ARCHITECTURE.md, "Model contract"): the frame a model
 * sees, and the acoustic image and energy map it returns. Gateways scale frames to this size before
 * encoding, the job feeds it to the model, training writes and reads it.
 */
public final class ModelShapes {
  /** The paper preset's frame: 224 rows x 298 columns of RGB. */
  public static final int FRAME_HEIGHT = 224;

  public static final int FRAME_WIDTH = 298;

  /** Directions of an acoustic image and cells of an energy map: 36 rows x 48 columns. */
  public static final int ROWS = 36;

  public static final int COLS = 48;

  /** MFCC per direction of an acoustic image, and of the window's mono audio. */
  public static final int COEFFICIENTS = 12;

  private ModelShapes() {}
}
