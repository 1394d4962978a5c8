package ai.avloc.acoustics.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapTest {

  private static final int ROWS = 36;
  private static final int COLS = 48;

  @TempDir Path dir;

  private static float[] hotCellMap(int hotRow, int hotCol) {
    float[] map = new float[ROWS * COLS];
    map[hotRow * COLS + hotCol] = 1f;
    return map;
  }

  /**
   * Locates the map's top-left pixel: the first cold (dark blue) pixel whose diagonal neighbour
   * cell is cold too.
   */
  private static int[] mapOrigin(BufferedImage img, int cell) {
    int cold = Heatmap.jetRgb(0.0);
    for (int y = 0; y + cell < img.getHeight(); y++) {
      for (int x = 0; x + cell < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xFFFFFF) == cold
            && (img.getRGB(x + cell, y + cell) & 0xFFFFFF) == cold) {
          return new int[] {x, y};
        }
      }
    }
    throw new AssertionError("map not found");
  }

  @Test
  void hotCellIsDarkRedAndColdCellIsBlue() {
    int cell = 10;
    int hotRow = 20;
    int hotCol = 30;
    Heatmap.Style style = Heatmap.Style.titled("hot cell", "energy");
    BufferedImage img = Heatmap.render(hotCellMap(hotRow, hotCol), ROWS, COLS, style);
    int[] o = mapOrigin(img, cell);

    Color hot =
        new Color(img.getRGB(o[0] + hotCol * cell + cell / 2, o[1] + hotRow * cell + cell / 2));
    assertTrue(hot.getRed() > 100 && hot.getBlue() < 60, "hot pixel " + hot);

    Color cold = new Color(img.getRGB(o[0] + 3 * cell + cell / 2, o[1] + 5 * cell + cell / 2));
    assertTrue(
        cold.getBlue() > 100 && cold.getRed() < 60 && cold.getGreen() < 60, "cold pixel " + cold);

    assertTrue(img.getWidth() > COLS * cell, "colour bar adds width: " + img.getWidth());
    assertTrue(img.getHeight() >= ROWS * cell);
  }

  @Test
  void rowZeroIsAtTheTop() {
    int cell = 10;
    BufferedImage img =
        Heatmap.render(hotCellMap(0, 0), ROWS, COLS, Heatmap.Style.titled("corner", "e"));
    int[] o = mapOrigin(img, cell);
    // The hot cell sits at the top-left, so the first cold pixel found is right of it.
    Color hot = new Color(img.getRGB(o[0] - cell + cell / 2, o[1] + cell / 2));
    assertTrue(hot.getRed() > 100 && hot.getBlue() < 60, "top-left pixel " + hot);
  }

  @Test
  void constantAndNanMapsRender() {
    float[] constant = new float[ROWS * COLS];
    java.util.Arrays.fill(constant, 3.5f);
    BufferedImage img = Heatmap.render(constant, ROWS, COLS, Heatmap.Style.titled("constant", "x"));
    assertTrue(img.getWidth() > COLS * 10);

    float[] nan = new float[ROWS * COLS];
    java.util.Arrays.fill(nan, Float.NaN);
    BufferedImage allNan = Heatmap.render(nan, ROWS, COLS, Heatmap.Style.titled(null, null));
    assertNotNull(allNan);

    float[] someNan = hotCellMap(30, 40);
    someNan[10 * COLS + 10] = Float.NaN;
    BufferedImage partial = Heatmap.render(someNan, ROWS, COLS, Heatmap.Style.titled("nan", "x"));
    int[] o = mapOrigin(partial, 10);
    Color grey = new Color(partial.getRGB(o[0] + 105, o[1] + 105));
    assertEquals(Heatmap.NAN_COLOUR, grey);
  }

  @Test
  void writePngIsReadable() throws IOException {
    Path f = dir.resolve("sub/map.png");
    Heatmap.Style style = Heatmap.Style.titled("written", "energy (dB)");
    Heatmap.writePng(f, hotCellMap(3, 4), ROWS, COLS, style);
    BufferedImage back = ImageIO.read(f.toFile());
    assertNotNull(back);
    BufferedImage direct = Heatmap.render(hotCellMap(3, 4), ROWS, COLS, style);
    assertEquals(direct.getWidth(), back.getWidth());
    assertEquals(direct.getHeight(), back.getHeight());
    assertTrue(back.getWidth() > COLS * 10 && back.getHeight() > ROWS * 10);
  }

  @Test
  void markerIsDrawn() {
    float[] map = hotCellMap(3, 4);
    Heatmap.Style plain = Heatmap.Style.titled("markers", "energy");
    Heatmap.Style marked =
        plain.withMarkers(List.of(new Heatmap.Marker(18, 24, "source", Color.WHITE)));
    BufferedImage a = Heatmap.render(map, ROWS, COLS, plain);
    BufferedImage b = Heatmap.render(map, ROWS, COLS, marked);
    assertEquals(a.getWidth(), b.getWidth());
    assertEquals(a.getHeight(), b.getHeight());
    int[] o = mapOrigin(a, 10);
    int cx = o[0] + 245;
    int cy = o[1] + 185;
    int differing = 0;
    for (int y = cy - 15; y <= cy + 15; y++) {
      for (int x = cx - 15; x <= cx + 15; x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          differing++;
        }
      }
    }
    assertTrue(differing > 20, "pixels changed near the marker: " + differing);
  }

  @Test
  void backgroundOverlayTakesBackgroundSize() {
    BufferedImage bg = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 240; y++) {
      for (int x = 0; x < 320; x++) {
        bg.setRGB(x, y, 0x808080);
      }
    }
    Heatmap.Style style = Heatmap.Style.titled("overlay", "energy").withBackground(bg, 0.7);
    BufferedImage img = Heatmap.render(hotCellMap(18, 24), ROWS, COLS, style);
    assertTrue(img.getWidth() > 320 && img.getWidth() < 320 + 200, "width " + img.getWidth());
    assertTrue(img.getHeight() > 240, "height " + img.getHeight());
  }

  @Test
  void gridLaysTilesOut() throws IOException {
    BufferedImage tile =
        Heatmap.render(hotCellMap(3, 4), ROWS, COLS, Heatmap.Style.titled("t", "e"));
    Path f = dir.resolve("grid.png");
    Heatmap.writeGrid(f, List.of(tile, tile, tile), 2, "grid");
    BufferedImage back = ImageIO.read(f.toFile());
    assertNotNull(back);
    assertTrue(back.getWidth() >= 2 * tile.getWidth());
    assertTrue(back.getHeight() >= 2 * tile.getHeight());
  }
}
