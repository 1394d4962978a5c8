package ai.avloc.training.metrics;

/**
 * One annotator's bounding box on the 224 (H) x 298 (W) Flickr-SoundNet frame, in pixels.
 *
 * <p>The box covers columns {@code x} in {@code [xmin, xmax)} and rows {@code y} in {@code [ymin,
 * ymax)}: the end coordinates are exclusive, as in the numpy slice {@code g[ymin:ymax, xmin:xmax]}
 * of the reference. As with numpy slicing, parts beyond the frame are cut off rather than rejected.
 *
 * <p>A box with {@code xmax == 0} marks an unused annotator slot (the dataset stores a fixed number
 * of slots per image) and is skipped by {@link LocalizationMetrics#consensusMap}.
 */
public record AnnotatorBox(int xmin, int ymin, int xmax, int ymax) {

  /** Rejects negative coordinates and boxes whose end lies before their start. */
  public AnnotatorBox {
    if (xmin < 0 || ymin < 0 || xmax < 0 || ymax < 0) {
      throw new IllegalArgumentException(
          "Box coordinates must be >= 0, got xmin="
              + xmin
              + " ymin="
              + ymin
              + " xmax="
              + xmax
              + " ymax="
              + ymax);
    }
    if (xmin > xmax) {
      throw new IllegalArgumentException("Box needs xmin <= xmax, got " + xmin + " > " + xmax);
    }
    if (ymin > ymax) {
      throw new IllegalArgumentException("Box needs ymin <= ymax, got " + ymin + " > " + ymax);
    }
  }

  /** True for the placeholder of an annotator slot that holds no box ({@code xmax == 0}). */
  public boolean isUnusedSlot() {
    return xmax == 0;
  }
}
