package ai.avloc.alerts;

import ai.avloc.schemas.ImagePoint;
import java.util.List;

/**
 * A rule's zone: a polygon in normalized image coordinates (u to the right, v down, both in [0,
 * 1]), or the whole image when it has no points. Points on the polygon's boundary are inside, so a
 * zone drawn along the image edge keeps the peaks on that edge.
 */
public final class Zone {
  /** Tolerance for "on the boundary"; far below the 1/48 cell width of the energy map. */
  private static final double EDGE_EPSILON = 1e-9;

  private final double[] u;
  private final double[] v;

  private Zone(double[] u, double[] v) {
    this.u = u;
    this.v = v;
  }

  /** The zone of these points, taken as they are; {@link RuleValidation} checks them first. */
  public static Zone of(List<ImagePoint> points) {
    double[] u = new double[points.size()];
    double[] v = new double[points.size()];
    for (int i = 0; i < u.length; i++) {
      u[i] = points.get(i).getU();
      v[i] = points.get(i).getV();
    }
    return new Zone(u, v);
  }

  public boolean isWholeImage() {
    return u.length == 0;
  }

  /** Whether the point lies inside the zone or on its boundary; NaN is never inside. */
  public boolean contains(double pu, double pv) {
    if (!Double.isFinite(pu) || !Double.isFinite(pv)) {
      return false;
    }
    if (isWholeImage()) {
      return pu >= 0 && pu <= 1 && pv >= 0 && pv <= 1;
    }
    int n = u.length;
    boolean inside = false;
    for (int i = 0, j = n - 1; i < n; j = i++) {
      if (onSegment(pu, pv, u[j], v[j], u[i], v[i])) {
        return true;
      }
      // ray casting: count the edges that a ray from the point towards +u crosses
      if ((v[i] > pv) != (v[j] > pv)) {
        double crossingU = u[i] + (pv - v[i]) * (u[j] - u[i]) / (v[j] - v[i]);
        if (pu < crossingU) {
          inside = !inside;
        }
      }
    }
    return inside;
  }

  private static boolean onSegment(
      double pu, double pv, double au, double av, double bu, double bv) {
    double cross = (bu - au) * (pv - av) - (bv - av) * (pu - au);
    if (Math.abs(cross) > EDGE_EPSILON) {
      return false;
    }
    return pu >= Math.min(au, bu) - EDGE_EPSILON
        && pu <= Math.max(au, bu) + EDGE_EPSILON
        && pv >= Math.min(av, bv) - EDGE_EPSILON
        && pv <= Math.max(av, bv) + EDGE_EPSILON;
  }

  /**
   * The first pair of edges that cross, as their indices (edge i runs from point i to point i + 1),
   * or null when the polygon is simple. Neighbouring edges share a point and do not count; a
   * self-crossing polygon has no inside a user can mean (ray casting would count a bow tie's
   * overlap as outside).
   */
  public int[] firstCrossing() {
    int n = u.length;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        boolean neighbours = j == i + 1 || (i == 0 && j == n - 1);
        if (!neighbours && segmentsTouch(i, (i + 1) % n, j, (j + 1) % n)) {
          return new int[] {i, j};
        }
      }
    }
    return null;
  }

  private boolean segmentsTouch(int a, int b, int c, int d) {
    double d1 = orientation(c, d, a);
    double d2 = orientation(c, d, b);
    double d3 = orientation(a, b, c);
    double d4 = orientation(a, b, d);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
      return true;
    }
    return (d1 == 0 && onSegment(u[a], v[a], u[c], v[c], u[d], v[d]))
        || (d2 == 0 && onSegment(u[b], v[b], u[c], v[c], u[d], v[d]))
        || (d3 == 0 && onSegment(u[c], v[c], u[a], v[a], u[b], v[b]))
        || (d4 == 0 && onSegment(u[d], v[d], u[a], v[a], u[b], v[b]));
  }

  /** Sign of the turn from segment p→q to point r: positive left, negative right, 0 on the line. */
  private double orientation(int p, int q, int r) {
    double cross = (u[q] - u[p]) * (v[r] - v[p]) - (v[q] - v[p]) * (u[r] - u[p]);
    return Math.abs(cross) <= EDGE_EPSILON ? 0 : cross;
  }

  /** Absolute area by the shoelace formula; 0 for the whole image (no points). */
  public double area() {
    double twice = 0;
    for (int i = 0, j = u.length - 1; i < u.length; j = i++) {
      twice += u[j] * v[i] - u[i] * v[j];
    }
    return Math.abs(twice) / 2;
  }
}
