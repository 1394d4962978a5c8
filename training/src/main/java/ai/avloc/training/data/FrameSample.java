package ai.avloc.training.data;

import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.schemas.ModelShapes;
import java.util.List;

/**
 * One frame (1/12 s) of a dataset second, as the reference's loader yields it after {@code unbatch}
 * (uvae-reference.md §1.7): the model's inputs and target, plus its labels and, where the dataset
 * is annotated, the boxes of the sounding objects on screen.
 *
 * <p>The frame stays as the stored BGR bytes (a quarter of the floats' size; {@link #rgbInto}
 * converts on use), so a frame takes about 290 KB, most of it the frame and the target.
 *
 * @param source the second's file as its list names it (relative to the dataset root)
 * @param entry the frame's index 0..11 within its second
 * @param classId {@code classes} (ACIVW), else {@code action} (AVIA), else -1
 * @param location {@code location} (the scene or video index), else the annotation's scene, else -1
 * @param bgr 224 x 298 x 3 bytes, BGR, as stored
 * @param mfcc the model's 12 normalized MFCC of the frame's audio
 * @param noiseMfcc the 12 normalized MFCC of the low-passed audio (§4.3)
 * @param target the 36 x 48 x 12 acoustic image rotated and normalized as the model's target
 * @param boxes the sounding objects on screen; empty when there are none or no annotations
 */
public record FrameSample(
    String source,
    int entry,
    long classId,
    long location,
    byte[] bgr,
    float[] mfcc,
    float[] noiseMfcc,
    float[] target,
    List<SoundingBox> boxes) {
  public static final int RGB_VALUES = ModelShapes.FRAME_HEIGHT * ModelShapes.FRAME_WIDTH * 3;
  public static final int TARGET_VALUES =
      ModelShapes.ROWS * ModelShapes.COLS * AudioVisualSecond.IMAGE_DEPTH;

  public FrameSample {
    boxes = List.copyOf(boxes);
    if (bgr.length != RGB_VALUES
        || mfcc.length != MfccSpec.COEFFICIENTS
        || noiseMfcc.length != MfccSpec.COEFFICIENTS
        || target.length != TARGET_VALUES) {
      throw new IllegalArgumentException("frame sample arrays do not have the layout's sizes");
    }
  }

  /**
   * Writes the frame as the model's input at {@code dst[offset ..]}: BGR reversed to RGB and scaled
   * by 1/255, as {@link AudioVisualSecond#rgb} does.
   */
  public void rgbInto(float[] dst, int offset) {
    rgbInto(dst, offset, false);
  }

  /**
   * As {@link #rgbInto(float[], int)}, left-right mirrored when {@code mirrored}: column x of each
   * row is written to column width − 1 − x.
   */
  public void rgbInto(float[] dst, int offset, boolean mirrored) {
    int width = ModelShapes.FRAME_WIDTH;
    int rowValues = width * 3;
    for (int row = 0; row < ModelShapes.FRAME_HEIGHT; row++) {
      int start = row * rowValues;
      for (int x = 0; x < width; x++) {
        int p = start + x * 3;
        int q = offset + start + (mirrored ? width - 1 - x : x) * 3;
        dst[q] = (bgr[p + 2] & 0xff) / 255f;
        dst[q + 1] = (bgr[p + 1] & 0xff) / 255f;
        dst[q + 2] = (bgr[p] & 0xff) / 255f;
      }
    }
  }

  /**
   * Writes a 36 x 48 x 12 acoustic image (in the model's orientation, columns left to right as in
   * the frame) left-right mirrored into {@code dst[offset ..]}: the image of the mirrored scene,
   * since the look grid is symmetric about the frame's vertical axis.
   */
  public static void mirrorImageInto(float[] image, float[] dst, int offset) {
    if (image.length != TARGET_VALUES) {
      throw new IllegalArgumentException(
          "an acoustic image has " + TARGET_VALUES + " values, got " + image.length);
    }
    int cols = ModelShapes.COLS;
    int depth = AudioVisualSecond.IMAGE_DEPTH;
    for (int row = 0; row < ModelShapes.ROWS; row++) {
      for (int col = 0; col < cols; col++) {
        System.arraycopy(
            image,
            (row * cols + col) * depth,
            dst,
            offset + (row * cols + cols - 1 - col) * depth,
            depth);
      }
    }
  }

  /** The frame as the model's input, a new array of 224 x 298 x 3 floats. */
  public float[] rgb() {
    float[] out = new float[RGB_VALUES];
    rgbInto(out, 0);
    return out;
  }

  /**
   * The background-noise target of §4.3: the low-passed MFCC tiled to every pixel of a 36 x 48 x 12
   * image.
   */
  public float[] noiseTarget() {
    return tile(noiseMfcc);
  }

  /** {@code coefficients} (12 values) repeated at every pixel of a 36 x 48 x 12 image. */
  public static float[] tile(float[] coefficients) {
    int c = MfccSpec.COEFFICIENTS;
    if (coefficients.length != c) {
      throw new IllegalArgumentException(
          "tiling needs 12 coefficients, got " + coefficients.length);
    }
    float[] out = new float[TARGET_VALUES];
    for (int p = 0; p < TARGET_VALUES; p += c) {
      System.arraycopy(coefficients, 0, out, p, c);
    }
    return out;
  }

  /** True when the annotations put at least one sounding object on this frame. */
  public boolean hasBoxes() {
    return !boxes.isEmpty();
  }
}
