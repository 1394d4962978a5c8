package ai.avloc.cli.replay;

import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.schemas.SourcePeak;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.util.List;

/**
 * What {@link EvidenceClip} burns into a frame: the energy map in the jet colour map of {@link
 * Heatmap}, a reticle on each peak and a caption box. Works on a BGR byte raster ({@code
 * TYPE_3BYTE_BGR}) so the map blend needs no per-pixel {@code setRGB}.
 */
final class ClipPainter {
  /**
   * Weight of the colour map at the map's maximum; it falls linearly to 0 at the map's minimum so
   * the scene stays visible where there is no sound (0.7 is the paper's overlay weight).
   */
  static final double MAP_ALPHA = 0.7;

  private static final Font CAPTION_FONT = new Font(Font.MONOSPACED, Font.BOLD, 14);
  private static final Color CAPTION_BOX = new Color(0, 0, 0, 170);
  private static final int CAPTION_MARGIN = 6;
  private static final int CAPTION_PAD = 5;

  private ClipPainter() {}

  /**
   * Blends {@code map} (rows x cols, row 0 at the top) over the {@code width x height} BGR raster:
   * the map is stretched over the whole frame with bilinear interpolation between cell centres,
   * normalized to [0, 1] between its own minimum and maximum, coloured by {@link Heatmap#jetRgb}
   * and blended with weight {@code MAP_ALPHA x t}. A flat map or one without finite values changes
   * nothing; NaN cells are left unpainted.
   *
   * @return whether anything was painted
   */
  static boolean blendEnergy(byte[] bgr, int width, int height, float[] map, int rows, int cols) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      if (Float.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (!(max > min)) {
      return false;
    }
    double range = (double) max - min;
    // Separable bilinear interpolation: each map row is first stretched to the frame's width, then
    // each pixel interpolates between two stretched rows. Pixel centres map to cell coordinates
    // with cell centres at integer + 0.5, as in Heatmap's overlay; a NaN neighbour leaves it bare.
    float[] stretched = new float[rows * width];
    for (int x = 0; x < width; x++) {
      double fx = clamp((x + 0.5) * cols / width - 0.5, 0.0, cols - 1.0);
      int c0 = (int) Math.floor(fx);
      int c1 = Math.min(c0 + 1, cols - 1);
      double tx = fx - c0;
      for (int r = 0; r < rows; r++) {
        float a = map[r * cols + c0];
        float b = map[r * cols + c1];
        stretched[r * width + x] =
            Float.isFinite(a) && Float.isFinite(b) ? (float) (a + (b - a) * tx) : Float.NaN;
      }
    }
    for (int y = 0; y < height; y++) {
      double fy = clamp((y + 0.5) * rows / height - 0.5, 0.0, rows - 1.0);
      int r0 = (int) Math.floor(fy);
      int r1 = Math.min(r0 + 1, rows - 1);
      double ty = fy - r0;
      for (int x = 0; x < width; x++) {
        float top = stretched[r0 * width + x];
        float bottom = stretched[r1 * width + x];
        double t = (top + (bottom - top) * ty - min) / range;
        // In 1/256 steps; NaN and the map's floor (weight below one step) leave the pixel as is.
        int weight = (int) (MAP_ALPHA * t * 256 + 0.5);
        if (weight <= 0) {
          continue;
        }
        int rgb = Heatmap.jetRgb(t);
        int i = 3 * (y * width + x);
        bgr[i] = mix(rgb & 0xFF, bgr[i], weight);
        bgr[i + 1] = mix((rgb >> 8) & 0xFF, bgr[i + 1], weight);
        bgr[i + 2] = mix((rgb >> 16) & 0xFF, bgr[i + 2], weight);
      }
    }
    return true;
  }

  /**
   * A reticle on each peak: a circle of 1.2 map cells around the peak's normalized position and
   * four ticks pointing at it. The centre stays open so the map's colour under the peak shows.
   */
  static void drawPeaks(Graphics2D g, List<SourcePeak> peaks, int width, int height, int rows) {
    double radius = 1.2 * height / (double) rows;
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    for (SourcePeak p : peaks) {
      double cx = p.getPosition().getU() * width;
      double cy = p.getPosition().getV() * height;
      Ellipse2D circle = new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius);
      Line2D[] ticks = {
        new Line2D.Double(cx - 1.6 * radius, cy, cx - 0.5 * radius, cy),
        new Line2D.Double(cx + 0.5 * radius, cy, cx + 1.6 * radius, cy),
        new Line2D.Double(cx, cy - 1.6 * radius, cx, cy - 0.5 * radius),
        new Line2D.Double(cx, cy + 0.5 * radius, cx, cy + 1.6 * radius)
      };
      // A dark outline under a white stroke shows on any colour of the map or the scene.
      for (int pass = 0; pass < 2; pass++) {
        g.setColor(pass == 0 ? Color.BLACK : Color.WHITE);
        g.setStroke(
            new BasicStroke(pass == 0 ? 4f : 2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(circle);
        for (Line2D tick : ticks) {
          g.draw(tick);
        }
      }
    }
  }

  /** White lines of text on a translucent black box in the top-left corner. */
  static void drawCaption(Graphics2D g, String... lines) {
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(CAPTION_FONT);
    FontMetrics fm = g.getFontMetrics();
    int textWidth = 0;
    for (String line : lines) {
      textWidth = Math.max(textWidth, fm.stringWidth(line));
    }
    int boxW = textWidth + 2 * CAPTION_PAD;
    int boxH = lines.length * fm.getHeight() + 2 * CAPTION_PAD;
    g.setColor(CAPTION_BOX);
    g.fillRoundRect(CAPTION_MARGIN, CAPTION_MARGIN, boxW, boxH, 8, 8);
    g.setColor(Color.WHITE);
    int baseline = CAPTION_MARGIN + CAPTION_PAD + fm.getAscent();
    for (String line : lines) {
      g.drawString(line, CAPTION_MARGIN + CAPTION_PAD, baseline);
      baseline += fm.getHeight();
    }
  }

  /** {@code weight / 256} of {@code fg} over {@code bg}. */
  private static byte mix(int fg, byte bg, int weight) {
    return (byte) ((fg * weight + (bg & 0xFF) * (256 - weight) + 128) >> 8);
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
