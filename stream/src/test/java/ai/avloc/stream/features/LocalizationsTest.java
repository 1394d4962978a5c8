package ai.avloc.stream.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.WindowClock;
import org.junit.jupiter.api.Test;

class LocalizationsTest {
  static Localizations.Window window(float[] map, boolean silent, double maxFlatness) {
    return new Localizations.Window(
        "cam", 100, LocalizationMode.ARRAY, "m", map, 6, 8, silent, maxFlatness, null, 1.0, 5_000);
  }

  /** A 6 x 8 map: median 1, a source of 9 at (2, 5), a dip region with a local maximum of 0.5. */
  static float[] map() {
    float[] m = new float[48];
    java.util.Arrays.fill(m, 1f);
    m[2 * 8 + 5] = 9f;
    for (int r = 4; r < 6; r++) {
      for (int c = 0; c < 3; c++) {
        m[r * 8 + c] = 0.2f;
      }
    }
    m[5 * 8] = 0.5f; // a local maximum inside the dip, below the median
    return m;
  }

  @Test
  void peaksAboveTheMedianOnlyWithTheirPositionAndContrast() {
    Localization l = Localizations.of(window(map(), false, 0.8), 7_000);
    assertEquals(1, l.getPeaks().size(), "the maximum below the median is no source");
    var p = l.getPeaks().get(0);
    assertEquals(2, p.getRow());
    assertEquals(5, p.getCol());
    assertEquals((5 + 0.5) / 8, p.getPosition().getU(), 1e-6);
    assertEquals((2 + 0.5) / 6, p.getPosition().getV(), 1e-6);
    assertEquals(8.0, p.getContrast(), 1e-6);
    assertArrayEquals(map(), Localizations.energy(l));
    assertEquals(Localizations.micros(WindowClock.startMicros(100)), l.getWindowStart());
    assertEquals(5, l.getIngestTime().toEpochMilli());
    assertEquals(7, l.getEmitTime().toEpochMilli());
    assertTrue(!l.getSilent() && l.getInferred());
  }

  @Test
  void silentOrFlatWindowsCarryTheirMapButNoPeaks() {
    Localization quiet = Localizations.of(window(map(), true, 0.8), 0);
    assertTrue(quiet.getSilent());
    assertEquals(0, quiet.getPeaks().size());
    assertEquals(48, Localizations.energy(quiet).length);
    float[] flat = new float[48];
    java.util.Arrays.fill(flat, 2f);
    Localization uniform = Localizations.of(window(flat, false, 0.8), 0);
    assertTrue(uniform.getSilent(), "a uniform map holds no source");
    assertEquals(1f, uniform.getFlatness(), 0f);
    Localization none = Localizations.of(window(null, false, 0.8), 0);
    assertTrue(!none.getInferred() && none.getPeaks().isEmpty());
    assertEquals(0, none.getEnergy().remaining());
  }
}
