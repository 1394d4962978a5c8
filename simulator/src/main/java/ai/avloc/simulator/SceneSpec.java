package ai.avloc.simulator;

import static ai.avloc.simulator.SceneJson.at;
import static ai.avloc.simulator.SceneJson.error;
import static ai.avloc.simulator.SceneJson.fmt;
import static ai.avloc.simulator.SceneJson.number;

import ai.avloc.acoustics.array.Air;
import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.array.MicArrayFiles;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A scene file as written (the top-level object of {@code docs/scene-format.md}); absent fields are
 * null. {@link #toScene(Path)} checks every value, naming its JSON path when it refuses one, and
 * applies the defaults.
 */
record SceneSpec(
    JsonNode description,
    Double sampleRate,
    Double duration,
    @JsonDeserialize(using = SceneJson.WholeNumber.class) Long seed,
    Double speedOfSound,
    String array,
    SensorNoiseSpec sensorNoise,
    DiffuseNoiseSpec diffuseNoise,
    List<SourceSpec> sources) {

  /** {@code sensorNoise}: exactly one of the two levels. */
  record SensorNoiseSpec(Double snrDb, Double rms) {}

  /** {@code diffuseNoise}: exactly one of the two levels, the number of waves and the band. */
  record DiffuseNoiseSpec(
      Double snrDb,
      Double rms,
      @JsonDeserialize(using = SceneJson.WholeNumber.class) Long planeWaves,
      Double low,
      Double high) {}

  /** One of {@code sources}: a signal and one of position, direction + distance, or path. */
  record SourceSpec(
      String name,
      @JsonProperty("class") String label,
      SignalSpec signal,
      double[] position,
      DirectionSpec direction,
      Double distance,
      List<KeyframeSpec> path,
      List<double[]> active) {}

  /** {@code direction}, in degrees. */
  record DirectionSpec(Double azimuth, Double elevation) {}

  /** One keyframe of a {@code path}: spherical (azimuth, elevation, distance) or x, y, z. */
  record KeyframeSpec(
      Double t, Double azimuth, Double elevation, Double distance, Double x, Double y, Double z) {}

  /**
   * The scene this file describes.
   *
   * @param baseDir directory for relative paths in the scene; null for the working directory
   * @throws IllegalArgumentException naming the JSON path of an invalid or missing value
   */
  Scene toScene(Path baseDir) {
    if (description != null && !description.isNull() && !description.isTextual()) {
      throw error("description", "must be a string");
    }
    double rate =
        Scene.checkSampleRate(number(sampleRate, "sampleRate", Scene.DEFAULT_SAMPLE_RATE));
    double length = Scene.checkDuration(number(duration, "duration"));
    long s = seed == null ? 0 : seed;
    double c = number(speedOfSound, "speedOfSound", Air.SPEED_OF_SOUND);
    MicArray mics = micArray(SceneJson.text(array, "array", Scene.DEFAULT_ARRAY), baseDir);
    Scene.SensorNoise sensor =
        sensorNoise == null
            ? null
            : new Scene.SensorNoise(level(sensorNoise.snrDb(), sensorNoise.rms(), "sensorNoise"));
    Scene.DiffuseNoise diffuse = diffuseNoise == null ? null : diffuse(diffuseNoise, rate);
    if (sources == null && sensor == null && diffuse == null) {
      throw error("sources", "required array is missing");
    }
    List<SoundSource> list = new ArrayList<>();
    if (sources != null) {
      for (int i = 0; i < sources.size(); i++) {
        list.add(source(sources.get(i), i, rate, length, s, baseDir));
      }
    }
    return new Scene(rate, length, s, c, mics, list, sensor, diffuse);
  }

  private static MicArray micArray(String spec, Path baseDir) {
    if (BuiltinArrays.names().contains(spec.toLowerCase(Locale.ROOT))) {
      return BuiltinArrays.byName(spec);
    }
    String lower = spec.toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".xml") && !lower.endsWith(".csv")) {
      throw error(
          "array",
          "'"
              + spec
              + "' is neither a built-in array ("
              + String.join(", ", BuiltinArrays.names())
              + ") nor a .xml or .csv geometry file");
    }
    Path file = baseDir == null ? Path.of(spec) : baseDir.resolve(spec);
    try {
      return MicArrayFiles.read(file);
    } catch (IOException e) {
      throw error("array", "cannot read " + file + ": " + e);
    } catch (IllegalArgumentException e) {
      throw error("array", e.getMessage());
    }
  }

  private static Scene.NoiseLevel level(Double snrDb, Double rms, String path) {
    if ((snrDb == null) == (rms == null)) {
      throw error(path, "give exactly one of snrDb (dB below the sources) or rms (Pa)");
    }
    if (snrDb != null) {
      double db = number(snrDb, at(path, "snrDb"));
      if (db < -60 || db > 200) {
        throw error(at(path, "snrDb"), "must be in -60..200 dB, got " + fmt(db));
      }
      return new Scene.Snr(db);
    }
    double pascals = number(rms, at(path, "rms"));
    if (pascals < 0) {
      throw error(at(path, "rms"), "must be >= 0 Pa, got " + fmt(pascals));
    }
    return new Scene.Rms(pascals);
  }

  private static Scene.DiffuseNoise diffuse(DiffuseNoiseSpec spec, double sampleRate) {
    String path = "diffuseNoise";
    Scene.NoiseLevel level = level(spec.snrDb(), spec.rms(), path);
    long waves = spec.planeWaves() == null ? Scene.DEFAULT_PLANE_WAVES : spec.planeWaves();
    if (waves < 1 || waves > 4096) {
      throw error(at(path, "planeWaves"), "must be 1..4096, got " + waves);
    }
    double nyquist = sampleRate / 2;
    double low = number(spec.low(), at(path, "low"), Scene.DEFAULT_DIFFUSE_LOW);
    double high =
        number(spec.high(), at(path, "high"), Scene.DEFAULT_DIFFUSE_HIGH_FRACTION * sampleRate);
    if (low < 0) {
      throw error(at(path, "low"), "must be >= 0 Hz, got " + fmt(low));
    }
    if (!(high < nyquist)) {
      throw error(
          at(path, "high"), "must be below Nyquist " + fmt(nyquist) + " Hz, got " + fmt(high));
    }
    if (!(high > low)) {
      throw error(at(path, "high"), "must be above low (" + fmt(low) + " Hz), got " + fmt(high));
    }
    return new Scene.DiffuseNoise(level, (int) waves, low, high);
  }

  private static SoundSource source(
      SourceSpec spec, int index, double sampleRate, double duration, long seed, Path baseDir) {
    String path = at("sources", index);
    if (spec == null) {
      throw error(path, "must be a JSON object, got null");
    }
    String name = SceneJson.text(spec.name(), at(path, "name"), "source" + index);
    String label = SceneJson.text(spec.label(), at(path, "class"), "unknown");
    if (spec.signal() == null) {
      throw error(at(path, "signal"), "required object is missing");
    }
    SignalSpec.Context scene =
        new SignalSpec.Context(
            Seeds.derive(seed, Seeds.SOURCE_SIGNAL, index),
            sampleRate,
            duration,
            baseDir,
            at(path, "signal"));
    SourceSignal signal = spec.signal().toSignal(scene);
    if (spec.active() != null) {
      signal = gated(signal, spec.active(), duration, at(path, "active"));
    }
    return new SoundSource(name, label, signal, trajectory(spec, path));
  }

  /** {@code active}: the [start, end] intervals, in seconds, in which the source sounds. */
  private static SourceSignal gated(
      SourceSignal signal, List<double[]> active, double duration, String path) {
    if (active.isEmpty()) {
      throw error(path, "give at least one [start, end] interval (leave out active for always)");
    }
    double[] starts = new double[active.size()];
    double[] ends = new double[active.size()];
    for (int i = 0; i < active.size(); i++) {
      double[] interval = active.get(i);
      if (interval == null || interval.length != 2) {
        throw error(at(path, i), "must be [start, end] in seconds");
      }
      if (!(interval[0] >= 0 && interval[0] < interval[1] && interval[1] <= duration)) {
        throw error(
            at(path, i),
            "must be [start, end] with 0 <= start < end <= duration "
                + duration
                + ", got ["
                + interval[0]
                + ", "
                + interval[1]
                + "]");
      }
      if (i > 0 && interval[0] < ends[i - 1]) {
        throw error(at(path, i), "intervals must be in time order and not overlap");
      }
      starts[i] = interval[0];
      ends[i] = interval[1];
    }
    return new SourceSignal.Gated(signal, starts, ends);
  }

  private static Trajectory trajectory(SourceSpec spec, String path) {
    boolean position = spec.position() != null;
    boolean direction = spec.direction() != null;
    boolean distance = spec.distance() != null;
    boolean keyframes = spec.path() != null;
    List<String> given = new ArrayList<>();
    if (position) {
      given.add("position");
    }
    if (direction || distance) {
      given.add("direction+distance");
    }
    if (keyframes) {
      given.add("path");
    }
    if (given.isEmpty()) {
      throw error(path, "give position, direction+distance or path");
    }
    if (given.size() > 1) {
      throw error(
          path,
          "give only one of position, direction+distance or path, got "
              + String.join(" and ", given));
    }
    if (position) {
      return fixed(spec.position(), at(path, "position"));
    }
    if (direction) {
      if (!distance) {
        throw error(at(path, "distance"), "required with direction (metres from the array centre)");
      }
      String d = at(path, "direction");
      double az = azimuth(spec.direction().azimuth(), d);
      double el = elevation(spec.direction().elevation(), d);
      return Trajectory.Fixed.ofDirection(az, el, distance(spec.distance(), path));
    }
    if (distance) {
      throw error(
          at(path, "direction"), "required with distance ({\"azimuth\": deg, \"elevation\": deg})");
    }
    return keyframes(spec.path(), at(path, "path"));
  }

  private static Trajectory.Fixed fixed(double[] p, String path) {
    if (p.length != 3) {
      throw error(path, "must be an array of 3 numbers, got " + p.length + " numbers");
    }
    for (int i = 0; i < 3; i++) {
      number(p[i], at(path, i));
    }
    if (p[0] == 0 && p[1] == 0 && p[2] == 0) {
      throw error(path, "must not be the origin (the array centre)");
    }
    return new Trajectory.Fixed(p);
  }

  private static Trajectory.Keyframes keyframes(List<KeyframeSpec> frames, String path) {
    if (frames.isEmpty()) {
      throw error(path, "needs at least one keyframe");
    }
    double[] times = new double[frames.size()];
    double[][] values = new double[frames.size()][];
    Boolean spherical = null;
    for (int i = 0; i < frames.size(); i++) {
      KeyframeSpec f = frames.get(i);
      String fPath = at(path, i);
      if (f == null) {
        throw error(fPath, "must be a JSON object, got null");
      }
      boolean sph = f.azimuth() != null || f.elevation() != null || f.distance() != null;
      boolean cart = f.x() != null || f.y() != null || f.z() != null;
      if (sph == cart) {
        throw error(fPath, "give either azimuth, elevation, distance or x, y, z");
      }
      if (spherical != null && spherical != sph) {
        throw error(
            fPath,
            "all keyframes of a path must use the same form ("
                + (spherical ? "azimuth, elevation, distance" : "x, y, z")
                + " like keyframe 0)");
      }
      spherical = sph;
      times[i] = number(f.t(), at(fPath, "t"));
      if (i > 0 && !(times[i] > times[i - 1])) {
        throw error(
            at(fPath, "t"),
            "keyframe times must increase, got " + fmt(times[i]) + " after " + fmt(times[i - 1]));
      }
      if (sph) {
        values[i] =
            new double[] {
              azimuth(f.azimuth(), fPath),
              elevation(f.elevation(), fPath),
              distance(f.distance(), fPath)
            };
      } else {
        values[i] =
            new double[] {
              number(f.x(), at(fPath, "x")),
              number(f.y(), at(fPath, "y")),
              number(f.z(), at(fPath, "z"))
            };
        if (values[i][0] == 0 && values[i][1] == 0 && values[i][2] == 0) {
          throw error(fPath, "must not be the origin (the array centre)");
        }
      }
    }
    return new Trajectory.Keyframes(times, values, spherical);
  }

  private static double azimuth(Double value, String path) {
    double az = number(value, at(path, "azimuth"));
    if (az < -180 || az > 180) {
      throw error(at(path, "azimuth"), "must be in -180..180 degrees, got " + fmt(az));
    }
    return az;
  }

  private static double elevation(Double value, String path) {
    double el = number(value, at(path, "elevation"));
    if (el < -90 || el > 90) {
      throw error(at(path, "elevation"), "must be in -90..90 degrees, got " + fmt(el));
    }
    return el;
  }

  private static double distance(Double value, String path) {
    double r = number(value, at(path, "distance"));
    if (!(r > 0)) {
      throw error(at(path, "distance"), "must be > 0 m, got " + fmt(r));
    }
    return r;
  }
}
