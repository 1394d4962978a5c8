package ai.avloc.simulator;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.util.Locale;

/**
 * How an object of a visual class looks: a side or front silhouette with a few parts in a main and
 * an accent colour, some of them moving with time (rotors, wings, fan blades, legs, a flashing
 * beacon). A shape is drawn in its own unit box, {@link #width()} x {@link #height()} object sizes
 * centred on the origin, y down; the renderer scales that box to the object's projected size, so
 * the box's centre is the object's projected position (where its sound comes from).
 *
 * <p>{@link #DISC} is the shape of anything else: the gateway cameras' bright disc with a white
 * core.
 */
public enum ObjectShape {
  DISC(1, 1, 0.5) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      throw new UnsupportedOperationException("the renderer draws discs itself");
    }
  },
  /** A quadcopter from the side: body, arms, spinning rotor discs, landing legs; size = span. */
  DRONE(1, 0.4, 0.6) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      g.setColor(look.accent);
      g.setStroke(new BasicStroke(0.025f));
      g.draw(new Line2D.Double(-0.12, 0.06, -0.2, 0.19));
      g.draw(new Line2D.Double(0.12, 0.06, 0.2, 0.19));
      g.setStroke(new BasicStroke(0.04f));
      g.draw(new Line2D.Double(-0.4, -0.06, 0.4, -0.06));
      fill(g, new RoundRectangle2D.Double(-0.17, -0.09, 0.34, 0.17, 0.08, 0.08), look.colour);
      fill(g, new Rectangle2D.Double(-0.03, -0.14, 0.06, 0.08), look.colour);
      // rotor discs blur into translucent ellipses whose width flickers with the blade angle
      for (double x : new double[] {-0.37, 0.37}) {
        double w = 0.26 + 0.04 * Math.sin(2 * Math.PI * (9 * t + look.phase + x));
        g.setColor(Backdrop.withAlpha(Backdrop.mix(look.accent, Color.WHITE, 0.4), 160));
        g.fill(new Ellipse2D.Double(x - w / 2, -0.16, w, 0.05));
        fill(g, new Rectangle2D.Double(x - 0.015, -0.13, 0.03, 0.07), look.accent);
      }
      fill(g, new Ellipse2D.Double(-0.05, 0.0, 0.1, 0.06), Color.DARK_GRAY);
    }
  },
  /** A car from the side: body, cabin with windows, wheels; size = length. */
  CAR(1, 0.36, 4.3) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      Path2D.Double cabin = new Path2D.Double();
      cabin.moveTo(-0.3, -0.03);
      cabin.lineTo(-0.17, -0.17);
      cabin.lineTo(0.13, -0.17);
      cabin.lineTo(0.28, -0.03);
      cabin.closePath();
      fill(g, cabin, look.colour);
      Path2D.Double windows = new Path2D.Double();
      windows.moveTo(-0.26, -0.04);
      windows.lineTo(-0.155, -0.15);
      windows.lineTo(0.12, -0.15);
      windows.lineTo(0.24, -0.04);
      windows.closePath();
      fill(g, windows, new Color(150, 185, 210));
      fill(g, new Rectangle2D.Double(-0.02, -0.16, 0.025, 0.13), look.colour);
      fill(g, new RoundRectangle2D.Double(-0.5, -0.04, 1.0, 0.15, 0.08, 0.08), look.colour);
      fill(g, new Rectangle2D.Double(0.44, -0.02, 0.05, 0.03), new Color(250, 240, 190));
      fill(g, new Rectangle2D.Double(-0.49, -0.02, 0.03, 0.03), new Color(200, 30, 30));
      for (double x : new double[] {-0.3, 0.3}) {
        fill(g, new Ellipse2D.Double(x - 0.075, 0.035, 0.15, 0.145), new Color(25, 25, 25));
        fill(g, new Ellipse2D.Double(x - 0.035, 0.075, 0.07, 0.065), look.accent);
      }
    }
  },
  /** A flying bird head-on: body and two wings that flap; size = wingspan. */
  BIRD(1, 0.5, 0.7) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      double flap = Math.sin(2 * Math.PI * (3 * t + look.phase));
      g.setColor(look.colour);
      g.setStroke(new BasicStroke(0.07f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      for (int side : new int[] {-1, 1}) {
        Path2D.Double wing = new Path2D.Double();
        wing.moveTo(0, 0);
        wing.quadTo(side * 0.22, -0.05 - 0.12 * flap, side * 0.46, 0.02 - 0.2 * flap);
        g.draw(wing);
      }
      fill(g, new Ellipse2D.Double(-0.07, -0.07, 0.14, 0.22), look.colour);
      fill(g, new Ellipse2D.Double(-0.05, -0.13, 0.1, 0.09), look.accent);
      Path2D.Double beak = new Path2D.Double();
      beak.moveTo(-0.02, -0.06);
      beak.lineTo(0.02, -0.06);
      beak.lineTo(0, -0.01);
      beak.closePath();
      fill(g, beak, new Color(230, 170, 40));
    }
  },
  /** A PA loudspeaker from the front: cabinet, woofer, tweeter; size = height. */
  LOUDSPEAKER(0.62, 1, 0.9) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      fill(g, new RoundRectangle2D.Double(-0.31, -0.5, 0.62, 1.0, 0.06, 0.06), look.colour);
      Color ring = Backdrop.mix(look.colour, Color.WHITE, 0.35);
      fill(g, new Ellipse2D.Double(-0.24, -0.06, 0.48, 0.48), ring);
      fill(g, new Ellipse2D.Double(-0.2, -0.02, 0.4, 0.4), look.accent);
      fill(g, new Ellipse2D.Double(-0.06, 0.12, 0.12, 0.12), Backdrop.scale(look.accent, 0.5));
      fill(g, new Ellipse2D.Double(-0.11, -0.39, 0.22, 0.22), ring);
      fill(g, new Ellipse2D.Double(-0.07, -0.35, 0.14, 0.14), look.accent);
    }
  },
  /** A standing fan from the front: base, pole, round guard, turning blades; size = height. */
  FAN(0.8, 1, 1.0) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      fill(g, new Ellipse2D.Double(-0.28, 0.44, 0.56, 0.06), look.accent);
      fill(g, new Rectangle2D.Double(-0.03, 0.1, 0.06, 0.36), look.accent);
      fill(g, new Ellipse2D.Double(-0.4, -0.5, 0.8, 0.8), Backdrop.withAlpha(look.colour, 90));
      double angle = 2 * Math.PI * (1.3 * t + look.phase);
      for (int b = 0; b < 3; b++) {
        Graphics2D blade = (Graphics2D) g.create();
        blade.translate(0, -0.1);
        blade.rotate(angle + b * 2 * Math.PI / 3);
        fill(blade, new Ellipse2D.Double(0.04, -0.07, 0.32, 0.14), look.colour);
        blade.dispose();
      }
      fill(g, new Ellipse2D.Double(-0.06, -0.16, 0.12, 0.12), look.accent);
      g.setColor(look.accent);
      g.setStroke(new BasicStroke(0.025f));
      g.draw(new Ellipse2D.Double(-0.4, -0.5, 0.8, 0.8));
      g.draw(new Line2D.Double(-0.4, -0.1, 0.4, -0.1));
      g.draw(new Line2D.Double(0, -0.5, 0, 0.3));
    }
  },
  /** A siren beacon: dark base under a coloured dome that flashes, rays when lit; size = height. */
  SIREN(0.9, 1, 0.6) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      boolean lit = Math.sin(2 * Math.PI * (2 * t + look.phase)) > 0;
      Color dome =
          lit ? Backdrop.mix(look.colour, Color.WHITE, 0.35) : Backdrop.scale(look.colour, 0.55);
      if (lit) {
        g.setColor(Backdrop.withAlpha(look.colour, 150));
        g.setStroke(new BasicStroke(0.03f));
        for (int r = 0; r < 7; r++) {
          double a = Math.PI * (r + 0.5) / 7;
          g.draw(
              new Line2D.Double(
                  0.24 * Math.cos(a), -0.08 - 0.26 * Math.sin(a),
                  0.44 * Math.cos(a), -0.08 - 0.42 * Math.sin(a)));
        }
      }
      fill(g, new RoundRectangle2D.Double(-0.18, -0.32, 0.36, 0.5, 0.3, 0.3), dome);
      fill(
          g, new Rectangle2D.Double(-0.06, -0.28, 0.05, 0.3), Backdrop.withAlpha(Color.WHITE, 110));
      fill(g, new RoundRectangle2D.Double(-0.26, 0.12, 0.52, 0.16, 0.04, 0.04), look.accent);
      fill(g, new Rectangle2D.Double(-0.05, 0.28, 0.1, 0.22), look.accent);
    }
  },
  /**
   * A dog from the side: body, head with an ear and a snout, legs that walk, tail; size = length.
   */
  DOG(1, 0.75, 0.9) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      double step = Math.sin(2 * Math.PI * (2.2 * t + look.phase)) * look.motion;
      g.setColor(look.colour);
      g.setStroke(new BasicStroke(0.07f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-0.2, 0.05, -0.2 - 0.08 * step, 0.36));
      g.draw(new Line2D.Double(-0.1, 0.05, -0.1 + 0.08 * step, 0.36));
      g.draw(new Line2D.Double(0.15, 0.05, 0.15 + 0.08 * step, 0.36));
      g.draw(new Line2D.Double(0.25, 0.05, 0.25 - 0.08 * step, 0.36));
      g.setStroke(new BasicStroke(0.05f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-0.3, -0.05, -0.45, -0.25 + 0.05 * step));
      fill(g, new Ellipse2D.Double(-0.34, -0.13, 0.66, 0.24), look.colour);
      fill(g, new Ellipse2D.Double(0.2, -0.33, 0.22, 0.2), look.colour);
      fill(g, new Ellipse2D.Double(0.33, -0.26, 0.17, 0.1), look.accent);
      fill(g, new Ellipse2D.Double(0.45, -0.26, 0.05, 0.04), new Color(20, 20, 20));
      Path2D.Double ear = new Path2D.Double();
      ear.moveTo(0.22, -0.3);
      ear.lineTo(0.27, -0.375);
      ear.lineTo(0.31, -0.29);
      ear.closePath();
      fill(g, ear, look.accent);
    }
  },
  /** A standing or walking person: head, torso, arms, legs; size = height. */
  PERSON(0.4, 1, 1.75) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      double step = Math.sin(2 * Math.PI * (1.8 * t + look.phase)) * look.motion;
      g.setColor(look.accent);
      g.setStroke(new BasicStroke(0.07f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-0.05, 0.02, -0.06 - 0.1 * step, 0.46));
      g.draw(new Line2D.Double(0.05, 0.02, 0.06 + 0.1 * step, 0.46));
      g.setColor(look.colour);
      g.setStroke(new BasicStroke(0.055f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-0.12, -0.28, -0.15 + 0.08 * step, 0.02));
      g.draw(new Line2D.Double(0.12, -0.28, 0.15 - 0.08 * step, 0.02));
      fill(g, new RoundRectangle2D.Double(-0.12, -0.32, 0.24, 0.38, 0.08, 0.08), look.colour);
      fill(g, new Ellipse2D.Double(-0.075, -0.5, 0.15, 0.16), new Color(224, 180, 140));
      fill(g, new Ellipse2D.Double(-0.075, -0.5, 0.15, 0.06), Backdrop.scale(look.accent, 0.6));
    }
  },
  /** A motor boat from the side: hull, cabin with a window, mast with a flag; size = length. */
  BOAT(1, 0.55, 5) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      g.setColor(look.accent);
      g.setStroke(new BasicStroke(0.015f));
      g.draw(new Line2D.Double(-0.05, -0.08, -0.05, -0.275));
      Path2D.Double flag = new Path2D.Double();
      double wave = 0.015 * Math.sin(2 * Math.PI * (1.5 * t + look.phase));
      flag.moveTo(-0.05, -0.275);
      flag.lineTo(-0.05 - 0.12, -0.25 + wave);
      flag.lineTo(-0.05, -0.225);
      flag.closePath();
      fill(g, flag, new Color(200, 40, 40));
      fill(g, new RoundRectangle2D.Double(-0.25, -0.12, 0.36, 0.15, 0.03, 0.03), Color.WHITE);
      fill(g, new Rectangle2D.Double(-0.2, -0.09, 0.24, 0.05), new Color(60, 90, 120));
      Path2D.Double hull = new Path2D.Double();
      hull.moveTo(-0.46, 0.02);
      hull.lineTo(0.5, 0.0);
      hull.lineTo(0.36, 0.2);
      hull.lineTo(-0.42, 0.2);
      hull.closePath();
      fill(g, hull, look.colour);
      fill(g, new Rectangle2D.Double(-0.43, 0.02, 0.9, 0.03), look.accent);
      fill(g, new Rectangle2D.Double(-0.5, 0.02, 0.05, 0.2), new Color(50, 50, 50));
    }
  },
  /**
   * A motorbike with its rider from the side: wheels, frame, tank, rider and helmet; size = length.
   */
  MOTORBIKE(1, 0.8, 2.1) {
    @Override
    void draw(Graphics2D g, Look look, double t) {
      g.translate(0, 0.06);
      for (double x : new double[] {-0.32, 0.32}) {
        g.setColor(new Color(25, 25, 25));
        g.setStroke(new BasicStroke(0.05f));
        g.draw(new Ellipse2D.Double(x - 0.14, 0.05, 0.28, 0.28));
        fill(g, new Ellipse2D.Double(x - 0.03, 0.16, 0.06, 0.06), Color.GRAY);
      }
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(0.035f));
      g.draw(new Line2D.Double(0.32, 0.19, 0.22, -0.08));
      Path2D.Double body = new Path2D.Double();
      body.moveTo(-0.32, 0.12);
      body.lineTo(-0.1, 0.02);
      body.lineTo(0.22, 0.0);
      body.lineTo(0.18, 0.16);
      body.lineTo(-0.05, 0.2);
      body.closePath();
      fill(g, body, look.colour);
      fill(g, new Ellipse2D.Double(0.0, -0.06, 0.22, 0.1), look.colour);
      fill(g, new RoundRectangle2D.Double(-0.3, -0.03, 0.28, 0.06, 0.04, 0.04), Color.DARK_GRAY);
      // rider
      g.setColor(look.accent);
      g.setStroke(new BasicStroke(0.07f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(-0.12, -0.04, 0.04, 0.12));
      g.draw(new Line2D.Double(-0.1, -0.3, 0.15, -0.1));
      fill(g, new RoundRectangle2D.Double(-0.19, -0.32, 0.15, 0.3, 0.06, 0.06), look.accent);
      fill(g, new Ellipse2D.Double(-0.17, -0.46, 0.16, 0.15), look.colour);
      fill(g, new Rectangle2D.Double(-0.05, -0.41, 0.05, 0.05), new Color(40, 40, 40));
    }
  };

  private final double width;
  private final double height;
  private final double defaultSize;

  ObjectShape(double width, double height, double defaultSize) {
    this.width = width;
    this.height = height;
    this.defaultSize = defaultSize;
  }

  /** Width of the shape's box in object sizes. */
  public double width() {
    return width;
  }

  /** Height of the shape's box in object sizes. */
  public double height() {
    return height;
  }

  /** A typical size in metres (the length, span or height the shape is scaled by). */
  public double defaultSize() {
    return defaultSize;
  }

  /** The lower-case name, which is also the class label that selects the shape. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The shape a class label names ({@code "drone"}, case-insensitive), else {@link #DISC}. */
  public static ObjectShape forLabel(String label) {
    if (label != null) {
      for (ObjectShape s : values()) {
        if (s != DISC && s.label().equalsIgnoreCase(label.strip())) {
          return s;
        }
      }
    }
    return DISC;
  }

  /** Colours and motion of one object as the shape draws it. */
  record Look(Color colour, Color accent, double phase, double motion) {}

  /**
   * Draws the shape at the origin of {@code g}, whose transform maps one object size to the
   * object's projected size; {@code t} animates the moving parts.
   */
  abstract void draw(Graphics2D g, Look look, double t);

  private static void fill(Graphics2D g, Shape shape, Color colour) {
    g.setColor(colour);
    g.fill(shape);
  }
}
