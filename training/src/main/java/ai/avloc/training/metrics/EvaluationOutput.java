package ai.avloc.training.metrics;

import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.data.SoundingBox;
import ai.avloc.training.metrics.Evaluation.ClassInfo;
import ai.avloc.training.metrics.Evaluation.ClassReport;
import ai.avloc.training.metrics.Evaluation.GridSample;
import ai.avloc.training.metrics.Evaluation.Quantiles;
import ai.avloc.training.metrics.Evaluation.Report;
import ai.avloc.training.metrics.Evaluation.RowReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** The evaluation's tables, {@code evaluation.json}, {@code success.png} and {@code grid.png}. */
public final class EvaluationOutput {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  public static final String JSON_FILE = "evaluation.json";
  public static final String SUCCESS_FILE = "success.png";
  public static final String GRID_FILE = "grid.png";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x17becf),
    new Color(0x7f7f7f),
    new Color(0xbcbd22)
  };

  private EvaluationOutput() {}

  /** Writes the three files into {@code dir} (created if needed). */
  public static void writeAll(Report report, Path dir, String title) throws IOException {
    Files.createDirectories(dir);
    writeJson(report, dir.resolve(JSON_FILE));
    ImageIO.write(successPlot(report, title), "png", dir.resolve(SUCCESS_FILE).toFile());
    if (!report.grid().isEmpty()) {
      ImageIO.write(grid(report, title), "png", dir.resolve(GRID_FILE).toFile());
    }
  }

  public static void writeJson(Report report, Path file) throws IOException {
    JSON.writeValue(file.toFile(), report.json());
  }

  /**
   * Adds (or replaces) one top-level field of a written evaluation.json, keeping the others and
   * their order: measures that run after the evaluation (DualCamNet) go into the same document.
   */
  @SuppressWarnings("unchecked")
  public static void putJson(Path file, String key, Object value) throws IOException {
    Map<String, Object> doc = JSON.readValue(file.toFile(), LinkedHashMap.class);
    doc.put(key, value);
    JSON.writeValue(file.toFile(), doc);
  }

  // ------------------------------------------------------------------ tables

  private static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  private static String mse(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4e", v);
  }

  private static String number(Double v) {
    if (v == null) {
      return "-";
    }
    return v == 0 ? "0" : String.format(Locale.ROOT, "%.4g", v);
  }

  /**
   * Rows: models, their ablations, baselines; columns MSE, IoU@0.5, AUC, cIoU@0.5, cAUC, peak on
   * object, KNN (model rows whose model returns a latent).
   */
  public static String table(Report report) {
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "row", "MSE", "IoU@0.5", "AUC", "cIoU@0.5", "cAUC", "peak on obj", "KNN", "frames"
        });
    for (RowReport r : report.rows()) {
      lines.add(
          new String[] {
            r.name(),
            mse(r.mse()),
            pct(r.iou50()),
            pct(r.auc()),
            pct(r.ciou50()),
            pct(r.cauc()),
            pct(r.peakOnObject()),
            pct(r.knn()),
            r.boxedFrames() > 0 ? r.frames() + " (" + r.boxedFrames() + " boxed)" : "" + r.frames()
          });
    }
    StringBuilder out = new StringBuilder(layout(lines, 1));
    out.append(
        String.format(
            Locale.ROOT,
            "IoU: energy maps at 36x48, each binarized at its mean; cIoU: the upsampled mask"
                + " against the boxes of the sounding objects on screen (%d frames); peak on obj:"
                + " share of those frames whose energy peak's cell touches such a box (the true"
                + " maps: %s).%n",
            report.boxedFrames(),
            pct(report.truthPeakOnObject())));
    if (report.knn() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "KNN: accuracy of a %d-nearest-neighbour classifier of the model's latents into the"
                  + " %d classes, leave-one-scene-out over these %d labelled frames; - where a"
                  + " model returns no latent.%n",
              report.knn().k(),
              report.classes().stream().filter(c -> c.id() >= 0).count(),
              report.knn().frames()));
    }
    if (report.noiseOnlyFrames() > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "Noise-only frames (%d) are not in these columns; see the flatness check.%n",
              report.noiseOnlyFrames()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "Centre prior: Gaussian with sigma %.2f of each side; its mask covers %.1f %% of the"
                + " map, the true masks %s on average.%n",
            report.priorSigma(),
            100 * report.priorMaskCoverage(),
            pct(report.truthMaskCoverage())));
    return out.toString();
  }

  /** Per class: frames, and each model's MSE, IoU@0.5, AUC (cIoU@0.5 where boxed), baselines. */
  public static String classTable(Report report) {
    boolean boxes = report.boxedFrames() > 0;
    List<String> header = new ArrayList<>(List.of("class", "frames"));
    List<RowReport> shown = new ArrayList<>();
    for (RowReport r : report.rows()) {
      if (r.kind().equals("model")) {
        shown.add(r);
        header.add(r.name() + " MSE");
        header.add("IoU@0.5");
        header.add("AUC");
        if (boxes) {
          header.add("cIoU@0.5");
        }
      }
    }
    for (RowReport r : report.rows()) {
      if (r.kind().equals("baseline")) {
        shown.add(r);
        header.add(r.name() + " IoU@0.5");
      }
    }
    List<String[]> lines = new ArrayList<>();
    lines.add(header.toArray(new String[0]));
    for (ClassInfo c : report.classes()) {
      List<String> line = new ArrayList<>();
      line.add(c.id() + " " + c.name() + (c.noiseOnly() ? " (noise only)" : ""));
      line.add("" + c.frames());
      for (RowReport r : shown) {
        ClassReport cr = find(r, c.id());
        if (r.kind().equals("model")) {
          line.add(mse(cr == null ? null : cr.mse()));
          line.add(pct(cr == null ? null : cr.iou50()));
          line.add(pct(cr == null ? null : cr.auc()));
          if (boxes) {
            line.add(pct(cr == null ? null : cr.ciou50()));
          }
        } else {
          line.add(pct(cr == null ? null : cr.iou50()));
        }
      }
      lines.add(line.toArray(new String[0]));
    }
    return layout(lines, 1);
  }

  private static ClassReport find(RowReport r, long id) {
    for (ClassReport c : r.perClass()) {
      if (c.id() == id) {
        return c;
      }
    }
    return null;
  }

  /** The flatness threshold, the contrast distributions and each row's flat shares. */
  public static String flatnessTable(Report report) {
    Evaluation.FlatnessCheck f = report.flatness();
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Flatness: %s; threshold %s (%s%s).%n",
            f.criterion(),
            number(f.threshold()),
            f.source(),
            f.truthBalancedError() == null
                ? ""
                : String.format(
                    Locale.ROOT,
                    ", balanced error on the true maps %.1f %%",
                    100 * f.truthBalancedError())));
    List<String[]> lines = new ArrayList<>();
    lines.add(
        new String[] {
          "energy maps",
          "noise-only flat",
          "sounding flat",
          "confirmed "
              + report.confirmation().needed()
              + "/"
              + report.confirmation().windows()
              + ": noise-only / sounding flat",
          "contrast noise-only p5 / median / p95",
          "contrast sounding p5 / median / p95",
          "own best threshold",
          String.format(
              Locale.ROOT, "threshold for %.0f %% noise flat", 100 * report.flatNoiseShare())
        });
    lines.add(
        new String[] {
          "ground truth",
          pct(f.truthNoiseOnlyFlat()),
          pct(f.truthSoundingFlat()),
          "-",
          spread(f.truthNoiseOnly()),
          spread(f.truthSounding()),
          f.source().equals("ground truth") && f.threshold() != null
              ? String.format(Locale.ROOT, "%.3g", f.threshold())
              : "-",
          "-"
        });
    for (RowReport r : report.rows()) {
      lines.add(
          new String[] {
            r.name(),
            pct(r.noiseOnlyFlat()),
            pct(r.soundingFlat()),
            pct(r.noiseOnlyFlatConfirmed()) + " / " + pct(r.soundingFlatConfirmed()),
            spread(r.contrastNoiseOnly()),
            spread(r.contrastSounding()),
            r.fittedFlatThreshold() == null
                ? "-"
                : String.format(Locale.ROOT, "%.3g", r.fittedFlatThreshold()),
            r.noiseShareThreshold() == null
                ? "-"
                : String.format(Locale.ROOT, "%.3g", r.noiseShareThreshold())
          });
    }
    out.append(layout(lines, 1));
    return out.toString();
  }

  private static String spread(Quantiles q) {
    if (q == null || q.count() == 0 || q.median() == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT, "%s / %s / %s", number(q.p5()), number(q.median()), number(q.p95()));
  }

  /** Left-aligned first column, right-aligned others, a rule under the header. */
  static String layout(List<String[]> lines, int leftColumns) {
    int cols = lines.get(0).length;
    int[] width = new int[cols];
    for (String[] l : lines) {
      for (int c = 0; c < cols; c++) {
        width[c] = Math.max(width[c], l[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String[] l = lines.get(i);
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < cols; c++) {
        if (c > 0) {
          line.append("  ");
        }
        String pad = " ".repeat(width[c] - l[c].length());
        line.append(c < leftColumns ? l[c] + pad : pad + l[c]);
      }
      out.append(line.toString().stripTrailing()).append('\n');
      if (i == 0) {
        int total = 0;
        for (int w : width) {
          total += w;
        }
        out.append("-".repeat(total + 2 * (cols - 1))).append('\n');
      }
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ success curves

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final Font SMALL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  /**
   * Success rate against the IoU threshold, one line per row (solid: models, dashed: ablations,
   * dotted: baselines), the AUC in the legend; a second panel for cIoU when frames had boxes.
   */
  public static BufferedImage successPlot(Report report, String title) {
    boolean boxes = report.boxedFrames() > 0;
    int panelW = 440;
    int panelH = 340;
    int legendW = 330;
    int pad = 60;
    int width = pad + (boxes ? 2 : 1) * (panelW + pad) + legendW;
    int height = 60 + panelH + 70;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(TITLE_FONT);
      String heading = title == null || title.isBlank() ? "Success rate" : title;
      g.drawString(heading, (width - g.getFontMetrics().stringWidth(heading)) / 2, 28);
      int top = 60;
      panel(g, report, pad, top, panelW, panelH, false);
      if (boxes) {
        panel(g, report, pad + panelW + pad, top, panelW, panelH, true);
      }
      legend(g, report, width - legendW + 10, top, boxes);
    } finally {
      g.dispose();
    }
    return img;
  }

  private static Stroke stroke(String kind) {
    return switch (kind) {
      case "model" -> new BasicStroke(2.4f);
      case "ablation" ->
          new BasicStroke(
              1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 5f}, 0f);
      default ->
          new BasicStroke(
              1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {2f, 5f}, 0f);
    };
  }

  private static void panel(
      Graphics2D g, Report report, int x0, int y0, int w, int h, boolean consensus) {
    g.setFont(SMALL_FONT);
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i <= 10; i++) {
      double v = i / 10.0;
      int x = x0 + (int) Math.round(v * w);
      int y = y0 + h - (int) Math.round(v * h);
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(x, y0, x, y0 + h);
      g.drawLine(x0, y, x0 + w, y);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%.1f", v);
      g.drawString(label, x - fm.stringWidth(label) / 2, y0 + h + 16);
      g.drawString(label, x0 - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
    }
    g.setColor(Color.BLACK);
    g.drawRect(x0, y0, w, h);
    g.setFont(LABEL_FONT);
    FontMetrics lfm = g.getFontMetrics();
    String xLabel = consensus ? "cIoU threshold" : "IoU threshold";
    g.drawString(xLabel, x0 + (w - lfm.stringWidth(xLabel)) / 2, y0 + h + 38);
    String yLabel = "success rate";
    var saved = g.getTransform();
    g.translate(x0 - 40, y0 + (h + lfm.stringWidth(yLabel)) / 2.0);
    g.rotate(-Math.PI / 2);
    g.drawString(yLabel, 0, 0);
    g.setTransform(saved);
    double[] t = report.thresholds();
    int k = 0;
    for (RowReport r : report.rows()) {
      double[] s = consensus ? r.ciouSuccess() : r.success();
      Color colour = PALETTE[k++ % PALETTE.length];
      if (s == null) {
        continue;
      }
      g.setColor(colour);
      g.setStroke(stroke(r.kind()));
      for (int i = 1; i < s.length; i++) {
        g.draw(
            new Line2D.Double(
                x0 + t[i - 1] * w, y0 + h - s[i - 1] * h, x0 + t[i] * w, y0 + h - s[i] * h));
      }
      g.setStroke(new BasicStroke(1f));
      for (int i = 0; i < s.length; i++) {
        int px = (int) Math.round(x0 + t[i] * w);
        int py = (int) Math.round(y0 + h - s[i] * h);
        g.fillOval(px - 3, py - 3, 6, 6);
      }
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static void legend(Graphics2D g, Report report, int x, int y, boolean boxes) {
    g.setFont(SMALL_FONT);
    FontMetrics fm = g.getFontMetrics();
    int k = 0;
    int line = 0;
    for (RowReport r : report.rows()) {
      Color colour = PALETTE[k++ % PALETTE.length];
      int cy = y + 10 + line * 38;
      g.setColor(colour);
      g.setStroke(stroke(r.kind()));
      g.draw(new Line2D.Double(x, cy, x + 30, cy));
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(r.name(), x + 38, cy + fm.getAscent() / 2 - 1);
      String auc =
          "AUC "
              + pct(r.auc())
              + (boxes ? ", cAUC " + pct(r.cauc()) : "")
              + ", IoU@0.5 "
              + pct(r.iou50());
      g.setColor(Color.DARK_GRAY);
      g.drawString(auc, x + 38, cy + fm.getAscent() / 2 + 14);
      line++;
    }
  }

  // ------------------------------------------------------------------ sample grid

  /** The stored BGR frame as a picture. */
  public static BufferedImage frameImage(FrameSample f) {
    BufferedImage img =
        new BufferedImage(
            ModelShapes.FRAME_WIDTH, ModelShapes.FRAME_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(f.bgr(), 0, data, 0, data.length);
    return img;
  }

  /**
   * One row per kept frame: the frame (sounding boxes in green), the true energy map, and per model
   * its energy map and that map over the frame.
   */
  public static BufferedImage grid(Report report, String title) {
    List<BufferedImage> tiles = new ArrayList<>();
    for (GridSample s : report.grid()) {
      FrameSample f = s.frame();
      BufferedImage frame = frameImage(f);
      tiles.add(
          captioned(
              withBoxes(frame, f.boxes()),
              String.format(
                  Locale.ROOT, "%s #%d (%s)", f.source(), f.entry(), className(report, f))));
      tiles.add(
          Heatmap.render(
              s.truthEnergy(),
              ModelShapes.ROWS,
              ModelShapes.COLS,
              Heatmap.Style.titled("true energy", null).withCellPixels(6)));
      for (int m = 0; m < s.generated().size(); m++) {
        Double iou = s.iou().get(m);
        String name = report.models().get(m);
        String label = iou == null ? name : String.format(Locale.ROOT, "%s, IoU %.2f", name, iou);
        tiles.add(
            Heatmap.render(
                s.generated().get(m),
                ModelShapes.ROWS,
                ModelShapes.COLS,
                Heatmap.Style.titled(label, null).withCellPixels(6)));
        tiles.add(
            Heatmap.render(
                s.generated().get(m),
                ModelShapes.ROWS,
                ModelShapes.COLS,
                Heatmap.Style.titled("overlay", null).withBackground(frame, 0.7)));
      }
    }
    int columns = 2 + 2 * report.models().size();
    return Heatmap.grid(tiles, columns, title);
  }

  private static String className(Report report, FrameSample f) {
    for (ClassInfo c : report.classes()) {
      if (c.id() == f.classId()) {
        return c.name();
      }
    }
    return "class " + f.classId();
  }

  private static BufferedImage withBoxes(BufferedImage frame, List<SoundingBox> boxes) {
    BufferedImage out =
        new BufferedImage(frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(frame, 0, 0, null);
      g.setColor(new Color(0x00e000));
      g.setStroke(new BasicStroke(2f));
      for (SoundingBox b : boxes) {
        g.drawRect(b.x0(), b.y0(), b.x1() - b.x0() - 1, b.y1() - b.y0() - 1);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  private static BufferedImage captioned(BufferedImage image, String caption) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D sg = scratch.createGraphics();
    FontMetrics fm = sg.getFontMetrics(SMALL_FONT);
    sg.dispose();
    int w = Math.max(image.getWidth(), fm.stringWidth(caption)) + 8;
    int h = image.getHeight() + fm.getHeight() + 12;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setColor(Color.BLACK);
      g.setFont(SMALL_FONT);
      g.drawString(caption, (w - fm.stringWidth(caption)) / 2, 4 + fm.getAscent());
      g.drawImage(image, (w - image.getWidth()) / 2, fm.getHeight() + 8, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
