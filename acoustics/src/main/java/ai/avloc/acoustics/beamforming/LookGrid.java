package ai.avloc.acoustics.beamforming;

/**
 * Where the beamformer looks: a rows x cols grid, row 0 at the top of the image. Either far-field
 * directions through a camera's pinhole model (unit vectors), or focus points at a finite distance
 * (Acoular-style rectangular grid in the plane z = const, row index following y).
 *
 * <p>Frame: camera at the origin looking along +z, x to the right of the image, y down.
 */
public final class LookGrid {
  private final int rows;
  private final int cols;
  private final double[][] vectors;
  private final boolean farField;
  private final String description;

  private LookGrid(int rows, int cols, double[][] vectors, boolean farField, String description) {
    this.rows = rows;
    this.cols = cols;
    this.vectors = vectors;
    this.farField = farField;
    this.description = description;
  }

  /**
   * Far-field directions of pixel (i, j): toward (tan(hfov/2)(2u-1), tan(vfov/2)(2v-1), 1) with u =
   * (j + 0.5)/cols, v = (i + 0.5)/rows, so acoustic pixel (i, j) sees what RGB pixel (v H, u W)
   * sees.
   */
  public static LookGrid cameraFov(double hfovDeg, double vfovDeg, int rows, int cols) {
    checkFov(hfovDeg, "horizontal");
    checkFov(vfovDeg, "vertical");
    checkSize(rows, cols);
    double tx = Math.tan(Math.toRadians(hfovDeg) / 2);
    double ty = Math.tan(Math.toRadians(vfovDeg) / 2);
    double[][] v = new double[rows * cols][];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double x = tx * (2 * (j + 0.5) / cols - 1);
        double y = ty * (2 * (i + 0.5) / rows - 1);
        double n = Math.sqrt(x * x + y * y + 1);
        v[i * cols + j] = new double[] {x / n, y / n, 1 / n};
      }
    }
    return new LookGrid(
        rows,
        cols,
        v,
        true,
        String.format("camera field of view %.1fx%.1f deg, %dx%d", hfovDeg, vfovDeg, rows, cols));
  }

  /** The paper's 36x48 grid over a camera's field of view. */
  public static LookGrid cameraFov(double hfovDeg, double vfovDeg) {
    return cameraFov(hfovDeg, vfovDeg, 36, 48);
  }

  /**
   * Focus points x0..x1 (nx points) by y0..y1 (ny points) in the plane at distance z, both ends
   * included; map row r holds y = y0 + r (y1 - y0)/(ny - 1).
   */
  public static LookGrid focusPlane(
      double x0, double x1, int nx, double y0, double y1, int ny, double z) {
    checkSize(ny, nx);
    if (!(z > 0) || !Double.isFinite(z)) {
      throw new IllegalArgumentException("focus distance z must be positive, got " + z);
    }
    double[][] v = new double[ny * nx][];
    for (int r = 0; r < ny; r++) {
      for (int c = 0; c < nx; c++) {
        double x = nx == 1 ? x0 : x0 + (x1 - x0) * c / (nx - 1);
        double y = ny == 1 ? y0 : y0 + (y1 - y0) * r / (ny - 1);
        v[r * nx + c] = new double[] {x, y, z};
      }
    }
    return new LookGrid(
        ny,
        nx,
        v,
        false,
        String.format(
            "focus plane x %.3g..%.3g (%d), y %.3g..%.3g (%d) at z=%.3g m",
            x0, x1, nx, y0, y1, ny, z));
  }

  private static void checkFov(double deg, String which) {
    if (!(deg > 0 && deg < 180)) {
      throw new IllegalArgumentException(
          which + " field of view must be in (0, 180) degrees, got " + deg);
    }
  }

  private static void checkSize(int rows, int cols) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(
          "a look grid needs at least one point, got " + rows + " rows x " + cols + " columns");
    }
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int size() {
    return rows * cols;
  }

  /**
   * Unit direction (far field) or focus point in metres (near field) of grid point {@code index}.
   */
  public double[] vector(int index) {
    return vectors[index].clone();
  }

  double[][] vectors() {
    return vectors;
  }

  public boolean farField() {
    return farField;
  }

  /** Grid cell (fractional row, col) nearest to a direction, for far-field camera grids. */
  public int nearestIndex(double[] directionOrPoint) {
    double[] q = directionOrPoint;
    if (farField) {
      double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
      q = new double[] {q[0] / n, q[1] / n, q[2] / n};
    }
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vectors.length; i++) {
      double[] v = vectors[i];
      double score =
          farField
              ? v[0] * q[0] + v[1] * q[1] + v[2] * q[2]
              : -((v[0] - q[0]) * (v[0] - q[0])
                  + (v[1] - q[1]) * (v[1] - q[1])
                  + (v[2] - q[2]) * (v[2] - q[2]));
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return description;
  }
}
