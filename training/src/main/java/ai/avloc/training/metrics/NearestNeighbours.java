package ai.avloc.training.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A k-nearest-neighbour classifier over latent vectors, the paper's KNN measure (uvae-reference.md
 * §6.3: sklearn's {@code KNeighborsClassifier(n_neighbors=15)}, Euclidean distance, uniform
 * weights). A query takes the class most of its k nearest reference points have; when classes tie,
 * the tied class whose point is nearest wins (sklearn takes the lowest label). Points at equal
 * distance count in reference order. With fewer than k reference points all of them vote.
 */
public final class NearestNeighbours {
  /** The paper's k. */
  public static final int K = 15;

  private final float[][] points;
  private final long[] labels;
  private final int k;

  /**
   * @param points the reference points, all of one dimension
   * @param labels each point's class
   */
  public NearestNeighbours(float[][] points, long[] labels, int k) {
    if (points.length != labels.length) {
      throw new IllegalArgumentException(
          points.length + " points but " + labels.length + " labels");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    for (float[] p : points) {
      if (p.length != points[0].length) {
        throw new IllegalArgumentException(
            "points of dimensions " + points[0].length + " and " + p.length);
      }
    }
    this.points = points;
    this.labels = labels;
    this.k = k;
  }

  /** Which reference points may not vote for a query: e.g. those of the query's own second. */
  @FunctionalInterface
  public interface Exclusion {
    boolean excludes(int reference);

    Exclusion NONE = reference -> false;
  }

  /**
   * The class of {@code query}, or null when every reference point is excluded.
   *
   * @throws IllegalArgumentException when the query's dimension is not the points'
   */
  public Long classify(float[] query, Exclusion exclusion) {
    int[] nearest = new int[k];
    double[] distance = new double[k];
    int found = 0;
    for (int i = 0; i < points.length; i++) {
      if (exclusion.excludes(i)) {
        continue;
      }
      double d = squaredDistance(points[i], query);
      if (found == k && !(d < distance[k - 1])) {
        continue;
      }
      // insertion into the sorted k nearest; an equal distance goes after the ones there
      int at = Math.min(found, k - 1);
      while (at > 0 && distance[at - 1] > d) {
        nearest[at] = nearest[at - 1];
        distance[at] = distance[at - 1];
        at--;
      }
      nearest[at] = i;
      distance[at] = d;
      found = Math.min(found + 1, k);
    }
    if (found == 0) {
      return null;
    }
    Map<Long, Integer> votes = new LinkedHashMap<>();
    for (int j = 0; j < found; j++) {
      votes.merge(labels[nearest[j]], 1, Integer::sum);
    }
    int most = votes.values().stream().mapToInt(Integer::intValue).max().getAsInt();
    // the votes map is in order of first appearance, i.e. of each class's nearest point
    for (Map.Entry<Long, Integer> e : votes.entrySet()) {
      if (e.getValue() == most) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("no class had the most votes");
  }

  private static double squaredDistance(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "a query of dimension " + b.length + " against points of " + a.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  /**
   * Accuracy of the classifier overall and per class (the share of each class's queries given their
   * own class).
   *
   * @param queries points classified, each with a class to score against
   * @param perClass per class id: the share of its queries classified right
   */
  public record Accuracy(int queries, double overall, Map<Long, Double> perClass) {
    public Accuracy {
      perClass = Collections.unmodifiableMap(new TreeMap<>(perClass));
    }
  }

  /**
   * Leave-one-group-out accuracy over one set of points: each point is a query classified by all
   * the others outside its group. A point whose group holds every point is not scored.
   *
   * @param groups each point's group, e.g. the dataset second a frame comes from
   * @return the accuracy, or null when no point could be scored
   */
  public static Accuracy leaveGroupOut(float[][] points, long[] labels, Object[] groups, int k) {
    if (groups.length != points.length) {
      throw new IllegalArgumentException(
          points.length + " points but " + groups.length + " groups");
    }
    NearestNeighbours knn = new NearestNeighbours(points, labels, k);
    Long[] predicted = new Long[points.length];
    // queries are independent: spread them over the cores
    IntStream.range(0, points.length)
        .parallel()
        .forEach(
            q -> predicted[q] = knn.classify(points[q], r -> Objects.equals(groups[r], groups[q])));
    int scored = 0;
    int right = 0;
    Map<Long, int[]> byClass = new TreeMap<>();
    for (int q = 0; q < points.length; q++) {
      if (predicted[q] == null) {
        continue;
      }
      int[] c = byClass.computeIfAbsent(labels[q], x -> new int[2]);
      scored++;
      c[1]++;
      if (predicted[q] == labels[q]) {
        right++;
        c[0]++;
      }
    }
    if (scored == 0) {
      return null;
    }
    Map<Long, Double> perClass = new TreeMap<>();
    byClass.forEach((id, c) -> perClass.put(id, (double) c[0] / c[1]));
    return new Accuracy(scored, (double) right / scored, perClass);
  }
}
