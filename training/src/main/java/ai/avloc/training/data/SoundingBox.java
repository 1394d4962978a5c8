package ai.avloc.training.data;

import ai.avloc.schemas.ModelShapes;

/**
 * A sounding object's box on a 224 (H) x 298 (W) frame, in pixels: columns {@code [x0, x1)} and
 * rows {@code [y0, y1)}, the end exclusive as a numpy slice, already clipped to the frame. The
 * dataset provides these boxes and the metrics score maps against them (an annotator's box of the
 * cIoU metric); a box is never empty, so no placeholder for an unused annotator slot exists.
 *
 * @param classId the object's class, or -1 when the annotation gives none
 */
public record SoundingBox(int x0, int y0, int x1, int y1, long classId) {
  public SoundingBox {
    if (x0 < 0 || y0 < 0 || x1 > ModelShapes.FRAME_WIDTH || y1 > ModelShapes.FRAME_HEIGHT) {
      throw new IllegalArgumentException(
          "box " + x0 + "," + y0 + "," + x1 + "," + y1 + " is not inside the 298x224 frame");
    }
    if (x1 <= x0 || y1 <= y0) {
      throw new IllegalArgumentException(
          "box " + x0 + "," + y0 + "," + x1 + "," + y1 + " is empty");
    }
  }

  /**
   * Clips a box given in (possibly fractional) pixel coordinates to the frame: the start rounded
   * down, the end up, so the box covers every pixel it touches.
   *
   * @return the clipped box, or null when nothing of it is on the frame
   */
  public static SoundingBox clipped(double x0, double y0, double x1, double y1, long classId) {
    int left = (int) Math.max(0, Math.floor(Math.min(x0, x1)));
    int top = (int) Math.max(0, Math.floor(Math.min(y0, y1)));
    int right = (int) Math.min(ModelShapes.FRAME_WIDTH, Math.ceil(Math.max(x0, x1)));
    int bottom = (int) Math.min(ModelShapes.FRAME_HEIGHT, Math.ceil(Math.max(y0, y1)));
    if (right <= left || bottom <= top) {
      return null;
    }
    return new SoundingBox(left, top, right, bottom, classId);
  }

  /** Pixels covered. */
  public int area() {
    return (x1 - x0) * (y1 - y0);
  }
}
