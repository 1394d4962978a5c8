package ai.avloc.training.metrics;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.training.data.SoundingBox;
import java.util.List;

/**
 * Localization metrics of the U-VAE paper (design note uvae-reference.md, sections 5.2 and 5.3).
 *
 * <ul>
 *   <li>IoU between a ground-truth and a generated energy map, both binarized at their own mean at
 *       map resolution (ACIVW / AVIA).
 *   <li>Consensus IoU (cIoU) between a generated energy map and the annotators' boxes on the 224 x
 *       298 frame (Flickr-SoundNet).
 *   <li>Success rate over the thresholds 0.0, 0.1, ..., 1.0 and the area under that curve.
 * </ul>
 *
 * <p>Energy maps are {@code float[]} in row-major order; where the shape matters it is passed as
 * {@code rows, cols} (36 x 48 for the paper's maps). All methods are pure functions.
 */
public final class LocalizationMetrics {

  /** Number of success-rate thresholds: 0.0, 0.1, ..., 1.0. */
  private static final int THRESHOLD_COUNT = 11;

  /** Value one annotator's box adds to the consensus map. */
  private static final float ANNOTATOR_WEIGHT = 0.5f;

  private LocalizationMetrics() {}

  /**
   * Binarizes an energy map at its mean.
   *
   * @param energy energy values, any shape
   * @return {@code mask[i] = energy[i] > mean(energy)}, the mean taken in double precision
   */
  public static boolean[] aboveMean(float[] energy) {
    double sum = 0;
    for (float e : energy) {
      sum += e;
    }
    double mean = sum / energy.length;
    boolean[] mask = new boolean[energy.length];
    for (int i = 0; i < energy.length; i++) {
      mask[i] = energy[i] > mean;
    }
    return mask;
  }

  /**
   * IoU of two energy maps as in the reference's ACIVW / AVIA evaluation: each map is binarized at
   * its own mean, without resizing, and the score is |A AND B| / |A OR B|.
   *
   * @param energyTruth energy map of the ground-truth acoustic image
   * @param energyPredicted energy map of the generated acoustic image, same length
   * @return the IoU in [0, 1]
   * @throws IllegalArgumentException if the lengths differ
   */
  public static double iou(float[] energyTruth, float[] energyPredicted) {
    if (energyTruth.length != energyPredicted.length) {
      throw new IllegalArgumentException(
          "Energy maps differ in length: truth has "
              + energyTruth.length
              + " values, prediction has "
              + energyPredicted.length);
    }
    boolean[] truth = aboveMean(energyTruth);
    boolean[] predicted = aboveMean(energyPredicted);
    int intersection = 0;
    int union = 0;
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] && predicted[i]) {
        intersection++;
      }
      if (truth[i] || predicted[i]) {
        union++;
      }
    }
    if (union == 0) {
      // Both masks are empty (e.g. two constant maps): the maps agree everywhere, so we score a
      // perfect match rather than the 0/0 = NaN the reference's plain division would give.
      return 1.0;
    }
    return (double) intersection / union;
  }

  /**
   * The success-rate thresholds of the reference.
   *
   * @return the 11 values 0.0, 0.1, ..., 1.0, each computed as {@code i / 10.0}
   */
  public static double[] thresholds() {
    double[] t = new double[THRESHOLD_COUNT];
    for (int i = 0; i < THRESHOLD_COUNT; i++) {
      t[i] = i / 10.0;
    }
    return t;
  }

  /**
   * Success rate per threshold: the fraction of scores strictly above each threshold of {@link
   * #thresholds()} (a score equal to the threshold is not a success, as in the reference).
   *
   * @param scores IoU or cIoU of each evaluated frame
   * @return 11 fractions, one per threshold
   * @throws IllegalArgumentException if there are no scores
   */
  public static double[] successRate(double[] scores) {
    if (scores.length == 0) {
      throw new IllegalArgumentException("Success rate needs at least one score, got 0");
    }
    double[] t = thresholds();
    double[] rate = new double[t.length];
    for (int k = 0; k < t.length; k++) {
      int successes = 0;
      for (double s : scores) {
        if (s > t[k]) {
          successes++;
        }
      }
      rate[k] = (double) successes / scores.length;
    }
    return rate;
  }

  /**
   * Area under the success-rate curve by the trapezoid rule over the 11 thresholds, as {@code
   * sklearn.metrics.auc(thresholds, successRate)} computes it.
   *
   * @param successRate the 11 values from {@link #successRate(double[])}
   * @return the area, in [0, 1] for rates in [0, 1]
   * @throws IllegalArgumentException if there are not exactly 11 values
   */
  public static double auc(double[] successRate) {
    double[] t = thresholds();
    if (successRate.length != t.length) {
      throw new IllegalArgumentException(
          "AUC needs one success rate per threshold: expected "
              + t.length
              + " values, got "
              + successRate.length);
    }
    double area = 0;
    for (int k = 1; k < t.length; k++) {
      area += (t[k] - t[k - 1]) * (successRate[k] + successRate[k - 1]) / 2.0;
    }
    return area;
  }

  /**
   * Consensus map of the annotators' boxes: every used box adds 0.5 over its pixels and the sum is
   * clipped at 1, so each pixel is 0 (no annotator), 0.5 (one) or 1 (two or more). Parts of a box
   * beyond a {@code height x width} frame smaller than the 224 x 298 one are cut off.
   *
   * @param boxes annotator boxes in pixels of a {@code height x width} frame
   * @param height frame height in pixels
   * @param width frame width in pixels
   * @return the map, row-major, {@code height * width} values
   */
  public static float[] consensusMap(List<SoundingBox> boxes, int height, int width) {
    requirePositiveShape("frame", height, width);
    float[] g = new float[height * width];
    for (SoundingBox box : boxes) {
      int yEnd = Math.min(box.y1(), height);
      int xEnd = Math.min(box.x1(), width);
      for (int y = box.y0(); y < yEnd; y++) {
        for (int x = box.x0(); x < xEnd; x++) {
          int i = y * width + x;
          g[i] = Math.min(1f, g[i] + ANNOTATOR_WEIGHT);
        }
      }
    }
    return g;
  }

  /**
   * Upsamples a binary mask the way the reference does: the mask becomes 0/1 floats, is resized to
   * {@code height x width} with OpenCV's {@code cv2.resize(..., INTER_LINEAR)} rule (see {@link
   * #resizeLinear}), and is thresholded at {@code > 0.5}.
   *
   * @param mask row-major mask of {@code rows x cols}
   * @return row-major mask of {@code height x width}
   * @throws IllegalArgumentException if the mask length is not {@code rows * cols} or a size is not
   *     positive
   */
  public static boolean[] upsampleMask(boolean[] mask, int rows, int cols, int height, int width) {
    requireLength("mask", mask.length, rows, cols);
    float[] values = new float[mask.length];
    for (int i = 0; i < mask.length; i++) {
      values[i] = mask[i] ? 1f : 0f;
    }
    float[] resized = resizeLinear(values, rows, cols, height, width);
    boolean[] out = new boolean[resized.length];
    for (int i = 0; i < resized.length; i++) {
      out[i] = resized[i] > 0.5f;
    }
    return out;
  }

  /**
   * True when the energy map's peak cell overlaps one of the boxes on the 224 x 298 frame: the
   * direction a stream publishes lies on a sounding object. The cell (i, j) covers columns
   * [j·W/cols, (j+1)·W/cols) and rows [i·H/rows, (i+1)·H/rows) of the frame, so an object smaller
   * than a cell still counts when the peak's cell touches it. Ties go to the first cell in
   * row-major order.
   */
  public static boolean peakOnBox(float[] energy, int rows, int cols, List<SoundingBox> boxes) {
    requireLength("energy map", energy.length, rows, cols);
    int peak = 0;
    for (int p = 1; p < energy.length; p++) {
      if (energy[p] > energy[peak]) {
        peak = p;
      }
    }
    double x0 = (double) (peak % cols) * ModelShapes.FRAME_WIDTH / cols;
    double x1 = (double) (peak % cols + 1) * ModelShapes.FRAME_WIDTH / cols;
    double y0 = (double) (peak / cols) * ModelShapes.FRAME_HEIGHT / rows;
    double y1 = (double) (peak / cols + 1) * ModelShapes.FRAME_HEIGHT / rows;
    for (SoundingBox b : boxes) {
      if (b.x0() < x1 && x0 < b.x1() && b.y0() < y1 && y0 < b.y1()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Consensus IoU of a generated energy map against the annotators' boxes (reference section 5.3).
   *
   * <p>The prediction P is the energy map binarized at its mean at map resolution, then upsampled
   * with {@link #upsampleMask} to the 224 x 298 frame ({@link ModelShapes}). With g the {@link
   * #consensusMap}: intersection = sum of g over P; union = sum(g) + |P outside g > 0|; cIoU =
   * intersection / union, or 0 when the union is empty (no box and no predicted pixel).
   *
   * @param energy row-major energy map of {@code rows x cols}
   * @param boxes annotator boxes in pixels of the 224 x 298 frame
   * @return the cIoU in [0, 1]
   * @throws IllegalArgumentException if the energy length is not {@code rows * cols}
   */
  public static double ciou(float[] energy, int rows, int cols, List<SoundingBox> boxes) {
    requireLength("energy map", energy.length, rows, cols);
    boolean[] predicted =
        upsampleMask(
            aboveMean(energy), rows, cols, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    float[] g = consensusMap(boxes, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    double intersection = 0;
    double consensusSum = 0;
    int predictedOutside = 0;
    for (int i = 0; i < g.length; i++) {
      consensusSum += g[i];
      if (predicted[i]) {
        if (g[i] > 0) {
          intersection += g[i];
        } else {
          predictedOutside++;
        }
      }
    }
    // Equals the reference's sum([g > 0 OR P]) + sum(g - [g > 0]): a pixel inside the boxes counts
    // with its consensus weight whether predicted or not, a predicted pixel outside counts 1.
    double union = consensusSum + predictedOutside;
    return union == 0 ? 0.0 : intersection / union;
  }

  /**
   * Bilinear resize with OpenCV's {@code INTER_LINEAR} rule for float images. Each output index
   * {@code d} maps to the source coordinate {@code (d + 0.5) * scale - 0.5} (pixel centres aligned,
   * not corners), with {@code scale = 1 / (dst / src)} as OpenCV forms it. The coordinate is split
   * into an integer index and a fraction; below index 0 it is clamped to index 0 with fraction 0,
   * at or beyond the last index to the last index with fraction 0, so border pixels replicate. Each
   * source row is resized horizontally first, then pairs of those rows are blended vertically, with
   * single-precision weights {@code 1 - f, f} and float sums, as OpenCV does for a float32 image.
   * Matching the rounding matters because 0/1 masks land exactly on 0.5 at some pixels (e.g. output
   * column 74 of 298 sits halfway between source columns 11 and 12 of 48), and which side of the
   * {@code > 0.5} threshold they fall on follows the float arithmetic. Checked against OpenCV
   * 4.5.2's cv2.resize on float32 input: identical masks. If the reference fed float64 masks,
   * OpenCV sums in double and a few such ties (about 4 pixels per million) fall the other way.
   */
  static float[] resizeLinear(float[] src, int rows, int cols, int height, int width) {
    requireLength("source image", src.length, rows, cols);
    requirePositiveShape("target", height, width);
    int[] x0 = new int[width];
    float[] fx = new float[width];
    sourceTaps(cols, width, x0, fx);
    int[] y0 = new int[height];
    float[] fy = new float[height];
    sourceTaps(rows, height, y0, fy);

    // Horizontal pass over every source row.
    float[] horizontal = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int d = 0; d < width; d++) {
        int left = x0[d];
        int right = Math.min(left + 1, cols - 1);
        horizontal[r * width + d] = src[base + left] * (1f - fx[d]) + src[base + right] * fx[d];
      }
    }
    // Vertical pass blending two horizontally resized rows.
    float[] out = new float[height * width];
    for (int d = 0; d < height; d++) {
      int top = y0[d];
      int bottom = Math.min(top + 1, rows - 1);
      float wTop = 1f - fy[d];
      float wBottom = fy[d];
      for (int x = 0; x < width; x++) {
        out[d * width + x] =
            horizontal[top * width + x] * wTop + horizontal[bottom * width + x] * wBottom;
      }
    }
    return out;
  }

  /** Source index and fraction for each destination index along one axis (see resizeLinear). */
  private static void sourceTaps(int srcSize, int dstSize, int[] index, float[] fraction) {
    double scale = 1.0 / ((double) dstSize / srcSize);
    for (int d = 0; d < dstSize; d++) {
      float f = (float) ((d + 0.5) * scale - 0.5);
      int s = (int) Math.floor(f);
      f -= s;
      if (s < 0) {
        s = 0;
        f = 0f;
      }
      if (s >= srcSize - 1) {
        s = srcSize - 1;
        f = 0f;
      }
      index[d] = s;
      fraction[d] = f;
    }
  }

  private static void requireLength(String what, int length, int rows, int cols) {
    requirePositiveShape(what, rows, cols);
    if ((long) rows * cols != length) {
      throw new IllegalArgumentException(
          what
              + " has "
              + length
              + " values, expected rows * cols = "
              + rows
              + " * "
              + cols
              + " = "
              + (long) rows * cols);
    }
  }

  private static void requirePositiveShape(String what, int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          what + " size must be positive, got " + rows + " x " + cols);
    }
  }
}
