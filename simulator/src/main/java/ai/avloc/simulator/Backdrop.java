package ai.avloc.simulator;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Optional;
import java.util.Random;

/**
 * The still part of a camera's view, drawn once per scene: a sky over the ground, split at a
 * horizon, with texture. {@link #night(long)} is the gateway's simulated cameras' dark scene;
 * {@link #random(Random)} varies the light (day, overcast, dusk, night), the ground (grass,
 * asphalt, sand, water, snow), the horizon's height and tilt, clouds, a skyline of hills, trees or
 * buildings, and ground patches, so that a model trained on synthetic frames does not learn one
 * background. {@link #photo} is a crop of a photograph instead, so that a model meets real pictures
 * behind the objects.
 */
public final class Backdrop {
  /** Sky colours at the top and at the horizon, ground colours at the horizon and at the bottom. */
  private final Color skyTop;

  private final Color skyHorizon;
  private final Color groundNear;
  private final Color groundFar;
  private final double horizon;
  private final double tilt;
  private final int grain;
  private final long seed;
  private final boolean decorated;

  /** The photograph and its crop {x0, y0, x1, y1} in fractions of its size; null when drawn. */
  private final BufferedImage photo;

  private final double[] crop;
  private final String photoName;

  private Backdrop(
      Color skyTop,
      Color skyHorizon,
      Color groundFar,
      Color groundNear,
      double horizon,
      double tilt,
      int grain,
      long seed,
      boolean decorated) {
    this.skyTop = skyTop;
    this.skyHorizon = skyHorizon;
    this.groundFar = groundFar;
    this.groundNear = groundNear;
    this.horizon = horizon;
    this.tilt = tilt;
    this.grain = grain;
    this.seed = seed;
    this.decorated = decorated;
    this.photo = null;
    this.crop = null;
    this.photoName = null;
  }

  private Backdrop(String name, BufferedImage photo, double[] crop) {
    this.skyTop = Color.BLACK;
    this.skyHorizon = Color.BLACK;
    this.groundFar = Color.BLACK;
    this.groundNear = Color.BLACK;
    this.horizon = 0;
    this.tilt = 0;
    this.grain = 0;
    this.seed = 0;
    this.decorated = false;
    this.photo = photo;
    this.crop = crop.clone();
    this.photoName = name;
  }

  /**
   * A photograph's region {x0, y0, x1, y1} (fractions of its width and height, x0 &lt; x1, y0 &lt;
   * y1) scaled to the frame; {@code name} says which photograph it is (the dataset card counts
   * them). The picture is shared, never changed.
   */
  public static Backdrop photo(String name, BufferedImage picture, double[] crop) {
    if (crop.length != 4
        || !(0 <= crop[0] && crop[0] < crop[2] && crop[2] <= 1)
        || !(0 <= crop[1] && crop[1] < crop[3] && crop[3] <= 1)) {
      throw new IllegalArgumentException("a crop needs 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1");
    }
    return new Backdrop(name, picture, crop);
  }

  /** The photograph's name when this backdrop is one, else empty. */
  public Optional<String> photoName() {
    return Optional.ofNullable(photoName);
  }

  /**
   * The gateway cameras' scene: a dark night sky over darker ground at 58 % of the height, with
   * faint fixed grain from {@code seed} so the JPEG encoder sees something like a real image.
   */
  public static Backdrop night(long seed) {
    return new Backdrop(
        new Color(22, 26, 48),
        new Color(30, 34, 51),
        new Color(26, 28, 22),
        new Color(26, 24, 22),
        0.58,
        0,
        3,
        seed,
        false);
  }

  /** A random outdoor scene: every choice is drawn from {@code random}. */
  public static Backdrop random(Random random) {
    Color skyTop;
    Color skyHorizon;
    double light;
    switch (random.nextInt(4)) {
      case 0 -> { // clear day
        skyTop = jitter(new Color(60, 110, 190), random, 25);
        skyHorizon = jitter(new Color(170, 200, 230), random, 20);
        light = 1;
      }
      case 1 -> { // overcast
        int g = 140 + random.nextInt(60);
        skyTop = jitter(new Color(g - 20, g - 15, g - 5), random, 10);
        skyHorizon = jitter(new Color(g + 25, g + 25, g + 25), random, 10);
        light = 0.85;
      }
      case 2 -> { // dusk
        skyTop = jitter(new Color(60, 60, 120), random, 25);
        skyHorizon = jitter(new Color(235, 150, 90), random, 25);
        light = 0.6;
      }
      default -> { // night
        skyTop = jitter(new Color(15, 20, 40), random, 10);
        skyHorizon = jitter(new Color(40, 45, 70), random, 12);
        light = 0.3;
      }
    }
    Color ground =
        switch (random.nextInt(5)) {
          case 0 -> new Color(70, 120, 50); // grass
          case 1 -> new Color(95, 95, 100); // asphalt
          case 2 -> new Color(190, 170, 120); // sand
          case 3 -> new Color(40, 80, 120); // water
          default -> new Color(225, 230, 235); // snow
        };
    ground = scale(jitter(ground, random, 20), light);
    Color groundFar = scale(mix(ground, skyHorizon, 0.35), 1.0);
    Color groundNear = scale(ground, 0.8);
    double horizon = 0.3 + 0.45 * random.nextDouble();
    double tilt = (random.nextDouble() - 0.5) * 0.12;
    int grain = 2 + random.nextInt(8);
    return new Backdrop(
        skyTop, skyHorizon, groundFar, groundNear, horizon, tilt, grain, random.nextLong(), true);
  }

  /** The picture at {@code width} x {@code height}, BGR bytes. */
  public BufferedImage draw(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    if (photo != null) {
      Graphics2D g = image.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      int w = photo.getWidth();
      int h = photo.getHeight();
      g.drawImage(
          photo,
          0,
          0,
          width,
          height,
          (int) Math.round(crop[0] * w),
          (int) Math.round(crop[1] * h),
          (int) Math.round(crop[2] * w),
          (int) Math.round(crop[3] * h),
          null);
      g.dispose();
      return image;
    }
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    Random random = new Random(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double h = horizonAt(x, width) * height;
        Color c;
        if (y < h) {
          c = mix(skyTop, skyHorizon, y / Math.max(1, h));
        } else {
          c = mix(groundFar, groundNear, (y - h) / Math.max(1, height - h));
        }
        int n = random.nextInt(2 * grain + 1) - grain;
        int p = 3 * (y * width + x);
        bgr[p] = (byte) clamp(c.getBlue() + n);
        bgr[p + 1] = (byte) clamp(c.getGreen() + n);
        bgr[p + 2] = (byte) clamp(c.getRed() + n);
      }
    }
    if (decorated) {
      decorate(image, random);
    }
    return image;
  }

  /** The horizon's height at column x as a fraction of the image height. */
  private double horizonAt(int x, int width) {
    return horizon + tilt * ((x + 0.5) / width - 0.5);
  }

  private void decorate(BufferedImage image, Random random) {
    int width = image.getWidth();
    int height = image.getHeight();
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    // clouds: soft translucent ellipses in the sky
    int clouds = random.nextInt(6);
    Color cloud = mix(skyHorizon, Color.WHITE, 0.5);
    for (int i = 0; i < clouds; i++) {
      double cx = random.nextDouble() * width;
      double cy = random.nextDouble() * horizon * height * 0.8;
      double w = (0.1 + 0.25 * random.nextDouble()) * width;
      double h = w * (0.15 + 0.2 * random.nextDouble());
      g.setColor(withAlpha(cloud, 70 + random.nextInt(80)));
      for (int k = 0; k < 3; k++) {
        double dx = (random.nextDouble() - 0.5) * w * 0.6;
        double dy = (random.nextDouble() - 0.5) * h * 0.5;
        g.fill(new Ellipse2D.Double(cx + dx - w / 2, cy + dy - h / 2, w, h));
      }
    }
    // a skyline along the horizon: hills, a tree line or buildings, darker than the sky
    Color skyline = mix(groundFar, skyHorizon, 0.3 + 0.3 * random.nextDouble());
    g.setColor(skyline);
    Path2D.Double line = new Path2D.Double();
    line.moveTo(0, horizonAt(0, width) * height + 1);
    int kind = random.nextInt(4);
    double x = 0;
    while (x < width) {
      double base = horizonAt((int) x, width) * height + 1;
      switch (kind) {
        case 0 -> { // hills
          double w = 40 + random.nextDouble() * 80;
          double h = 5 + random.nextDouble() * 20;
          line.quadTo(x + w / 2, base - 2 * h, x + w, base);
          x += w;
        }
        case 1 -> { // trees
          double w = 4 + random.nextDouble() * 8;
          double h = 6 + random.nextDouble() * 14;
          line.lineTo(x + w / 2, base - h);
          line.lineTo(x + w, base);
          x += w;
        }
        case 2 -> { // buildings
          double w = 10 + random.nextDouble() * 30;
          double h = 8 + random.nextDouble() * 35;
          line.lineTo(x, base - h);
          line.lineTo(x + w, base - h);
          line.lineTo(x + w, base);
          x += w;
        }
        default -> { // open horizon
          line.lineTo(width, base);
          x = width;
        }
      }
    }
    line.lineTo(width, horizonAt(width - 1, width) * height + 1);
    line.closePath();
    g.fill(line);
    // ground patches: a road band or darker and lighter blotches
    int patches = random.nextInt(7);
    for (int i = 0; i < patches; i++) {
      double cy = (horizonAt(width / 2, width) + (1 - horizon) * random.nextDouble()) * height;
      double w = (0.1 + 0.5 * random.nextDouble()) * width;
      double h = w * (0.05 + 0.1 * random.nextDouble());
      Color c =
          scale(mix(groundFar, groundNear, random.nextDouble()), 0.75 + 0.5 * random.nextDouble());
      g.setColor(withAlpha(c, 90 + random.nextInt(100)));
      g.fill(new Ellipse2D.Double(random.nextDouble() * width - w / 2, cy - h / 2, w, h));
    }
    g.dispose();
  }

  static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  static Color jitter(Color c, Random random, int amount) {
    return new Color(
        clamp(c.getRed() + random.nextInt(2 * amount + 1) - amount),
        clamp(c.getGreen() + random.nextInt(2 * amount + 1) - amount),
        clamp(c.getBlue() + random.nextInt(2 * amount + 1) - amount));
  }

  static Color mix(Color a, Color b, double w) {
    double v = Math.max(0, Math.min(1, w));
    return new Color(
        (int) Math.round(a.getRed() + v * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + v * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + v * (b.getBlue() - a.getBlue())));
  }

  static Color scale(Color c, double f) {
    return new Color(
        clamp((int) Math.round(c.getRed() * f)),
        clamp((int) Math.round(c.getGreen() * f)),
        clamp((int) Math.round(c.getBlue() * f)));
  }

  static Color withAlpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }
}
