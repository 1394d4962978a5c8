package ai.avloc.acoustics.energy;

/**
 * One local maximum of a map (an energy map or a beamforming power map), as found by {@link
 * PeakFinder}.
 *
 * @param row grid row of the peak cell, 0 at the top of the image
 * @param col grid column of the peak cell, 0 at the left of the image
 * @param u normalized image x of the cell centre, {@code (col + 0.5) / cols}, in (0, 1)
 * @param v normalized image y of the cell centre, {@code (row + 0.5) / rows}, in (0, 1), growing
 *     downwards
 * @param value the map's value at the peak cell
 * @param contrast height of the peak above the map's median relative to that median, {@code (value
 *     - median) / |median|}; scale-free, so energy maps (parts per thousand) and power maps (orders
 *     of magnitude) read alike. 0 when the value equals the median; infinite when the median is 0
 *     and the value is not
 * @param region the half-height area around the peak
 */
public record Peak(
    int row, int col, double u, double v, double value, double contrast, Region region) {

  /**
   * The 4-connected set of cells that contains the peak and whose values are at least {@code median
   * + 0.5 * (value - median)}, i.e. at or above half the peak's height over the map's median: a
   * scale-free footprint of the peak.
   *
   * @param rowMin first row of the bounding box (inclusive)
   * @param colMin first column of the bounding box (inclusive)
   * @param rowMax last row of the bounding box (inclusive)
   * @param colMax last column of the bounding box (inclusive)
   * @param uMin left edge of the box in normalized image x, {@code colMin / cols}
   * @param vMin top edge of the box in normalized image y, {@code rowMin / rows}
   * @param uMax right edge of the box in normalized image x, {@code (colMax + 1) / cols}
   * @param vMax bottom edge of the box in normalized image y, {@code (rowMax + 1) / rows}
   * @param cells number of cells in the region (at most the box's area)
   */
  public record Region(
      int rowMin,
      int colMin,
      int rowMax,
      int colMax,
      double uMin,
      double vMin,
      double uMax,
      double vMax,
      int cells) {}
}
