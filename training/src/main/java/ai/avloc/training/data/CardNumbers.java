package ai.avloc.training.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The numbers of a dataset card, as {@link SyntheticDataset} and {@link SiteDataset} write them.
 */
final class CardNumbers {
  private CardNumbers() {}

  /**
   * A copy of a training/validation/testing split in percent.
   *
   * @throws IllegalArgumentException unless it is three shares of zero or more that add up to 100
   */
  static int[] split(int[] split) {
    if (split.length != 3
        || java.util.Arrays.stream(split).anyMatch(p -> p < 0)
        || java.util.Arrays.stream(split).sum() != 100) {
      throw new IllegalArgumentException(
          "the split needs three percentages that add up to 100, got "
              + java.util.Arrays.toString(split));
    }
    return split.clone();
  }

  /** A number, or null where there is none (JSON has no NaN). */
  static void putNumber(ObjectNode node, String key, double v) {
    if (Double.isFinite(v)) {
      node.put(key, v);
    } else {
      node.putNull(key);
    }
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return (sorted.get((n - 1) / 2) + sorted.get(n / 2)) / 2;
  }

  static double round(double v, int digits) {
    if (!Double.isFinite(v)) {
      return v;
    }
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }
}
