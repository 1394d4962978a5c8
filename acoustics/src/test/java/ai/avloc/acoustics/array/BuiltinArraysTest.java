package ai.avloc.acoustics.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinArraysTest {

  private static double[] extent(MicArray array, int axis) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int m = 0; m < array.size(); m++) {
      double v = array.position(m)[axis];
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new double[] {min, max};
  }

  @Test
  void dualcam128ShouldHave128MicrophonesInsideTheHalfMetreSquareInPlaneZ0() {
    MicArray array = BuiltinArrays.dualcam128();

    assertEquals(128, array.size());
    assertEquals("dualcam128", array.name());
    for (int m = 0; m < array.size(); m++) {
      double[] p = array.position(m);
      assertTrue(
          Math.abs(p[0]) <= 0.25 && Math.abs(p[1]) <= 0.25,
          "microphone " + m + " outside the square");
      assertEquals(0.0, p[2], "microphone " + m + " z");
    }
  }

  @Test
  void dualcam128ShouldSpanAtLeast45CentimetresInXAndY() {
    MicArray array = BuiltinArrays.dualcam128();

    double[] x = extent(array, 0);
    double[] y = extent(array, 1);

    assertTrue(x[1] - x[0] >= 0.45, "x span " + (x[1] - x[0]));
    assertTrue(y[1] - y[0] >= 0.45, "y span " + (y[1] - y[0]));
  }

  @Test
  void dualcam128ShouldBeCentredWithin2CentimetresAndSpacedMoreThan1Centimetre() {
    MicArray array = BuiltinArrays.dualcam128();

    double[] c = array.centroid();

    assertTrue(Math.hypot(c[0], c[1]) < 0.02, "centroid offset " + Math.hypot(c[0], c[1]));
    assertEquals(0.0, c[2]);
    assertTrue(array.minSpacing() > 0.01, "min spacing " + array.minSpacing());
  }

  @Test
  void dualcam128ShouldBeDeterministic() {
    double[][] first = BuiltinArrays.dualcam128().positions();

    assertEquals(new MicArray("dualcam128", first), BuiltinArrays.byName("dualcam128"));
  }

  @Test
  void vogel64ShouldHave64MicrophonesWithAnApertureJustUnderOneMetre() {
    MicArray array = BuiltinArrays.vogel64();

    assertEquals(64, array.size());
    assertTrue(array.aperture() >= 0.95 && array.aperture() <= 1.0, "aperture " + array.aperture());
    assertEquals(0.0, array.centroid()[2]);
  }

  @Test
  void vogel64ShouldFollowTheSpiralFormula() {
    MicArray array = BuiltinArrays.vogel64();
    double golden = Math.PI * (3 - Math.sqrt(5));

    double[] p10 = array.position(10);

    assertEquals(0.5 * Math.sqrt(10.5 / 64), Math.hypot(p10[0], p10[1]), 1e-15);
    assertEquals(
        0.5 * Math.sqrt(63.5 / 64),
        Math.hypot(array.position(63)[0], array.position(63)[1]),
        1e-15);
    assertEquals(Math.cos(10 * golden), p10[0] / Math.hypot(p10[0], p10[1]), 1e-12);
  }

  @Test
  void byNameShouldReturnEachBuiltinAndListThemInNames() {
    assertEquals(
        List.of("dualcam128", "vogel64", "respeaker4", "respeaker6", "uma16"),
        BuiltinArrays.names());
    assertSame(BuiltinArrays.dualcam128(), BuiltinArrays.byName("dualcam128"));
    assertSame(BuiltinArrays.vogel64(), BuiltinArrays.byName("Vogel64"));
  }

  @Test
  void byNameShouldListTheKnownNamesForAnUnknownName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BuiltinArrays.byName("ring32"));

    assertEquals(
        "unknown built-in array 'ring32', known: dualcam128, vogel64, respeaker4, respeaker6, uma16",
        e.getMessage());
  }

  @Test
  void respeaker4ShouldBeASquareOn32MillimetreRadiusInOdasOrder() {
    MicArray array = BuiltinArrays.byName("respeaker4");

    assertEquals(4, array.size());
    assertEquals(0.032 * Math.sqrt(2), array.minSpacing(), 1e-12);
    assertEquals(0.064, array.aperture(), 1e-12);
    assertArrayEquals(new double[] {-0.032, 0, 0}, array.position(0), 1e-12);
    assertArrayEquals(new double[] {0, -0.032, 0}, array.position(1), 1e-12);
    assertArrayEquals(new double[] {0.032, 0, 0}, array.position(2), 1e-12);
    assertArrayEquals(new double[] {0, 0.032, 0}, array.position(3), 1e-12);
  }

  @Test
  void respeaker6ShouldBeAHexagonOf46Point3MillimetreRadiusMatchingOdasToATenthOfAMillimetre() {
    MicArray array = BuiltinArrays.respeaker6();
    double[][] odas = {
      {-0.0232, 0.0401, 0}, {-0.0463, 0, 0}, {-0.0232, -0.0401, 0},
      {0.0232, -0.0401, 0}, {0.0463, 0, 0}, {0.0232, 0.0401, 0}
    };

    assertEquals(6, array.size());
    for (int m = 0; m < 6; m++) {
      double[] p = array.position(m);
      assertEquals(0.0463, Math.hypot(p[0], p[1]), 1e-12, "radius of microphone " + m);
      assertArrayEquals(odas[m], p, 0.00006, "microphone " + m);
    }
    assertEquals(0.0463, array.minSpacing(), 1e-12);
    assertEquals(0.0926, array.aperture(), 1e-12);
  }

  @Test
  void uma16ShouldBeA4x4GridOf42MillimetrePitchCentredOnTheBoard() {
    MicArray array = BuiltinArrays.uma16();

    assertEquals(16, array.size());
    assertEquals(0.042, array.minSpacing(), 1e-12);
    assertEquals(0.126 * Math.sqrt(2), array.aperture(), 1e-12);
    assertArrayEquals(new double[] {0, 0, 0}, array.centroid(), 1e-15);
    assertArrayEquals(new double[] {0.021, -0.063, 0}, array.position(0), 1e-12);
    assertArrayEquals(new double[] {0.063, -0.063, 0}, array.position(1), 1e-12);
    assertArrayEquals(new double[] {-0.063, 0.063, 0}, array.position(8), 1e-12);
    assertArrayEquals(new double[] {-0.021, -0.063, 0}, array.position(15), 1e-12);
    double[] x = extent(array, 0);
    double[] y = extent(array, 1);
    assertEquals(0.126, x[1] - x[0], 1e-12);
    assertEquals(0.126, y[1] - y[0], 1e-12);
  }
}
