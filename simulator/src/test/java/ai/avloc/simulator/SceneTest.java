package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.array.BuiltinArrays;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SceneTest {

  /**
   * The documented example, relative to the inference module (Maven's working directory for tests).
   */
  static final Path EXAMPLE = Path.of("../examples/scenes/moving-drone.json");

  private static final double EPS = 1e-9;

  /** A valid scene whose sources array is {@code sources}, top-level extras prepended. */
  private static String scene(String extras, String sources) {
    return "{" + extras + "\"duration\": 1, \"sources\": [" + sources + "]}";
  }

  private static final String TONE = "{\"type\": \"tone\", \"frequency\": 500, \"amplitude\": 1}";

  @Test
  void shouldParseTheDocumentedExample() throws Exception {
    Scene scene = Scene.parse(EXAMPLE);

    assertEquals(12288, scene.sampleRate());
    assertEquals(3, scene.duration());
    assertEquals(36864, scene.sampleCount());
    assertEquals(1, scene.seed());
    assertEquals(343, scene.speedOfSound());
    assertEquals(BuiltinArrays.byName("dualcam128"), scene.array());
    assertEquals(new Scene.Snr(40), scene.sensorNoise().level());
    assertEquals(
        new Scene.DiffuseNoise(new Scene.Snr(20), 64, 100, 0.45 * 12288), scene.diffuseNoise());
    assertEquals(2, scene.sources().size());

    SoundSource drone = scene.sources().get(0);
    assertEquals("drone", drone.name());
    assertEquals("drone", drone.label());
    assertInstanceOf(SourceSignal.Harmonic.class, drone.signal());
    assertEquals(-20, drone.azimuthAt(0), EPS);
    assertEquals(0, drone.azimuthAt(1.5), EPS);
    assertEquals(20, drone.azimuthAt(3), EPS);
    assertEquals(20, drone.azimuthAt(10), EPS); // held after the last keyframe
    assertEquals(5, drone.elevationAt(1.5), EPS);
    assertEquals(6, drone.distanceAt(1.5), EPS);

    SoundSource generator = scene.sources().get(1);
    assertEquals("machinery", generator.label());
    assertInstanceOf(SourceSignal.BandNoise.class, generator.signal());
    assertTrue(generator.trajectory().isStatic());
    assertArrayEquals(Directions.position(25, -10, 8), generator.positionAt(2), EPS);
  }

  @Test
  void shouldDocumentTheExampleFileVerbatim() throws Exception {
    String doc = Files.readString(Path.of("../docs/scene-format.md"));
    int start = doc.indexOf("```json\n") + "```json\n".length();
    String block = doc.substring(start, doc.indexOf("```", start));
    ObjectMapper mapper = new ObjectMapper();

    assertEquals(mapper.readTree(Files.readString(EXAMPLE)), mapper.readTree(block));
  }

  @Test
  void shouldParseEverySignalTypeAndAnArrayFileRelativeToTheScene(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("pair.csv"), "x,y,z\n-0.2,0,0\n0.2,0,0\n");
    String json =
        """
                {
                  "_comment": "keys starting with an underscore are ignored",
                  "sampleRate": 16000, "duration": 2, "seed": 9, "speedOfSound": 340, "array": "pair.csv",
                  "sensorNoise": {"rms": 0.001},
                  "diffuseNoise": {"rms": 0.01, "planeWaves": 8, "low": 200, "high": 4000},
                  "sources": [
                    {"name": "a", "class": "beep", "signal": {"type": "tone", "frequency": 1000, "amplitude": 1, "phase": 90},
                     "position": [1, -0.5, 4]},
                    {"signal": {"type": "harmonic", "f0": 100, "harmonics": 5, "amplitude": 1},
                     "direction": {"azimuth": -30, "elevation": 0}, "distance": 3},
                    {"signal": {"type": "noise", "low": 0, "high": 3000, "amplitude": 0.1},
                     "path": [{"t": 0, "x": -1, "y": 0, "z": 5}, {"t": 2, "x": 1, "y": 0, "z": 5}]},
                    {"signal": {"type": "am", "carrier": 2000, "modulation": 5, "depth": 0.8, "amplitude": 1},
                     "position": [0, 0, 2]},
                    {"signal": {"type": "chirp", "from": 300, "to": 3000, "period": 0.5, "amplitude": 1},
                     "position": [0, 0, 2.5]}
                  ]
                }
                """;

    Scene scene = Scene.parse(json, dir);

    assertEquals(16000, scene.sampleRate());
    assertEquals(2, scene.array().size());
    assertArrayEquals(new double[] {0.2, 0, 0}, scene.array().position(1), EPS);
    assertEquals(new Scene.Rms(0.001), scene.sensorNoise().level());
    assertEquals(new Scene.DiffuseNoise(new Scene.Rms(0.01), 8, 200, 4000), scene.diffuseNoise());
    assertEquals(5, scene.sources().size());
    assertEquals("source1", scene.sources().get(1).name());
    assertEquals("unknown", scene.sources().get(1).label());
    assertEquals("beep", scene.sources().get(0).label());
    assertEquals(new SourceSignal.Tone(1000, 1, 90), scene.sources().get(0).signal());
    assertEquals(new SourceSignal.AmTone(2000, 5, 0.8, 1), scene.sources().get(3).signal());
    assertEquals(new SourceSignal.Chirp(300, 3000, 0.5, 1), scene.sources().get(4).signal());
    // Cartesian keyframes are interpolated in x, y, z.
    assertArrayEquals(new double[] {0, 0, 5}, scene.sources().get(2).positionAt(1), EPS);
    assertArrayEquals(new double[] {0.5, 0, 5}, scene.sources().get(2).positionAt(1.5), EPS);
  }

  @Test
  void shouldApplyDefaults() {
    Scene scene =
        Scene.parse(scene("", "{\"signal\": " + TONE + ", \"position\": [0, 0, 3]}"), null);

    assertEquals(Scene.DEFAULT_SAMPLE_RATE, scene.sampleRate());
    assertEquals(0, scene.seed());
    assertEquals(343, scene.speedOfSound());
    assertEquals("dualcam128", scene.array().name());
    assertNull(scene.sensorNoise());
    assertNull(scene.diffuseNoise());
  }

  @Test
  void shouldAllowNoSourcesWhenThereIsAbsoluteBackgroundNoise() {
    Scene scene = Scene.parse("{\"duration\": 1, \"diffuseNoise\": {\"rms\": 0.1}}", null);

    assertTrue(scene.sources().isEmpty());
    assertEquals(new Scene.Rms(0.1), scene.diffuseNoise().level());
  }

  static Stream<Arguments> invalidScenes() {
    String src = "{\"signal\": " + TONE + ", \"position\": [0, 0, 3]}";
    return Stream.of(
        Arguments.of(
            scene("\"sampleRate\": 7000, ", src),
            "sampleRate: must be a whole number of Hz in 8000..96000, got 7000"),
        Arguments.of(
            scene("\"sampleRate\": 12288.5, ", src),
            "sampleRate: must be a whole number of Hz in 8000..96000, got 12288.5"),
        Arguments.of("{\"sources\": [" + src + "]}", "duration: required number is missing"),
        Arguments.of(
            "{\"duration\": 4000, \"sources\": [" + src + "]}",
            "duration: must be in (0, 3600] s, got 4000"),
        Arguments.of(
            "{\"duration\": \"3\", \"sources\": [" + src + "]}",
            "duration: must be a number, got a string \"3\""),
        Arguments.of(scene("\"sampleRte\": 8000, ", src), "sampleRte: unknown field"),
        Arguments.of(
            scene("\"seed\": 1.5, ", src), "seed: must be a whole number, got a number 1.5"),
        Arguments.of(
            scene("\"speedOfSound\": 3, ", src), "speedOfSound: must be in 100..5000 m/s, got 3"),
        Arguments.of(
            scene(
                "",
                src
                    + ", {\"signal\": {\"type\": \"tone\", \"frequency\": 7000, "
                    + "\"amplitude\": 1}, \"position\": [1, 0, 3]}"),
            "sources[1].signal.frequency: must be below Nyquist 6144 Hz, got 7000"),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + "}"),
            "sources[0]: give position, direction+distance or path"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"position\": [0, 0, 3], \"path\": "
                    + "[{\"t\": 0, \"x\": 0, \"y\": 0, \"z\": 1}]}"),
            "sources[0]: give only one of position, direction+distance or path, got position and path"),
        Arguments.of(
            scene("", "{\"position\": [0, 0, 3]}"),
            "sources[0].signal: required object is missing"),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + ", \"position\": \"ahead\"}"),
            "sources[0].position: must be an array of 3 numbers, got a string \"ahead\""),
        Arguments.of(
            scene(
                "",
                "{\"signal\": " + TONE + ", \"direction\": {\"azimuth\": 0, \"elevation\": 0}}"),
            "sources[0].distance: required with direction"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"direction\": {\"azimuth\": 0, \"elevation\": 100}, \"distance\": 2}"),
            "sources[0].direction.elevation: must be in -90..90 degrees, got 100"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"direction\": {\"azimuth\": 0, \"elevation\": 0}, \"distance\": 0}"),
            "sources[0].distance: must be > 0 m, got 0"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"path\": [{\"t\": 1, \"azimuth\": 0, "
                    + "\"elevation\": 0, \"distance\": 2}, {\"t\": 1, \"azimuth\": 5, \"elevation\": 0, "
                    + "\"distance\": 2}]}"),
            "sources[0].path[1].t: keyframe times must increase, got 1 after 1"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"path\": [{\"t\": 0, \"azimuth\": 0, "
                    + "\"elevation\": 0, \"distance\": 2}, {\"t\": 1, \"x\": 1, \"y\": 0, \"z\": 2}]}"),
            "sources[0].path[1]: all keyframes of a path must use the same form"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": {\"type\": \"noise\", \"low\": 300, \"high\": 200, "
                    + "\"amplitude\": 1}, \"position\": [0, 0, 3]}"),
            "sources[0].signal.high: must be above low (300 Hz), got 200"),
        Arguments.of(
            scene("\"array\": \"dualcam\", ", src),
            "array: 'dualcam' is neither a built-in array (dualcam128, vogel64, respeaker4, respeaker6, uma16) nor a .xml or .csv"),
        Arguments.of(scene("\"array\": \"missing.csv\", ", src), "array: cannot read"),
        Arguments.of(
            scene("\"sensorNoise\": {\"snrDb\": 20, \"rms\": 0.1}, ", src),
            "sensorNoise: give exactly one of snrDb (dB below the sources) or rms (Pa)"),
        Arguments.of(
            scene("\"diffuseNoise\": {\"snrDb\": 20, \"high\": 6144}, ", src),
            "diffuseNoise.high: must be below Nyquist 6144 Hz, got 6144"),
        Arguments.of(
            scene("\"diffuseNoise\": {\"snrDb\": 20, \"planeWaves\": 0}, ", src),
            "diffuseNoise.planeWaves: must be 1..4096, got 0"),
        Arguments.of("{\"duration\": 1}", "sources: required array is missing"),
        Arguments.of(
            "{\"duration\": 1, \"sources\": []}",
            "sources: give at least one source (or background noise: sensorNoise or diffuseNoise)"),
        Arguments.of(
            "{\"duration\": 1, \"sources\": [], \"diffuseNoise\": {\"snrDb\": 10}}",
            "diffuseNoise.snrDb: there are no sources to be relative to; give rms (Pa) instead"),
        Arguments.of("{\"duration\": 1, ", "malformed JSON at line 1"),
        Arguments.of("[1, 2]", "scene: the JSON must be an object, got an array"));
  }

  @ParameterizedTest
  @MethodSource("invalidScenes")
  void shouldNameTheJsonPathOfEachError(String json, String expectedStart) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Scene.parse(json, null));

    assertTrue(
        e.getMessage().startsWith(expectedStart),
        "expected a message starting with\n  " + expectedStart + "\ngot\n  " + e.getMessage());
  }

  static Stream<Arguments> hostileScenes() {
    String src = "{\"signal\": " + TONE + ", \"position\": [0, 0, 3]}";
    return Stream.of(
        // values of the wrong JSON type, never coerced
        Arguments.of(
            scene("\"sensorNoise\": {\"rms\": \"loud\"}, ", src),
            "sensorNoise.rms: must be a number, got a string \"loud\""),
        Arguments.of(
            scene("\"speedOfSound\": true, ", src),
            "speedOfSound: must be a number, got a boolean true"),
        Arguments.of(scene("\"array\": 64, ", src), "array: must be a string, got a number 64"),
        Arguments.of(
            "{\"duration\": 1, \"sources\": {\"signal\": 1}}",
            "sources: must be a JSON array, got an object {\"signal\":1}"),
        Arguments.of(scene("", "7"), "sources[0]: must be a JSON object, got a number 7"),
        Arguments.of(scene("", "null"), "sources[0]: must be a JSON object, got null"),
        Arguments.of(
            scene("", "{\"signal\": [" + TONE + "], \"position\": [0, 0, 3]}"),
            "sources[0].signal: must be a JSON object, got an array"),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + ", \"position\": [1, \"2\", 3]}"),
            "sources[0].position[1]: must be a number, got a string \"2\""),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + ", \"position\": [1, null, 3]}"),
            "sources[0].position[1]: must be a number, got null"),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + ", \"position\": [1, 3]}"),
            "sources[0].position: must be an array of 3 numbers, got 2 numbers"),
        Arguments.of(
            scene("", "{\"name\": 5, \"signal\": " + TONE + ", \"position\": [0, 0, 3]}"),
            "sources[0].name: must be a string, got a number 5"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": {\"type\": \"harmonic\", \"f0\": 100, \"harmonics\": 2.5, "
                    + "\"amplitude\": 1}, \"position\": [0, 0, 3]}"),
            "sources[0].signal.harmonics: must be a whole number, got a number 2.5"),
        Arguments.of(
            scene("", "{\"signal\": {\"type\": 3, \"amplitude\": 1}, \"position\": [0, 0, 3]}"),
            "sources[0].signal.type: must be a string, got a number 3"),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + ", \"direction\": \"left\", \"distance\": 2}"),
            "sources[0].direction: must be a JSON object, got a string \"left\""),
        // required fields that are missing
        Arguments.of(
            scene("", "{\"signal\": {\"frequency\": 500}, \"position\": [0, 0, 3]}"),
            "sources[0].signal.type: required string is missing"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": {\"type\": \"tone\", \"frequency\": 500}, \"position\": [0, 0, 3]}"),
            "sources[0].signal.amplitude: required number is missing"),
        Arguments.of(
            scene("", "{\"signal\": {\"type\": \"wav\", \"gain\": 2}, \"position\": [0, 0, 3]}"),
            "sources[0].signal.path: required string is missing"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": " + TONE + ", \"direction\": {\"azimuth\": 10}, \"distance\": 2}"),
            "sources[0].direction.elevation: required number is missing"),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + ", \"path\": [{\"x\": 1, \"y\": 0, \"z\": 2}]}"),
            "sources[0].path[0].t: required number is missing"),
        // numbers JSON cannot hold, or too big to be what they say
        Arguments.of(
            "{\"duration\": 1e999, \"sources\": [" + src + "]}",
            "duration: must be a finite number, got Infinity"),
        Arguments.of(
            scene("", "{\"signal\": " + TONE + ", \"position\": [1, -1e400, 3]}"),
            "sources[0].position[1]: must be a finite number, got -Infinity"),
        Arguments.of(
            scene("\"sampleRate\": 1e300, ", src),
            "sampleRate: must be a whole number of Hz in 8000..96000, got 1.0E300"),
        Arguments.of(
            scene("\"seed\": 123456789012345678901234567890, ", src),
            "seed: must be a whole number, got a number 123456789012345678901234567890"),
        Arguments.of(
            "{\"duration\": NaN, \"sources\": [" + src + "]}",
            "malformed JSON at line 1, column 17"),
        // unknown names
        Arguments.of(
            scene(
                "",
                "{\"signal\": {\"type\": \"buzz\", \"amplitude\": 1}, \"position\": [0, 0, 3]}"),
            "sources[0].signal.type: unknown signal type 'buzz', expected one of: tone, harmonic,"),
        Arguments.of(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"path\": [{\"t\": 0, \"x\": 1, \"y\": 0, \"z\": 2, "
                    + "\"w\": 1}]}"),
            "sources[0].path[0].w: unknown field; expected one of: azimuth, distance, elevation, t,"),
        Arguments.of(
            scene("\"diffuseNoise\": {\"rms\": 0.1, \"comment\": \"quiet\"}, ", src),
            "diffuseNoise.comment: unknown field"));
  }

  @ParameterizedTest
  @MethodSource("hostileScenes")
  void shouldRefuseHostileInputNamingTheField(String json, String expectedStart) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Scene.parse(json, null));

    assertTrue(
        e.getMessage().startsWith(expectedStart),
        "expected a message starting with\n  " + expectedStart + "\ngot\n  " + e.getMessage());
  }

  @Test
  void shouldReadWholeNumbersWrittenAsDecimalsNullsAsAbsentAndSkipUnderscoreKeysEverywhere() {
    Scene scene =
        Scene.parse(
            """
            {
              "duration": 1, "seed": 1e3, "speedOfSound": null, "sensorNoise": null,
              "diffuseNoise": {"rms": 0.1, "planeWaves": 8.0, "_why": {"nested": [1, "x"]}},
              "sources": [
                {"_note": "drone", "name": null,
                 "signal": {"type": "harmonic", "_src": "rotor", "f0": 100, "harmonics": 3.0,
                            "amplitude": 1},
                 "path": [{"t": 0, "x": 1, "y": 0, "z": 2, "_label": "start"}]}
              ]
            }
            """,
            null);

    assertEquals(1000, scene.seed());
    assertEquals(343, scene.speedOfSound());
    assertNull(scene.sensorNoise());
    assertEquals(8, scene.diffuseNoise().planeWaves());
    assertEquals("source0", scene.sources().get(0).name());
    assertEquals(3, ((SourceSignal.Harmonic) scene.sources().get(0).signal()).harmonics());
    assertArrayEquals(new double[] {1, 0, 2}, scene.sources().get(0).positionAt(0), EPS);
  }

  @Test
  void shouldPrefixErrorsOfASceneFileWithItsPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"duration\": -1, \"sources\": []}");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Scene.parse(file));

    assertEquals(file + ": duration: must be in (0, 3600] s, got -1", e.getMessage());
  }

  @Test
  void shouldPointPositiveAzimuthRightAndPositiveElevationUpInTheImage() {
    double[] right = Directions.unitVector(30, 0);
    double[] up = Directions.unitVector(0, 10);

    assertTrue(right[0] > 0, "azimuth +30 deg must give positive x");
    assertArrayEquals(new double[] {0.5, 0, Math.sqrt(3) / 2}, right, EPS);
    assertTrue(up[1] < 0, "elevation +10 deg must give negative y (y points down the image)");
    assertArrayEquals(
        new double[] {0, -Math.sin(Math.toRadians(10)), Math.cos(Math.toRadians(10))}, up, EPS);

    double[] v = Directions.position(-35, 12, 7);
    assertEquals(-35, Directions.azimuthDeg(v), EPS);
    assertEquals(12, Directions.elevationDeg(v), EPS);

    Scene scene =
        Scene.parse(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"direction\": {\"azimuth\": 30, \"elevation\": 10}, \"distance\": 5}"),
            null);
    double[] p = scene.sources().get(0).positionAt(0);
    assertTrue(p[0] > 0 && p[1] < 0 && p[2] > 0);
    assertEquals(5, Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]), EPS);
  }

  @Test
  void shouldInterpolateAPathLinearlyAndHoldItOutsideItsKeyframes() {
    Scene scene =
        Scene.parse(
            scene(
                "",
                "{\"signal\": "
                    + TONE
                    + ", \"path\": ["
                    + "{\"t\": 0.5, \"azimuth\": -20, \"elevation\": 0, \"distance\": 4},"
                    + "{\"t\": 1.5, \"azimuth\": 20, \"elevation\": 10, \"distance\": 8}]}"),
            null);
    SoundSource source = scene.sources().get(0);

    assertEquals(0, source.azimuthAt(1.0), EPS);
    assertEquals(5, source.elevationAt(1.0), EPS);
    assertEquals(6, source.distanceAt(1.0), EPS);
    assertEquals(10, source.azimuthAt(1.25), EPS);
    assertEquals(-20, source.azimuthAt(0.0), EPS);
    assertEquals(20, source.azimuthAt(2.0), EPS);
    assertArrayEquals(Directions.unitVector(0, 5), source.directionAt(1.0), EPS);
  }

  @Test
  void activeIntervalsGateTheSourceWithShortRamps() throws Exception {
    Scene scene =
        Scene.parse(
            scene(
                "\"sampleRate\": 12288, ",
                "{\"signal\": {\"type\": \"noise\", \"low\": 200, \"high\": 2000,"
                    + " \"amplitude\": 1}, \"position\": [0, 0, 3],"
                    + " \"active\": [[0.1, 0.3], [0.6, 0.9]]}"),
            null);
    SourceSignal.Gated gated =
        assertInstanceOf(SourceSignal.Gated.class, scene.sources().get(0).signal());
    assertEquals("noise", gated.type());
    // silent outside the intervals (beyond half a ramp), whole inside them
    for (double t : new double[] {0.0, 0.09, 0.31, 0.45, 0.59, 0.91, 1.0}) {
      assertEquals(0, gated.gain(t), EPS, "gain at " + t);
      assertEquals(0, gated.valueAt(t), EPS, "value at " + t);
    }
    for (double t : new double[] {0.106, 0.2, 0.294, 0.61, 0.75, 0.89}) {
      assertEquals(1, gated.gain(t), EPS, "gain at " + t);
      assertEquals(gated.signal().valueAt(t), gated.valueAt(t), EPS);
    }
    // the edge: half open at the interval's start, rising smoothly
    assertEquals(0.5, gated.gain(0.1), 1e-9);
    assertTrue(gated.gain(0.098) < gated.gain(0.1) && gated.gain(0.1) < gated.gain(0.102));
    // the block evaluation matches the one-by-one one
    double[] times = {0.05, 0.1, 0.2, 0.3, 0.7, 0.95};
    double[] out = new double[times.length];
    gated.valuesAt(times, out, times.length);
    for (int i = 0; i < times.length; i++) {
      assertEquals(gated.valueAt(times[i]), out[i], 1e-12);
    }
    // what the microphones receive is silent between the intervals too
    float[] mic = SceneSimulator.render(scene).audio().channel(0);
    double quiet = 0;
    double loud = 0;
    for (int i = (int) (0.4 * 12288); i < (int) (0.55 * 12288); i++) {
      quiet = Math.max(quiet, Math.abs(mic[i]));
    }
    for (int i = (int) (0.65 * 12288); i < (int) (0.85 * 12288); i++) {
      loud = Math.max(loud, Math.abs(mic[i]));
    }
    assertTrue(loud > 0.1 && quiet < 1e-6 * loud, "loud " + loud + ", quiet " + quiet);
  }

  @ParameterizedTest
  @MethodSource("badActiveIntervals")
  void badActiveIntervalsAreRefusedByPath(String active, String expectedStart) {
    String json =
        scene(
            "", "{\"signal\": " + TONE + ", \"position\": [0, 0, 3], \"active\": " + active + "}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Scene.parse(json, null));
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }

  static Stream<Arguments> badActiveIntervals() {
    return Stream.of(
        Arguments.of("[]", "sources[0].active: give at least one [start, end] interval"),
        Arguments.of("[[0.5]]", "sources[0].active[0]: must be [start, end] in seconds"),
        Arguments.of("[[0.5, 0.2]]", "sources[0].active[0]: must be [start, end] with 0 <="),
        Arguments.of("[[0.5, 2]]", "sources[0].active[0]: must be [start, end] with 0 <="),
        Arguments.of("[[-1, 0.5]]", "sources[0].active[0]: must be [start, end] with 0 <="),
        Arguments.of(
            "[[0.1, 0.5], [0.4, 0.8]]",
            "sources[0].active[1]: intervals must be in time order and not overlap"));
  }
}
