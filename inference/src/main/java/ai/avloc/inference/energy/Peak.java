package ai.avloc.inference.energy;

/**
 * A local maximum of a map.
 *
 * @param row grid row (0 at the top of the image)
 * @param col grid column
 * @param u normalized image x of the cell centre, (col + 0.5) / cols
 * @param v normalized image y of the cell centre, (row + 0.5) / rows, downwards
 * @param value the map's value at the peak
 * @param contrast height above the map's median relative to the median, (value - median) / |median|
 * @param region the half-height area around the peak
 */
public record Peak(int row, int col, double u, double v, double value, double contrast, Region region) {

  /**
   * Connected (4-neighbour) cells around a peak at or above half its height over the median, as an
   * inclusive bounding box in cells and in normalized image coordinates.
   */
  public record Region(int rowMin, int colMin, int rowMax, int colMax, double uMin, double vMin,
      double uMax, double vMax, int cells) {}
}
