package ai.avloc.inference.data;

import ai.avloc.inference.array.MicArray;
import ai.avloc.inference.scene.Backdrop;
import ai.avloc.inference.scene.Directions;
import ai.avloc.inference.scene.Scene;
import ai.avloc.inference.scene.SoundSource;
import ai.avloc.inference.scene.Trajectory;
import ai.avloc.inference.scene.VisualObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One scene of the synthetic dataset, composed from the dataset's seed and the scene's index alone:
 * a backdrop, 2–5 visible objects of which usually one (sometimes two) sounds and the rest are
 * silent distractors of other classes, sometimes an extra source outside the field of view, and a
 * diffuse background with sensor noise. Noise-only scenes show objects but none sounds.
 *
 * @param index the scene's number in the dataset (its {@code location} label)
 * @param scene what the simulator renders: the sounding objects and the off-screen source
 * @param objects every object, sounding ones first, then distractors, then the off-screen one
 * @param backdrop what is behind the objects
 * @param label the {@code classes} label: the first sounding object's class, or {@link
 *     SyntheticClass#NOISE_ONLY_ID}
 * @param diffuseSnrDb the diffuse background's level under the sources, dB; NaN for noise only
 * @param diffuseRms the diffuse background's RMS in Pa for noise only; NaN otherwise
 */
public record SyntheticScene(
    int index,
    Scene scene,
    List<Placed> objects,
    Backdrop backdrop,
    int label,
    double diffuseSnrDb,
    double diffuseRms) {

  /** What an object does in the scene. */
  public enum Role {
    SOUNDING,
    DISTRACTOR,
    OFF_SCREEN
  }

  /**
   * An object of the scene.
   *
   * @param type its class
   * @param role sounding, silent distractor, or heard but outside the view
   * @param look how it is drawn (the off-screen source is drawn too, but lies outside the view)
   * @param source its index in the scene's sources; -1 for a silent distractor
   */
  public record Placed(SyntheticClass type, Role role, VisualObject look, int source) {}

  /** Sensor noise of sounding scenes, dB under the sources. */
  static final double SENSOR_SNR_DB = 40;

  /** Sensor noise of noise-only scenes, Pa RMS: 16–36 dB under their diffuse background. */
  static final double NOISE_ONLY_SENSOR_RMS = 3e-4;

  /** Margin kept between a sounding object's centre and the frame's edge, fraction of the size. */
  static final double EDGE_MARGIN = 0.06;

  /** Composes scene {@code index} of a dataset. */
  public static SyntheticScene compose(SyntheticDataset.Config config, int index) {
    long seed = SyntheticDataset.sceneSeed(config.seed(), index);
    Random r = new Random(seed);
    double duration = config.secondsPerScene();
    boolean noiseOnly = r.nextDouble() < config.noiseOnlyFraction();
    int sounding = noiseOnly ? 0 : (r.nextDouble() < config.twoSourceFraction() ? 2 : 1);
    boolean offScreen = !noiseOnly && r.nextDouble() < config.offScreenFraction();
    int visible = Math.max(sounding + 1, 2 + r.nextInt(4));

    List<SyntheticClass> classes = new ArrayList<>(List.of(SyntheticClass.values()));
    Collections.shuffle(classes, r);
    // sounding classes first, then distractors of other classes (distinct while there are enough)
    List<Placed> objects = new ArrayList<>();
    List<SoundSource> sources = new ArrayList<>();
    double tanH = Math.tan(Math.toRadians(config.hfovDeg()) / 2);
    double tanV = Math.tan(Math.toRadians(config.vfovDeg()) / 2);
    List<Footprint> footprints = new ArrayList<>();
    double firstRms = 0;
    for (int i = 0; i < visible; i++) {
      SyntheticClass type = classes.get(i % classes.size());
      boolean sounds = i < sounding;
      double size = type.randomSize(r);
      double distance = type.randomDistance(r);
      boolean overlap = !footprints.isEmpty() && !sounds && r.nextDouble() < 0.35;
      Footprint here = null;
      for (int tries = 0; tries < 12; tries++) {
        double u;
        double v;
        if (overlap) {
          // partly over or behind the first object: centres 40–100 % of the half-sizes apart
          Footprint first = footprints.get(0);
          double hw = halfWidth(type, size, distance, tanH);
          double hh = halfHeight(type, size, distance, tanV);
          double side = r.nextBoolean() ? 1 : -1;
          u = first.u() + side * (0.4 + 0.6 * r.nextDouble()) * (first.halfWidth() + hw);
          v = first.v() + (r.nextDouble() - 0.5) * (first.halfHeight() + hh);
          u = clamp(u, 0.05, 0.95);
          v = clamp(v, 0.05, 0.95);
        } else {
          u = 0.1 + 0.8 * r.nextDouble();
          v = type.airborne() ? 0.1 + 0.45 * r.nextDouble() : 0.35 + 0.55 * r.nextDouble();
        }
        here =
            new Footprint(
                u,
                v,
                halfWidth(type, size, distance, tanH),
                halfHeight(type, size, distance, tanV),
                distance);
        // a distractor may hide part of a sounding object, never most of it
        if (sounds || !hidesSounding(here, footprints, sounding)) {
          break;
        }
        overlap = false;
      }
      footprints.add(here);
      double u = here.u();
      double v = here.v();
      double[] start = pointAt(u, v, distance, tanH, tanV);
      double[] end = start;
      boolean moving = false;
      double speed = type.maxSpeed() * r.nextDouble();
      if (speed > 0) {
        double heading = r.nextBoolean() ? 1 : -1;
        double[] velocity = {
          heading * speed,
          (r.nextDouble() - 0.5) * 0.3 * speed,
          (r.nextDouble() - 0.5) * 0.5 * speed
        };
        // a sounding object must stay in view: slow it down until both ends are inside
        for (int tries = 0; tries < 6; tries++) {
          end =
              new double[] {
                start[0] + velocity[0] * duration,
                start[1] + velocity[1] * duration,
                start[2] + velocity[2] * duration
              };
          if (!sounds || inView(end, tanH, tanV, EDGE_MARGIN)) {
            moving = true;
            break;
          }
          velocity = new double[] {velocity[0] / 2, velocity[1] / 2, velocity[2] / 2};
          end = start;
        }
      }
      Trajectory path =
          !moving
              ? new Trajectory.Fixed(start)
              : new Trajectory.Keyframes(
                  new double[] {0, duration}, new double[][] {start, end}, false);
      java.awt.Color[] colours = type.randomColours(r);
      boolean mirrored = moving ? end[0] < start[0] : r.nextBoolean();
      VisualObject look =
          new VisualObject(
              type.label(), path, size, colours[0], colours[1], r.nextDouble(), mirrored);
      int source = -1;
      if (sounds) {
        source = sources.size();
        double rms = type.randomRms(r);
        if (source == 0) {
          firstRms = rms;
        }
        sources.add(sound(type, path, duration, rms, r, "object" + i));
      }
      objects.add(new Placed(type, sounds ? Role.SOUNDING : Role.DISTRACTOR, look, source));
    }
    if (offScreen) {
      SyntheticClass type = SyntheticClass.values()[r.nextInt(SyntheticClass.values().length)];
      double azimuth = (40 + 50 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
      double elevation = (r.nextDouble() - 0.5) * 40;
      double distance = 3 + 12 * r.nextDouble();
      Trajectory path = new Trajectory.Fixed(Directions.position(azimuth, elevation, distance));
      java.awt.Color[] colours = type.randomColours(r);
      VisualObject look =
          new VisualObject(
              type.label(), path, type.randomSize(r), colours[0], colours[1], 0, false);
      int source = sources.size();
      // 6–15 dB under the first sounding object at 1 m
      double rms = firstRms * Math.pow(10, -(6 + 9 * r.nextDouble()) / 20);
      sources.add(
          new SoundSource(
              "offscreen",
              type.label(),
              SoundSignature.of(type, r).signal(duration, rms, r.nextLong()),
              path));
      objects.add(new Placed(type, Role.OFF_SCREEN, look, source));
    }
    double snr = Double.NaN;
    double diffuseRms = Double.NaN;
    Scene.NoiseLevel diffuse;
    Scene.NoiseLevel sensor;
    if (noiseOnly) {
      diffuseRms = 0.002 * Math.pow(10, r.nextDouble()); // 0.002–0.02 Pa
      diffuse = new Scene.Rms(diffuseRms);
      sensor = new Scene.Rms(NOISE_ONLY_SENSOR_RMS);
    } else {
      snr = config.minSnrDb() + (config.maxSnrDb() - config.minSnrDb()) * r.nextDouble();
      diffuse = new Scene.Snr(snr);
      sensor = new Scene.Snr(SENSOR_SNR_DB);
    }
    MicArray array = config.array();
    Scene scene =
        new Scene(
            SyntheticDataset.SAMPLE_RATE,
            duration,
            r.nextLong(),
            Scene.DEFAULT_SPEED_OF_SOUND,
            array,
            sources,
            new Scene.SensorNoise(sensor),
            new Scene.DiffuseNoise(
                diffuse,
                Scene.DEFAULT_PLANE_WAVES,
                Scene.DEFAULT_DIFFUSE_LOW,
                Scene.DEFAULT_DIFFUSE_HIGH_FRACTION * SyntheticDataset.SAMPLE_RATE));
    Backdrop backdrop = Backdrop.random(r);
    int label = noiseOnly ? SyntheticClass.NOISE_ONLY_ID : objects.get(0).type().id();
    return new SyntheticScene(index, scene, List.copyOf(objects), backdrop, label, snr, diffuseRms);
  }

  /** The visible objects (sounding and distractors), in order: what the renderer draws. */
  public List<VisualObject> looks() {
    List<VisualObject> out = new ArrayList<>();
    for (Placed p : objects) {
      if (p.role() != Role.OFF_SCREEN) {
        out.add(p.look());
      }
    }
    return out;
  }

  /** The renderer's index of the visible objects that sound, in order. */
  public List<Integer> soundingLooks() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      if (objects.get(i).role() == Role.SOUNDING) {
        out.add(i);
      }
    }
    return out;
  }

  public boolean noiseOnly() {
    return label == SyntheticClass.NOISE_ONLY_ID;
  }

  public long count(Role role) {
    return objects.stream().filter(p -> p.role() == role).count();
  }

  private static SoundSource sound(
      SyntheticClass type, Trajectory path, double duration, double rms, Random r, String name) {
    SoundSignature signature = SoundSignature.of(type, r);
    return new SoundSource(name, type.label(), signature.signal(duration, rms, r.nextLong()), path);
  }

  /**
   * Where an object starts in the frame, as fractions of the width and height: centre, half sizes,
   * and its distance.
   */
  private record Footprint(
      double u, double v, double halfWidth, double halfHeight, double distance) {
    double overlap(Footprint o) {
      double w =
          Math.min(u + halfWidth, o.u + o.halfWidth) - Math.max(u - halfWidth, o.u - o.halfWidth);
      double h =
          Math.min(v + halfHeight, o.v + o.halfHeight)
              - Math.max(v - halfHeight, o.v - o.halfHeight);
      return w > 0 && h > 0 ? w * h : 0;
    }

    double area() {
      return 4 * halfWidth * halfHeight;
    }
  }

  /** Whether {@code f}, if nearer, covers more than half of one of the first {@code sounding}. */
  private static boolean hidesSounding(Footprint f, List<Footprint> placed, int sounding) {
    for (int i = 0; i < sounding && i < placed.size(); i++) {
      Footprint s = placed.get(i);
      if (f.distance() < s.distance() && f.overlap(s) > 0.5 * s.area()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Half the projected width of an object as a fraction of the frame's width (roughly, at depth ≈
   * distance).
   */
  private static double halfWidth(SyntheticClass type, double size, double distance, double tanH) {
    return type.shape().width() * size / (4 * distance * tanH);
  }

  private static double halfHeight(SyntheticClass type, double size, double distance, double tanV) {
    return type.shape().height() * size / (4 * distance * tanV);
  }

  /** The point at {@code distance} m whose projection is (u, v) of the frame. */
  static double[] pointAt(double u, double v, double distance, double tanH, double tanV) {
    double[] d = Directions.normalize(new double[] {(2 * u - 1) * tanH, (2 * v - 1) * tanV, 1});
    return new double[] {d[0] * distance, d[1] * distance, d[2] * distance};
  }

  /** Whether a point projects inside the frame with a margin (fraction of width and height). */
  static boolean inView(double[] p, double tanH, double tanV, double margin) {
    if (!(p[2] > 0)) {
      return false;
    }
    double u = (p[0] / p[2] / tanH + 1) / 2;
    double v = (p[1] / p[2] / tanV + 1) / 2;
    return u >= margin && u <= 1 - margin && v >= margin && v <= 1 - margin;
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }
}
