package ai.avloc.acoustics.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MicArrayTest {

  private static final double EPS = 1e-12;

  /** A 0.2 m square centred on (0.1, 0, 0), microphones counter-clockwise from the lower left. */
  private static MicArray square() {
    return new MicArray(
        "square",
        new double[][] {
          {0.0, -0.1, 0.0},
          {0.2, -0.1, 0.0},
          {0.2, 0.1, 0.0},
          {0.0, 0.1, 0.0},
        });
  }

  @Test
  void shouldComputeCentroidApertureAndMinSpacingOfASquare() {
    MicArray square = square();

    assertEquals(4, square.size());
    assertArrayEquals(new double[] {0.1, 0.0, 0.0}, square.centroid(), EPS);
    assertEquals(0.2 * Math.sqrt(2), square.aperture(), EPS); // the diagonal, 0.2828 m
    assertEquals(0.2, square.minSpacing(), EPS);
  }

  @Test
  void shouldFindTheNearestMicrophoneAndPreferTheLowerIndexOnTies() {
    MicArray square = square();

    assertEquals(2, square.nearestTo(0.25, 0.2, 0.0));
    assertEquals(3, square.nearestTo(-0.05, 0.08, 1.0));
    // The centre is equidistant from all four microphones.
    assertEquals(0, square.nearestTo(0.1, 0.0, 0.0));
  }

  @Test
  void shouldGiveZeroApertureAndInfiniteMinSpacingForOneMicrophone() {
    MicArray single = new MicArray("one", new double[][] {{0.01, 0.02, 0.0}});

    assertEquals(0.0, single.aperture());
    assertEquals(Double.POSITIVE_INFINITY, single.minSpacing());
    assertArrayEquals(new double[] {0.01, 0.02, 0.0}, single.centroid(), EPS);
  }

  @Test
  void shouldRejectCoincidentMicrophonesNamingBothIndices() {
    double[][] positions = new double[18][];
    for (int m = 0; m < positions.length; m++) {
      positions[m] = new double[] {0.01 * m, 0.0, 0.0};
    }
    positions[17] = new double[] {0.03 + 4e-7, 0.0, 0.0}; // within 1e-6 m of microphone 3

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new MicArray("dup", positions));

    assertTrue(
        e.getMessage().contains("microphones 3 and 17 coincide at (0.03, 0.0, 0.0)"),
        e.getMessage());
  }

  @Test
  void shouldAcceptMicrophonesJustFartherApartThanTheTolerance() {
    MicArray pair = new MicArray("pair", new double[][] {{0.0, 0.0, 0.0}, {2e-6, 0.0, 0.0}});

    assertEquals(2e-6, pair.minSpacing(), 1e-18);
  }

  @Test
  void shouldRejectNaNCoordinateNamingTheMicrophone() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MicArray("bad", new double[][] {{0, 0, 0}, {0.1, 0, 0}, {0.2, Double.NaN, 0}}));

    assertTrue(
        e.getMessage().contains("microphone 2 has a non-finite y coordinate"), e.getMessage());
  }

  @Test
  void shouldRejectInfiniteCoordinate() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MicArray("bad", new double[][] {{0, 0, Double.POSITIVE_INFINITY}}));

    assertTrue(
        e.getMessage().contains("microphone 0 has a non-finite z coordinate"), e.getMessage());
  }

  @Test
  void shouldRejectAnArrayWithoutMicrophones() {
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> new MicArray("none", new double[0][]));
    IllegalArgumentException nul =
        assertThrows(IllegalArgumentException.class, () -> new MicArray("none", null));

    assertEquals("array 'none': no microphones", empty.getMessage());
    assertEquals("array 'none': no microphones", nul.getMessage());
  }

  @Test
  void shouldRejectARowThatIsNotThreeCoordinates() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new MicArray("bad", new double[][] {{0, 0, 0}, {0.1, 0.2}}));

    assertTrue(
        e.getMessage().contains("microphone 1 has 2 coordinates, expected 3"), e.getMessage());
  }

  @Test
  void shouldRejectABlankName() {
    assertThrows(
        IllegalArgumentException.class, () -> new MicArray(" ", new double[][] {{0, 0, 0}}));
    assertThrows(
        IllegalArgumentException.class, () -> new MicArray(null, new double[][] {{0, 0, 0}}));
  }

  @Test
  void shouldCopyPositionsOnTheWayInAndOut() {
    double[][] positions = {{0.0, 0.0, 0.0}, {0.1, 0.0, 0.0}};
    MicArray array = new MicArray("copy", positions);

    positions[1][0] = 5.0;
    array.positions()[1][0] = 6.0;
    array.position(1)[0] = 7.0;

    assertArrayEquals(new double[] {0.1, 0.0, 0.0}, array.position(1), 0.0);
  }

  @Test
  void shouldCompareByValueSoItCanKeyACache() {
    MicArray a = square();
    MicArray b = square();
    MicArray renamed = new MicArray("other", a.positions());
    double[][] moved = a.positions();
    moved[2][1] = 0.1000001;

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, renamed);
    assertNotEquals(a, new MicArray("square", moved));
  }

  @Test
  void shouldTreatNegativeZeroAsZero() {
    MicArray negative = new MicArray("z", new double[][] {{-0.0, 0.1, -0.0}});
    MicArray positive = new MicArray("z", new double[][] {{0.0, 0.1, 0.0}});

    assertEquals(positive, negative);
    assertEquals(positive.hashCode(), negative.hashCode());
  }

  @Test
  void shouldSummariseInToString() {
    assertEquals("MicArray[name=square, size=4, aperture=0.2828 m]", square().toString());
  }

  @Test
  void shouldRejectAnOutOfRangeMicrophoneIndex() {
    assertThrows(IndexOutOfBoundsException.class, () -> square().position(4));
  }
}
