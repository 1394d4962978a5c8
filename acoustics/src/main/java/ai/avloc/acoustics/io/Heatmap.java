package ai.avloc.acoustics.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Renders 2-D maps (energy maps, likelihood maps) as readable pictures: a title, the map in the jet
 * colour map, optional markers, and a vertical colour bar with tick labels.
 *
 * <p>Maps are row-major {@code float[]} arrays of {@code rows x cols} values with row 0 at the top
 * of the picture. Without a background each cell becomes a {@code cellPixels x cellPixels} block
 * (nearest neighbour). With a background image the map is resized to the background's size with
 * bilinear interpolation and alpha-blended over it ({@code alpha * jet + (1 - alpha) *
 * background}). NaN cells are drawn grey; a constant map is drawn in the lowest colour.
 *
 * <p>Works without a display: the class sets {@code java.awt.headless=true} unless the property has
 * already been set.
 */
public final class Heatmap {

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Colour of NaN cells. */
  public static final Color NAN_COLOUR = new Color(128, 128, 128);

  private static final int[] JET = buildJet(256);

  private static final int PAD = 12;
  private static final int TITLE_GAP = 8;
  private static final int BAR_GAP = 14;
  private static final int BAR_WIDTH = 18;
  private static final int TICK_LEN = 5;
  private static final int TICK_COUNT = 5;
  private static final int MIN_BAR_HEIGHT = 120;
  private static final int GRID_GAP = 10;

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font MARKER_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 11);

  private Heatmap() {}

  /** A point of interest drawn over the map (for example a ground-truth or predicted source). */
  public record Marker(double row, double col, String label, Color colour) {
    public Marker {
      Objects.requireNonNull(colour, "colour");
    }
  }

  /**
   * How a map is drawn.
   *
   * @param title text above the picture, or null / empty for none
   * @param colourBarLabel text beside the colour bar (for example the quantity and unit), or null
   * @param cellPixels size of one map cell in pixels when there is no background
   * @param markers points drawn over the map, at cell centres {@code (row + 0.5, col + 0.5)}
   * @param background picture to overlay the map on, or null; the map is resized to its size
   * @param backgroundAlpha weight of the map over the background, in [0, 1] (0.7 in the paper)
   */
  public record Style(
      String title,
      String colourBarLabel,
      int cellPixels,
      List<Marker> markers,
      BufferedImage background,
      double backgroundAlpha) {

    public Style {
      if (cellPixels < 1) {
        throw new IllegalArgumentException("cellPixels must be at least 1, got " + cellPixels);
      }
      if (!(backgroundAlpha >= 0.0 && backgroundAlpha <= 1.0)) {
        throw new IllegalArgumentException(
            "backgroundAlpha must be in [0, 1], got " + backgroundAlpha);
      }
      markers = markers == null ? List.of() : List.copyOf(markers);
    }

    /** Ten pixels per cell, no markers, no background. */
    public static Style titled(String title, String colourBarLabel) {
      return new Style(title, colourBarLabel, 10, List.of(), null, 0.7);
    }

    public Style withMarkers(List<Marker> newMarkers) {
      return new Style(title, colourBarLabel, cellPixels, newMarkers, background, backgroundAlpha);
    }

    public Style withBackground(BufferedImage image, double alpha) {
      return new Style(title, colourBarLabel, cellPixels, markers, image, alpha);
    }

    public Style withCellPixels(int pixels) {
      return new Style(title, colourBarLabel, pixels, markers, background, backgroundAlpha);
    }
  }

  // ------------------------------------------------------------------ public API

  /** Renders the map with its title, colour bar and markers into a new RGB image. */
  public static BufferedImage render(float[] map, int rows, int cols, Style style) {
    Objects.requireNonNull(map, "map");
    Objects.requireNonNull(style, "style");
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("map must be at least 1x1, got " + rows + "x" + cols);
    }
    if ((long) rows * cols != map.length) {
      throw new IllegalArgumentException(
          "map has "
              + map.length
              + " values but rows x cols = "
              + rows
              + "x"
              + cols
              + " = "
              + (long) rows * cols);
    }

    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      if (Float.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    boolean anyFinite = min <= max;
    if (!anyFinite) {
      min = 0f;
      max = 0f;
    }

    BufferedImage mapImage =
        style.background() == null
            ? cellImage(map, rows, cols, min, max, style.cellPixels())
            : overlayImage(map, rows, cols, min, max, style.background(), style.backgroundAlpha());
    int mapW = mapImage.getWidth();
    int mapH = mapImage.getHeight();

    // Measure text before sizing the canvas.
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D sg = scratch.createGraphics();
    FontMetrics titleFm = sg.getFontMetrics(TITLE_FONT);
    FontMetrics tickFm = sg.getFontMetrics(TICK_FONT);
    FontMetrics labelFm = sg.getFontMetrics(LABEL_FONT);
    sg.dispose();

    String title = style.title() == null ? "" : style.title().strip();
    String barLabel = style.colourBarLabel() == null ? "" : style.colourBarLabel().strip();
    boolean constant = !(max > min);
    String[] tickLabels = new String[TICK_COUNT];
    // enough significant digits that neighbouring ticks differ (energy maps vary by parts per
    // thousand)
    int digits =
        constant
            ? 3
            : Math.max(
                3,
                2
                    + (int)
                        Math.ceil(
                            Math.log10(
                                Math.max(Math.abs((double) min), Math.abs((double) max))
                                    / (max - (double) min))));
    for (int i = 0; i < TICK_COUNT; i++) {
      double v = min + (max - (double) min) * i / (TICK_COUNT - 1);
      // A value negligible next to the range (e.g. 4e-20 on a 0..3 bar) reads better as 0.
      if (!constant
          && Math.abs(v) < 1e-6 * Math.max(Math.abs((double) min), Math.abs((double) max))) {
        v = 0.0;
      }
      tickLabels[i] =
          constant && i > 0 ? "" : formatTick(anyFinite ? v : Double.NaN, Math.min(digits, 9));
    }
    int tickLabelW = 0;
    for (String s : tickLabels) {
      tickLabelW = Math.max(tickLabelW, tickFm.stringWidth(s));
    }
    int barLabelLen = barLabel.isEmpty() ? 0 : labelFm.stringWidth(barLabel);

    int titleH = title.isEmpty() ? 0 : titleFm.getHeight() + TITLE_GAP;
    int barH = Math.max(mapH, MIN_BAR_HEIGHT);
    int contentH = Math.max(barH, barLabelLen + 8);

    int mapX = PAD;
    int top = PAD + titleH;
    int mapY = top + (contentH - mapH) / 2;
    int barX = mapX + mapW + BAR_GAP;
    int barY = top + (contentH - barH) / 2;
    int tickTextX = barX + BAR_WIDTH + TICK_LEN + 3;
    int labelX = tickTextX + tickLabelW + 8;
    int rightEdge = barLabel.isEmpty() ? tickTextX + tickLabelW : labelX + labelFm.getHeight();

    int width = Math.max(rightEdge + PAD, titleFm.stringWidth(title) + 2 * PAD);
    // Half a tick label may hang below the bar's bottom end.
    int height = top + contentH + Math.max(PAD, tickFm.getAscent() / 2 + 6);

    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);

      if (!title.isEmpty()) {
        g.setFont(TITLE_FONT);
        g.setColor(Color.BLACK);
        int tx = (width - titleFm.stringWidth(title)) / 2;
        g.drawString(title, tx, PAD + titleFm.getAscent());
      }

      g.drawImage(mapImage, mapX, mapY, null);
      g.setColor(Color.DARK_GRAY);
      g.setStroke(new BasicStroke(1f));
      g.drawRect(mapX - 1, mapY - 1, mapW + 1, mapH + 1);

      drawMarkers(g, style.markers(), rows, cols, mapX, mapY, mapW, mapH);

      drawColourBar(g, barX, barY, barH, tickLabels, tickFm);

      if (!barLabel.isEmpty()) {
        g.setFont(LABEL_FONT);
        g.setColor(Color.BLACK);
        AffineTransform saved = g.getTransform();
        int cy = barY + barH / 2;
        g.translate(labelX + labelFm.getAscent(), cy + barLabelLen / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(barLabel, 0, 0);
        g.setTransform(saved);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Renders the map (see {@link #render}) and writes it as a PNG file. */
  public static void writePng(Path file, float[] map, int rows, int cols, Style style)
      throws IOException {
    writeImage(file, render(map, rows, cols, style));
  }

  /**
   * Lays {@code tiles} out left to right, top to bottom, {@code columns} per row, on a white
   * background with an optional title, and writes the result as a PNG file.
   */
  public static void writeGrid(Path file, List<BufferedImage> tiles, int columns, String title)
      throws IOException {
    writeImage(file, grid(tiles, columns, title));
  }

  /** The picture {@link #writeGrid} writes. */
  public static BufferedImage grid(List<BufferedImage> tiles, int columns, String title) {
    Objects.requireNonNull(tiles, "tiles");
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException("no tiles to lay out");
    }
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be at least 1, got " + columns);
    }
    int cellW = 0;
    int cellH = 0;
    for (BufferedImage t : tiles) {
      Objects.requireNonNull(t, "tile");
      cellW = Math.max(cellW, t.getWidth());
      cellH = Math.max(cellH, t.getHeight());
    }
    int cols = Math.min(columns, tiles.size());
    int rows = (tiles.size() + cols - 1) / cols;

    String text = title == null ? "" : title.strip();
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D sg = scratch.createGraphics();
    FontMetrics titleFm = sg.getFontMetrics(TITLE_FONT);
    sg.dispose();
    int titleH = text.isEmpty() ? 0 : titleFm.getHeight() + TITLE_GAP;

    int width =
        Math.max(
            2 * PAD + cols * cellW + (cols - 1) * GRID_GAP, titleFm.stringWidth(text) + 2 * PAD);
    int height = 2 * PAD + titleH + rows * cellH + (rows - 1) * GRID_GAP;
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      if (!text.isEmpty()) {
        g.setFont(TITLE_FONT);
        g.setColor(Color.BLACK);
        g.drawString(text, (width - titleFm.stringWidth(text)) / 2, PAD + titleFm.getAscent());
      }
      int x0 = (width - (cols * cellW + (cols - 1) * GRID_GAP)) / 2;
      for (int i = 0; i < tiles.size(); i++) {
        BufferedImage t = tiles.get(i);
        int r = i / cols;
        int c = i % cols;
        int x = x0 + c * (cellW + GRID_GAP) + (cellW - t.getWidth()) / 2;
        int y = PAD + titleH + r * (cellH + GRID_GAP) + (cellH - t.getHeight()) / 2;
        g.drawImage(t, x, y, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /**
   * The jet colour of {@code t} in [0, 1] (values outside are clamped) as packed RGB ({@code
   * 0xRRGGBB}); dark blue at 0, dark red at 1.
   */
  public static int jetRgb(double t) {
    if (Double.isNaN(t)) {
      return NAN_COLOUR.getRGB() & 0xFFFFFF;
    }
    double c = Math.max(0.0, Math.min(1.0, t));
    return JET[(int) Math.round(c * (JET.length - 1))];
  }

  // ------------------------------------------------------------------ map pixels

  private static BufferedImage cellImage(
      float[] map, int rows, int cols, float min, float max, int cell) {
    long w = (long) cols * cell;
    long h = (long) rows * cell;
    if (w * h > 200_000_000L) {
      throw new IllegalArgumentException(
          "picture of " + w + "x" + h + " pixels is too large; lower cellPixels");
    }
    BufferedImage img = new BufferedImage((int) w, (int) h, BufferedImage.TYPE_INT_RGB);
    int[] line = new int[(int) w];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int rgb = colourOf(map[r * cols + c], min, max);
        for (int k = 0; k < cell; k++) {
          line[c * cell + k] = rgb;
        }
      }
      for (int k = 0; k < cell; k++) {
        img.setRGB(0, r * cell + k, (int) w, 1, line, 0, (int) w);
      }
    }
    return img;
  }

  private static BufferedImage overlayImage(
      float[] map,
      int rows,
      int cols,
      float min,
      float max,
      BufferedImage background,
      double alpha) {
    int w = background.getWidth();
    int h = background.getHeight();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] bg = background.getRGB(0, 0, w, h, null, 0, w);
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      // Pixel centres mapped to cell coordinates, cell centres at integer + 0.5.
      double fy = (y + 0.5) * rows / h - 0.5;
      for (int x = 0; x < w; x++) {
        double fx = (x + 0.5) * cols / w - 0.5;
        float v = bilinear(map, rows, cols, fy, fx);
        int fg = colourOf(v, min, max);
        int b = bg[y * w + x];
        px[y * w + x] = blend(fg, b, alpha);
      }
    }
    img.setRGB(0, 0, w, h, px, 0, w);
    return img;
  }

  /** Bilinear sample at fractional cell coordinates; falls back to the nearest cell near NaNs. */
  private static float bilinear(float[] map, int rows, int cols, double fy, double fx) {
    fy = Math.max(0.0, Math.min(rows - 1.0, fy));
    fx = Math.max(0.0, Math.min(cols - 1.0, fx));
    int r0 = (int) Math.floor(fy);
    int c0 = (int) Math.floor(fx);
    int r1 = Math.min(r0 + 1, rows - 1);
    int c1 = Math.min(c0 + 1, cols - 1);
    double ty = fy - r0;
    double tx = fx - c0;
    float a = map[r0 * cols + c0];
    float b = map[r0 * cols + c1];
    float c = map[r1 * cols + c0];
    float d = map[r1 * cols + c1];
    if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c) || !Float.isFinite(d)) {
      int r = ty < 0.5 ? r0 : r1;
      int cc = tx < 0.5 ? c0 : c1;
      return map[r * cols + cc];
    }
    double top = a + (b - a) * tx;
    double bottom = c + (d - c) * tx;
    return (float) (top + (bottom - top) * ty);
  }

  private static int blend(int fg, int bg, double alpha) {
    int r = (int) Math.round(alpha * ((fg >> 16) & 0xFF) + (1 - alpha) * ((bg >> 16) & 0xFF));
    int gr = (int) Math.round(alpha * ((fg >> 8) & 0xFF) + (1 - alpha) * ((bg >> 8) & 0xFF));
    int b = (int) Math.round(alpha * (fg & 0xFF) + (1 - alpha) * (bg & 0xFF));
    return (r << 16) | (gr << 8) | b;
  }

  private static int colourOf(float v, float min, float max) {
    if (Float.isNaN(v)) {
      return NAN_COLOUR.getRGB() & 0xFFFFFF;
    }
    if (!(max > min)) {
      return JET[0];
    }
    return jetRgb((v - (double) min) / ((double) max - min));
  }

  // ------------------------------------------------------------------ decorations

  private static void drawColourBar(
      Graphics2D g, int barX, int barY, int barH, String[] tickLabels, FontMetrics tickFm) {
    for (int y = 0; y < barH; y++) {
      double t = barH == 1 ? 1.0 : 1.0 - (double) y / (barH - 1);
      g.setColor(new Color(jetRgb(t)));
      g.fillRect(barX, barY + y, BAR_WIDTH, 1);
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(barX, barY, BAR_WIDTH - 1, barH - 1);

    g.setFont(TICK_FONT);
    for (int i = 0; i < tickLabels.length; i++) {
      int y = barY + (int) Math.round((barH - 1) * (1.0 - (double) i / (tickLabels.length - 1)));
      g.setColor(Color.DARK_GRAY);
      g.drawLine(barX + BAR_WIDTH, y, barX + BAR_WIDTH + TICK_LEN, y);
      if (!tickLabels[i].isEmpty()) {
        g.setColor(Color.BLACK);
        // Centre the label's digits on the tick.
        int baseline = y + (tickFm.getAscent() - tickFm.getDescent()) / 2;
        g.drawString(tickLabels[i], barX + BAR_WIDTH + TICK_LEN + 3, baseline);
      }
    }
  }

  private static void drawMarkers(
      Graphics2D g,
      List<Marker> markers,
      int rows,
      int cols,
      int mapX,
      int mapY,
      int mapW,
      int mapH) {
    if (markers.isEmpty()) {
      return;
    }
    double sx = (double) mapW / cols;
    double sy = (double) mapH / rows;
    double radius = Math.max(4.0, Math.min(12.0, 0.8 * Math.min(sx, sy)));
    java.awt.Shape savedClip = g.getClip();
    g.clipRect(mapX, mapY, mapW, mapH);
    g.setFont(MARKER_FONT);
    FontMetrics fm = g.getFontMetrics();
    List<Runnable> labels = new ArrayList<>();
    for (Marker m : markers) {
      double cx = mapX + (m.col() + 0.5) * sx;
      double cy = mapY + (m.row() + 0.5) * sy;
      Ellipse2D circle = new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius);
      Line2D h = new Line2D.Double(cx - radius * 1.5, cy, cx + radius * 1.5, cy);
      Line2D v = new Line2D.Double(cx, cy - radius * 1.5, cx, cy + radius * 1.5);
      // Dark outline first so the symbol shows on any colour.
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(circle);
      g.draw(h);
      g.draw(v);
      g.setColor(m.colour());
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(circle);
      g.draw(h);
      g.draw(v);

      String label = m.label() == null ? "" : m.label().strip();
      if (!label.isEmpty()) {
        int tw = fm.stringWidth(label);
        int th = fm.getHeight();
        int boxW = tw + 6;
        int boxH = th + 2;
        double bx = cx + radius * 1.5 + 3;
        if (bx + boxW > mapX + mapW) {
          bx = cx - radius * 1.5 - 3 - boxW;
        }
        bx = Math.max(mapX, Math.min(bx, mapX + mapW - boxW));
        double by = cy - boxH / 2.0;
        by = Math.max(mapY, Math.min(by, mapY + mapH - boxH));
        final double fbx = bx;
        final double fby = by;
        final Color colour = m.colour();
        labels.add(
            () -> {
              g.setColor(new Color(0, 0, 0, 170));
              g.fill(new RoundRectangle2D.Double(fbx, fby, boxW, boxH, 6, 6));
              g.setColor(readableOnDark(colour));
              g.drawString(label, (float) (fbx + 3), (float) (fby + 1 + fm.getAscent()));
            });
      }
    }
    // Labels last so that no symbol covers a label.
    labels.forEach(Runnable::run);
    g.setClip(savedClip);
  }

  /** The marker colour if it shows on a dark box, otherwise white. */
  private static Color readableOnDark(Color c) {
    double luma = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    return luma >= 110 ? c : Color.WHITE;
  }

  static String formatTick(double v) {
    return formatTick(v, 3);
  }

  static String formatTick(double v, int significantDigits) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == 0.0) {
      return "0";
    }
    return String.format(Locale.ROOT, "%." + significantDigits + "g", v);
  }

  private static void writeImage(Path file, BufferedImage image) throws IOException {
    Objects.requireNonNull(file, "file");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available to write " + file);
    }
  }

  // ------------------------------------------------------------------ colour map

  /**
   * The jet colour map as {@code n} packed RGB entries: piecewise-linear channels running dark
   * blue, blue, cyan, yellow, red, dark red.
   */
  private static int[] buildJet(int n) {
    double[][] red = {{0.0, 0.0}, {0.35, 0.0}, {0.66, 1.0}, {0.89, 1.0}, {1.0, 0.5}};
    double[][] green = {
      {0.0, 0.0}, {0.125, 0.0}, {0.375, 1.0}, {0.64, 1.0}, {0.91, 0.0}, {1.0, 0.0}
    };
    double[][] blue = {{0.0, 0.5}, {0.11, 1.0}, {0.34, 1.0}, {0.65, 0.0}, {1.0, 0.0}};
    int[] lut = new int[n];
    for (int i = 0; i < n; i++) {
      double t = (double) i / (n - 1);
      int r = (int) Math.round(255 * piecewise(red, t));
      int gr = (int) Math.round(255 * piecewise(green, t));
      int b = (int) Math.round(255 * piecewise(blue, t));
      lut[i] = (r << 16) | (gr << 8) | b;
    }
    return lut;
  }

  private static double piecewise(double[][] knots, double t) {
    for (int k = 1; k < knots.length; k++) {
      if (t <= knots[k][0]) {
        double t0 = knots[k - 1][0];
        double t1 = knots[k][0];
        double f = t1 == t0 ? 0.0 : (t - t0) / (t1 - t0);
        return knots[k - 1][1] + f * (knots[k][1] - knots[k - 1][1]);
      }
    }
    return knots[knots.length - 1][1];
  }
}
