package ai.avloc.simulator;

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

/**
 * What a camera co-located with the array sees: a backdrop and the scene's objects, nearer ones
 * over farther ones. An object whose label names a known class ({@link ObjectShape}: drone, car,
 * bird, ...) is drawn in that class's shape at its real size, anything else as a bright disc with a
 * white core at its projected centre, sized by its distance. The projection is {@code
 * LookGrid.cameraFov}'s, so an object is drawn where the beamformer's grid looks for its sound.
 *
 * <p>Shared by the gateway's simulated cameras (a scene's sound sources on a dark night backdrop)
 * and the synthetic training data (sounding objects and silent distractors on random backdrops), so
 * the model sees at run time what it was trained on.
 */
public final class SceneRenderer {
  /** Radius in metres of the disc drawn for a source of no known class. */
  static final double OBJECT_RADIUS_M = 0.25;

  private final List<VisualObject> objects;
  private final int width;
  private final int height;
  private final double hfovDeg;
  private final double vfovDeg;
  private final double focalX;
  private final double focalY;
  private final BufferedImage background;

  /**
   * A scene's sound sources, source i as object i, on the night backdrop of the scene's seed: a
   * source of a known class in that class's shape and typical size, any other as a disc.
   */
  public SceneRenderer(Scene scene, int width, int height, double hfovDeg, double vfovDeg) {
    this(objectsOf(scene), Backdrop.night(scene.seed()), width, height, hfovDeg, vfovDeg);
  }

  /** Any objects on any backdrop; {@link #pixelOf} and {@link #boxOf} index {@code objects}. */
  public SceneRenderer(
      List<VisualObject> objects,
      Backdrop backdrop,
      int width,
      int height,
      double hfovDeg,
      double vfovDeg) {
    this.objects = List.copyOf(objects);
    this.width = width;
    this.height = height;
    this.hfovDeg = hfovDeg;
    this.vfovDeg = vfovDeg;
    this.focalX = width / (2 * Math.tan(Math.toRadians(hfovDeg) / 2));
    this.focalY = height / (2 * Math.tan(Math.toRadians(vfovDeg) / 2));
    this.background = backdrop.draw(width, height);
  }

  /** Source i of the scene as a visual object: its class, its path, a colour of its own. */
  public static List<VisualObject> objectsOf(Scene scene) {
    List<VisualObject> out = new ArrayList<>();
    for (int i = 0; i < scene.sources().size(); i++) {
      SoundSource source = scene.sources().get(i);
      Color colour = Color.getHSBColor((float) ((0.08 + i * 0.618034) % 1), 0.55f, 1f);
      out.add(
          new VisualObject(
              source.label(),
              source.trajectory(),
              ObjectShape.forLabel(source.label()).defaultSize(),
              colour,
              Backdrop.scale(colour, 0.35),
              0,
              false));
    }
    return out;
  }

  public List<VisualObject> objects() {
    return objects;
  }

  /**
   * Where object {@code object}'s centre appears at scene time {@code t}, in pixels (x right, y
   * down; pixel column c covers [c, c + 1)), or null when the camera does not see it.
   */
  public double[] pixelOf(int object, double t) {
    return project(objects.get(object).trajectory().positionAt(t), hfovDeg, vfovDeg, width, height);
  }

  /**
   * The box {x0, y0, x1, y1} in pixels that object {@code object} covers at time t, clipped to the
   * frame, or null when none of it is in the frame (occlusion by nearer objects not counted).
   */
  public double[] boxOf(int object, double t) {
    double[] box = fullBox(objects.get(object), t);
    if (box == null) {
      return null;
    }
    double x0 = Math.max(0, box[0]);
    double y0 = Math.max(0, box[1]);
    double x1 = Math.min(width, box[2]);
    double y1 = Math.min(height, box[3]);
    return x1 > x0 && y1 > y0 ? new double[] {x0, y0, x1, y1} : null;
  }

  /**
   * The pinhole projection of {@code LookGrid.cameraFov}: direction (x, y, z) lands at u = (x/z /
   * tan(hfov/2) + 1)/2 of the width and v = (y/z / tan(vfov/2) + 1)/2 of the height.
   *
   * @return {x, y} in pixels, or null behind the camera or outside the image
   */
  public static double[] project(
      double[] position, double hfovDeg, double vfovDeg, int width, int height) {
    double[] p = projectAnywhere(position, hfovDeg, vfovDeg, width, height);
    if (p == null || !(p[0] >= 0 && p[0] < width && p[1] >= 0 && p[1] < height)) {
      return null;
    }
    return p;
  }

  /** {@link #project} without the check that the point falls inside the image. */
  static double[] projectAnywhere(
      double[] position, double hfovDeg, double vfovDeg, int width, int height) {
    if (!(position[2] > 0)) {
      return null;
    }
    double u = (position[0] / position[2] / Math.tan(Math.toRadians(hfovDeg) / 2) + 1) / 2;
    double v = (position[1] / position[2] / Math.tan(Math.toRadians(vfovDeg) / 2) + 1) / 2;
    return new double[] {u * width, v * height};
  }

  /** The unclipped box of an object at time t, or null behind the camera. */
  private double[] fullBox(VisualObject object, double t) {
    double[] position = object.trajectory().positionAt(t);
    double[] c = projectAnywhere(position, hfovDeg, vfovDeg, width, height);
    if (c == null) {
      return null;
    }
    ObjectShape shape = object.shape();
    double halfW;
    double halfH;
    if (shape == ObjectShape.DISC) {
      halfW = discRadius(position);
      halfH = halfW;
    } else {
      halfW = shape.width() * object.size() * focalX / position[2] / 2;
      halfH = shape.height() * object.size() * focalY / position[2] / 2;
    }
    return new double[] {c[0] - halfW, c[1] - halfH, c[0] + halfW, c[1] + halfH};
  }

  private double discRadius(double[] position) {
    double distance =
        Math.sqrt(
            position[0] * position[0] + position[1] * position[1] + position[2] * position[2]);
    return Math.max(4, Math.min(30, focalX * OBJECT_RADIUS_M / distance));
  }

  /** The frame at scene time {@code t}. */
  public BufferedImage render(double t) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.drawImage(background, 0, 0, null);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    // far objects first, so a nearer one covers them as it would in a camera
    List<Integer> order = new ArrayList<>();
    double[] distance = new double[objects.size()];
    for (int i = 0; i < objects.size(); i++) {
      order.add(i);
      double[] p = objects.get(i).trajectory().positionAt(t);
      distance[i] = Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> distance[i]).reversed());
    for (int i : order) {
      VisualObject object = objects.get(i);
      if (object.shape() == ObjectShape.DISC) {
        drawDisc(g, object, t);
      } else {
        drawShape(g, object, t);
      }
    }
    g.dispose();
    return image;
  }

  private void drawDisc(Graphics2D g, VisualObject object, double t) {
    double[] position = object.trajectory().positionAt(t);
    double[] pixel = project(position, hfovDeg, vfovDeg, width, height);
    if (pixel == null) {
      return;
    }
    float radius = (float) discRadius(position);
    Color colour = object.colour();
    // white core fading to the object's colour: the brightest spot is the projected centre
    g.setPaint(
        new RadialGradientPaint(
            new Point2D.Double(pixel[0], pixel[1]),
            radius,
            new float[] {0f, 0.5f, 1f},
            new Color[] {Color.WHITE, colour, colour.darker()}));
    g.fill(new Ellipse2D.Double(pixel[0] - radius, pixel[1] - radius, 2 * radius, 2 * radius));
  }

  private void drawShape(Graphics2D g, VisualObject object, double t) {
    double[] box = fullBox(object, t);
    if (box == null || box[2] <= 0 || box[0] >= width || box[3] <= 0 || box[1] >= height) {
      return;
    }
    double[] position = object.trajectory().positionAt(t);
    Graphics2D local = (Graphics2D) g.create();
    local.translate((box[0] + box[2]) / 2, (box[1] + box[3]) / 2);
    double sx = object.size() * focalX / position[2];
    double sy = object.size() * focalY / position[2];
    local.scale(object.mirrored() ? -sx : sx, sy);
    double motion = object.trajectory().isStatic() ? 0 : 1;
    object
        .shape()
        .draw(
            local,
            new ObjectShape.Look(object.colour(), object.accent(), object.phase(), motion),
            t);
    local.dispose();
  }
}
