package ai.avloc.training.data;

import ai.avloc.acoustics.array.Air;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.simulator.Backdrop;
import ai.avloc.simulator.Directions;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SoundSignature;
import ai.avloc.simulator.SoundSource;
import ai.avloc.simulator.Trajectory;
import ai.avloc.simulator.VisualObject;
import java.awt.Color;
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
   * @param look how it is drawn; the off-screen source's is never drawn (it lies outside the view)
   * @param source its index in the scene's sources; -1 for a silent distractor
   * @param recording the recording it plays instead of its class's synthetic signature, or null
   */
  public record Placed(
      SyntheticClass type,
      Role role,
      VisualObject look,
      int source,
      RecordedSounds.Recording recording) {}

  /** Sensor noise of sounding scenes, dB under the sources. */
  static final double SENSOR_SNR_DB = 40;

  /** Sensor noise of noise-only scenes, Pa RMS: 16–36 dB under their diffuse background. */
  static final double NOISE_ONLY_SENSOR_RMS = 3e-4;

  /** Margin kept between a sounding object's centre and the frame's edge, fraction of the size. */
  static final double EDGE_MARGIN = 0.06;

  /** The index {@link SyntheticDataset#sceneSeed} mixes with a scene's seed for its recordings. */
  static final int SOUNDS_STREAM = -2;

  /** Composes scene {@code index} of a dataset on a procedural backdrop. */
  public static SyntheticScene compose(SyntheticDataset.Config config, int index) {
    return compose(config, index, null);
  }

  /**
   * Composes scene {@code index} of a dataset; with {@code photos}, its backdrop is a crop of one
   * of them instead of a procedural one (everything else in the scene is the same).
   */
  public static SyntheticScene compose(
      SyntheticDataset.Config config, int index, PhotoBackdrops photos) {
    return compose(config, index, photos, null);
  }

  /**
   * Composes scene {@code index} of a dataset; with {@code photos}, its backdrop is a crop of one
   * of them; with {@code recordings}, each source of a class that has recordings plays, with
   * probability {@link RecordedSounds#REPLACE_PROBABILITY}, an excerpt of one instead of its
   * synthetic signature, at the signature's RMS. Both are drawn after everything else (the sounds
   * from a stream of their own), so objects, paths, labels and noise stay the same.
   */
  public static SyntheticScene compose(
      SyntheticDataset.Config config, int index, PhotoBackdrops photos, RecordedSounds recordings) {
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
    double firstRms = 0;
    // each source's RMS at 1 m, what a recording that replaces its signature is scaled to
    List<Double> sourceRms = new ArrayList<>();
    for (int i = 0; i < visible; i++) {
      SyntheticClass type = classes.get(i % classes.size());
      boolean sounds = i < sounding;
      double size = type.randomSize(r);
      double distance = type.randomDistance(r);
      boolean overlap = !objects.isEmpty() && !sounds && r.nextDouble() < 0.35;
      Trajectory path = null;
      Trajectory last = null;
      for (int tries = 0; tries < 12 && path == null; tries++) {
        double u;
        double v;
        if (overlap) {
          // partly over or behind the first object: centres 40–100 % of the half-sizes apart
          double[] first = box(objects.get(0).look(), 0, tanH, tanV);
          double hw = type.shape().width() * size / (4 * distance * tanH);
          double hh = type.shape().height() * size / (4 * distance * tanV);
          double side = r.nextBoolean() ? 1 : -1;
          double cu = (first[0] + first[2]) / 2;
          double cv = (first[1] + first[3]) / 2;
          u = cu + side * (0.4 + 0.6 * r.nextDouble()) * ((first[2] - first[0]) / 2 + hw);
          v = cv + (r.nextDouble() - 0.5) * ((first[3] - first[1]) / 2 + hh);
          u = clamp(u, 0.05, 0.95);
          v = clamp(v, 0.05, 0.95);
        } else {
          u = 0.1 + 0.8 * r.nextDouble();
          v = type.airborne() ? 0.1 + 0.45 * r.nextDouble() : 0.35 + 0.55 * r.nextDouble();
        }
        Trajectory candidate =
            path(pointAt(u, v, distance, tanH, tanV), type, sounds, duration, r, tanH, tanV);
        // an object may hide part of a sounding object, never most of it, at any time
        if (!hides(type, size, candidate, sounds, objects, duration, tanH, tanV)) {
          path = candidate;
        }
        last = candidate;
        overlap = false;
      }
      if (path == null) {
        // crowded: a distractor keeps its last place, pushed back behind every sounding object
        // (the same projection, possibly beyond 15 m); a second sounding object keeps it as is
        path = sounds ? last : behind(last, objects, duration);
      }
      double[] start = path.positionAt(0);
      double[] end = path.positionAt(duration);
      boolean moving = !path.isStatic();
      Color[] colours = type.randomColours(r);
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
        sourceRms.add(rms);
      }
      objects.add(new Placed(type, sounds ? Role.SOUNDING : Role.DISTRACTOR, look, source, null));
    }
    if (offScreen) {
      SyntheticClass type = SyntheticClass.values()[r.nextInt(SyntheticClass.values().length)];
      double azimuth = (40 + 50 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
      double elevation = (r.nextDouble() - 0.5) * 40;
      double distance = 3 + 12 * r.nextDouble();
      Trajectory path = new Trajectory.Fixed(Directions.position(azimuth, elevation, distance));
      Color[] colours = type.randomColours(r);
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
              SoundSignature.of(type.shape(), r).signal(duration, rms, r.nextLong()),
              path));
      sourceRms.add(rms);
      objects.add(new Placed(type, Role.OFF_SCREEN, look, source, null));
    }
    if (recordings != null) {
      playRecordings(recordings, objects, sources, sourceRms, duration, seed);
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
            Air.SPEED_OF_SOUND,
            array,
            sources,
            new Scene.SensorNoise(sensor),
            new Scene.DiffuseNoise(
                diffuse,
                Scene.DEFAULT_PLANE_WAVES,
                Scene.DEFAULT_DIFFUSE_LOW,
                Scene.DEFAULT_DIFFUSE_HIGH_FRACTION * SyntheticDataset.SAMPLE_RATE));
    // the backdrop is drawn last, so a photograph changes nothing else in the scene
    Backdrop backdrop = photos == null ? Backdrop.random(r) : photos.pick(r);
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

  /**
   * The same scene without its sound: what the dataset's index needs of it. A source's signal holds
   * its samples (band noise: a grid at 4x its top frequency), about 1 MB a scene, which 4,800
   * scenes kept until the index was written would not fit a 4 GB heap.
   */
  public SyntheticScene withoutSound() {
    return new SyntheticScene(index, null, objects, backdrop, label, diffuseSnrDb, diffuseRms);
  }

  public boolean noiseOnly() {
    return label == SyntheticClass.NOISE_ONLY_ID;
  }

  public long count(Role role) {
    return objects.stream().filter(p -> p.role() == role).count();
  }

  /**
   * Replaces the signal of each source whose class has recordings, with probability {@link
   * RecordedSounds#REPLACE_PROBABILITY}, by an excerpt of one at the same RMS; draws from a stream
   * of the scene's seed of its own.
   */
  private static void playRecordings(
      RecordedSounds sounds,
      List<Placed> objects,
      List<SoundSource> sources,
      List<Double> sourceRms,
      double duration,
      long sceneSeed) {
    Random r = new Random(SyntheticDataset.sceneSeed(sceneSeed, SOUNDS_STREAM));
    for (int i = 0; i < objects.size(); i++) {
      Placed p = objects.get(i);
      if (p.source() < 0
          || !sounds.has(p.type())
          || !(r.nextDouble() < RecordedSounds.REPLACE_PROBABILITY)) {
        continue;
      }
      RecordedSounds.Excerpt excerpt =
          sounds.excerpt(p.type(), duration, sourceRms.get(p.source()), r);
      SoundSource synthetic = sources.get(p.source());
      sources.set(
          p.source(),
          new SoundSource(
              synthetic.name(), synthetic.label(), excerpt.signal(), synthetic.trajectory()));
      objects.set(i, new Placed(p.type(), p.role(), p.look(), p.source(), excerpt.recording()));
    }
  }

  /** The recordings the scene's sources play, in the order of {@link #objects()}. */
  public List<RecordedSounds.Recording> recordings() {
    List<RecordedSounds.Recording> out = new ArrayList<>();
    for (Placed p : objects) {
      if (p.recording() != null) {
        out.add(p.recording());
      }
    }
    return out;
  }

  private static SoundSource sound(
      SyntheticClass type, Trajectory path, double duration, double rms, Random r, String name) {
    SoundSignature signature = SoundSignature.of(type.shape(), r);
    return new SoundSource(name, type.label(), signature.signal(duration, rms, r.nextLong()), path);
  }

  /**
   * A straight path from {@code start} at up to the class's top speed, mostly sideways; a sounding
   * object is slowed down until it ends in view too (the projection of a segment is a segment, so
   * it stays in view all along).
   */
  private static Trajectory path(
      double[] start,
      SyntheticClass type,
      boolean sounds,
      double duration,
      Random r,
      double tanH,
      double tanV) {
    double speed = type.maxSpeed() * r.nextDouble();
    if (speed > 0) {
      double heading = r.nextBoolean() ? 1 : -1;
      double[] velocity = {
        heading * speed, (r.nextDouble() - 0.5) * 0.3 * speed, (r.nextDouble() - 0.5) * 0.5 * speed
      };
      for (int tries = 0; tries < 6; tries++) {
        double[] end = {
          start[0] + velocity[0] * duration,
          start[1] + velocity[1] * duration,
          start[2] + velocity[2] * duration
        };
        if (!sounds || inView(end, tanH, tanV, EDGE_MARGIN)) {
          return new Trajectory.Keyframes(
              new double[] {0, duration}, new double[][] {start, end}, false);
        }
        velocity = new double[] {velocity[0] / 2, velocity[1] / 2, velocity[2] / 2};
      }
    }
    return new Trajectory.Fixed(start);
  }

  /** The path pushed back along its rays until it is farther than every sounding object. */
  private static Trajectory behind(Trajectory path, List<Placed> placed, double duration) {
    double farthest = 0;
    double nearest = Double.POSITIVE_INFINITY;
    for (double t : checkTimes(duration)) {
      nearest = Math.min(nearest, norm(path.positionAt(t)));
      for (Placed p : placed) {
        if (p.role() == Role.SOUNDING) {
          farthest = Math.max(farthest, norm(p.look().trajectory().positionAt(t)));
        }
      }
    }
    double k = Math.max(1, (farthest + 1) / nearest);
    double[] a = path.positionAt(0);
    double[] b = path.positionAt(duration);
    for (int c = 0; c < 3; c++) {
      a[c] *= k;
      b[c] *= k;
    }
    return path.isStatic()
        ? new Trajectory.Fixed(a)
        : new Trajectory.Keyframes(new double[] {0, duration}, new double[][] {a, b}, false);
  }

  /**
   * Whether an object of {@code type} and {@code size} on {@code path} would, at some time of the
   * scene, cover more than half of a sounding object's box from in front, or (when it sounds
   * itself) be covered so by an earlier sounding object.
   */
  private static boolean hides(
      SyntheticClass type,
      double size,
      Trajectory path,
      boolean sounds,
      List<Placed> placed,
      double duration,
      double tanH,
      double tanV) {
    VisualObject candidate =
        new VisualObject(type.label(), path, size, Color.BLACK, Color.BLACK, 0, false);
    for (Placed p : placed) {
      if (p.role() != Role.SOUNDING) {
        continue;
      }
      for (double t : checkTimes(duration)) {
        double[] c = box(candidate, t, tanH, tanV);
        double[] s = box(p.look(), t, tanH, tanV);
        double dc = norm(path.positionAt(t));
        double ds = norm(p.look().trajectory().positionAt(t));
        if (dc < ds && overlap(c, s) > 0.5 * area(s)) {
          return true;
        }
        if (sounds && ds < dc && overlap(s, c) > 0.5 * area(c)) {
          return true;
        }
      }
    }
    return false;
  }

  private static double[] checkTimes(double duration) {
    return new double[] {0, duration / 4, duration / 2, 3 * duration / 4, duration};
  }

  /**
   * The box {u0, v0, u1, v1} an object covers at time t, in fractions of the frame's width and
   * height (the renderer's projection and sizes).
   */
  static double[] box(VisualObject object, double t, double tanH, double tanV) {
    double[] p = object.trajectory().positionAt(t);
    double u = (p[0] / p[2] / tanH + 1) / 2;
    double v = (p[1] / p[2] / tanV + 1) / 2;
    double hw = object.shape().width() * object.size() / (4 * p[2] * tanH);
    double hh = object.shape().height() * object.size() / (4 * p[2] * tanV);
    return new double[] {u - hw, v - hh, u + hw, v + hh};
  }

  private static double overlap(double[] a, double[] b) {
    double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
    double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    return w > 0 && h > 0 ? w * h : 0;
  }

  private static double area(double[] a) {
    return (a[2] - a[0]) * (a[3] - a[1]);
  }

  private static double norm(double[] p) {
    return Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
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
