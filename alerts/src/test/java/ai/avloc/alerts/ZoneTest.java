package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneTest {
  /** An L: the square [0.2, 0.8]^2 without its top-right quarter [0.5, 0.8] x [0.2, 0.5]. */
  static final Zone L =
      Zone.of(
          List.of(
              point(0.2, 0.2),
              point(0.5, 0.2),
              point(0.5, 0.5),
              point(0.8, 0.5),
              point(0.8, 0.8),
              point(0.2, 0.8)));

  /** Peak positions are floats; test with the same values the app sees. */
  static boolean inside(Zone zone, double u, double v) {
    return zone.contains((float) u, (float) v);
  }

  @Test
  void shouldFindPointsInsideAConcavePolygon() {
    assertTrue(inside(L, 0.3, 0.3)); // top-left arm
    assertTrue(inside(L, 0.7, 0.7)); // bottom-right arm
    assertTrue(inside(L, 0.35, 0.65));
  }

  @Test
  void shouldLeaveOutTheNotchAndEverythingAround() {
    assertFalse(inside(L, 0.7, 0.3), "the missing quarter");
    assertFalse(inside(L, 0.1, 0.5));
    assertFalse(inside(L, 0.9, 0.7));
    assertFalse(inside(L, 0.5, 0.9));
    assertFalse(inside(L, 0.5, 0.1));
  }

  @Test
  void shouldCountTheBoundaryAndTheVerticesAsInside() {
    assertTrue(inside(L, 0.2, 0.5), "left edge");
    assertTrue(inside(L, 0.8, 0.6), "right edge of the lower arm");
    assertTrue(inside(L, 0.6, 0.5), "the notch's bottom edge");
    assertTrue(inside(L, 0.5, 0.2), "a vertex");
    assertTrue(inside(L, 0.5, 0.35), "the notch's left edge");
    assertFalse(inside(L, 0.51, 0.35), "just right of it");
  }

  @Test
  void shouldNotBeFooledByARayThroughAVertex() {
    // the ray from (0.1, 0.5) to +u passes through the vertices (0.5, 0.5) and (0.8, 0.5)
    assertFalse(inside(L, 0.1, 0.5));
    assertTrue(inside(L, 0.3, 0.5));
    assertFalse(inside(L, 0.9, 0.5));
    Zone diamond =
        Zone.of(List.of(point(0.5, 0.1), point(0.9, 0.5), point(0.5, 0.9), point(0.1, 0.5)));
    assertTrue(inside(diamond, 0.5, 0.5));
    assertFalse(inside(diamond, 0.05, 0.5), "ray through two vertices");
    assertFalse(inside(diamond, 0.2, 0.2));
    assertTrue(inside(diamond, 0.3, 0.5));
  }

  @Test
  void shouldTakeEitherWindingOrder() {
    Zone clockwise = Zone.of(List.of(point(0.1, 0.1), point(0.1, 0.4), point(0.4, 0.4)));
    Zone counter = Zone.of(List.of(point(0.4, 0.4), point(0.1, 0.4), point(0.1, 0.1)));
    for (double[] p : new double[][] {{0.15, 0.3}, {0.3, 0.2}, {0.3, 0.35}, {0.39, 0.1}}) {
      assertEquals(inside(clockwise, p[0], p[1]), inside(counter, p[0], p[1]));
    }
    assertTrue(inside(clockwise, 0.15, 0.3));
    assertFalse(inside(clockwise, 0.3, 0.2));
  }

  @Test
  void shouldTakeAnEmptyZoneAsTheWholeImage() {
    Zone whole = Zone.of(List.of());
    assertTrue(whole.isWholeImage());
    assertTrue(inside(whole, 0, 0));
    assertTrue(inside(whole, 1, 1));
    assertTrue(inside(whole, 0.42, 0.7));
    assertFalse(inside(whole, 1.01, 0.5));
  }

  @Test
  void shouldNeverContainNaN() {
    assertFalse(inside(L, Double.NaN, 0.5));
    assertFalse(inside(Zone.of(List.of()), 0.5, Double.NaN));
  }

  @Test
  void shouldMeasureArea() {
    assertEquals(0.36 - 0.09, L.area(), 1e-6);
    assertEquals(0, Zone.of(List.of(point(0, 0), point(0.5, 0.5), point(1, 1))).area(), 1e-12);
  }
}
