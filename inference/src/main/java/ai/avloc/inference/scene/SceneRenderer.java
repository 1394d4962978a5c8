package ai.avloc.inference.scene;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * What a camera co-located with the array sees of a scene: a dark textured background and each
 * sound source drawn as a bright disc, white at its projected centre, sized by its distance, nearer
 * ones over farther ones. The projection is {@code LookGrid.cameraFov}'s, so a source is drawn
 * where the beamformer's grid looks for it. Shared by the gateway's simulated cameras and the
 * synthetic training data, so the model sees at run time what it was trained on.
 */
public final class SceneRenderer {
  /** Radius in metres of the object drawn for a source (a small drone, a loudspeaker). */
  static final double OBJECT_RADIUS_M = 0.25;

  private final Scene scene;
  private final int width;
  private final int height;
  private final double hfovDeg;
  private final double vfovDeg;
  private final BufferedImage background;
  private final Color[] colors;

  public SceneRenderer(Scene scene, int width, int height, double hfovDeg, double vfovDeg) {
    this.scene = scene;
    this.width = width;
    this.height = height;
    this.hfovDeg = hfovDeg;
    this.vfovDeg = vfovDeg;
    this.background = background(width, height, scene.seed());
    this.colors = new Color[scene.sources().size()];
    for (int i = 0; i < colors.length; i++) {
      colors[i] = Color.getHSBColor((float) ((0.08 + i * 0.618034) % 1), 0.55f, 1f);
    }
  }

  /**
   * Where source {@code source} appears at scene time {@code t}, in pixels (x right, y down; pixel
   * column c covers [c, c + 1)), or null when the camera does not see it.
   */
  public double[] pixelOf(int source, double t) {
    return project(scene.sources().get(source).positionAt(t), hfovDeg, vfovDeg, width, height);
  }

  /**
   * The pinhole projection of {@code LookGrid.cameraFov}: direction (x, y, z) lands at u = (x/z /
   * tan(hfov/2) + 1)/2 of the width and v = (y/z / tan(vfov/2) + 1)/2 of the height.
   *
   * @return {x, y} in pixels, or null behind the camera or outside the image
   */
  public static double[] project(
      double[] position, double hfovDeg, double vfovDeg, int width, int height) {
    if (!(position[2] > 0)) {
      return null;
    }
    double u = (position[0] / position[2] / Math.tan(Math.toRadians(hfovDeg) / 2) + 1) / 2;
    double v = (position[1] / position[2] / Math.tan(Math.toRadians(vfovDeg) / 2) + 1) / 2;
    if (!(u >= 0 && u < 1 && v >= 0 && v < 1)) {
      return null;
    }
    return new double[] {u * width, v * height};
  }

  /** The frame at scene time {@code t}. */
  public BufferedImage render(double t) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.drawImage(background, 0, 0, null);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    // far sources first, so a nearer one covers them as it would in a camera
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scene.sources().size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingDouble((Integer i) -> scene.sources().get(i).distanceAt(t)).reversed());
    double focal = width / (2 * Math.tan(Math.toRadians(hfovDeg) / 2));
    for (int i : order) {
      SoundSource source = scene.sources().get(i);
      double[] pixel = pixelOf(i, t);
      if (pixel == null) {
        continue;
      }
      float radius =
          (float) Math.max(4, Math.min(30, focal * OBJECT_RADIUS_M / source.distanceAt(t)));
      // white core fading to the source's colour: the brightest spot is the projected centre
      g.setPaint(
          new RadialGradientPaint(
              new Point2D.Double(pixel[0], pixel[1]),
              radius,
              new float[] {0f, 0.5f, 1f},
              new Color[] {Color.WHITE, colors[i], colors[i].darker()}));
      g.fill(new Ellipse2D.Double(pixel[0] - radius, pixel[1] - radius, 2 * radius, 2 * radius));
    }
    g.dispose();
    return image;
  }

  /**
   * A dark, gently textured scene: night sky over darker ground, with faint fixed grain from the
   * scene's seed so the JPEG encoder sees something like a real image.
   */
  private static BufferedImage background(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Random grain = new Random(seed);
    int horizon = (int) (0.58 * height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double f = (double) y / height;
        int r;
        int gr;
        int b;
        if (y < horizon) {
          r = (int) (22 + 14 * f);
          gr = (int) (26 + 14 * f);
          b = (int) (48 + 6 * f);
        } else {
          r = 26;
          gr = (int) (34 - 10 * f);
          b = 22;
        }
        int n = grain.nextInt(7) - 3;
        image.setRGB(x, y, new Color(r + n, gr + n, b + n).getRGB());
      }
    }
    return image;
  }
}
