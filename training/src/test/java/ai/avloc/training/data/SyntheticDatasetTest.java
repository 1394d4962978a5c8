package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.simulator.SceneRenderer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small dataset (10 one-second scenes, a third of them noise only so that every kind appears)
 * generated once and read back the way a trainer and an evaluator would.
 */
class SyntheticDatasetTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern PATH =
      Pattern.compile("class_(\\d+)/data_(\\d{5})/Data_(\\d{3})\\.tfrecord");

  @TempDir static Path dir;
  static Path out;
  static SyntheticDataset.Config config;
  static SyntheticDataset.Summary summary;
  static Map<String, JsonNode> annotations = new HashMap<>();
  static List<long[]> progress = new ArrayList<>();

  @BeforeAll
  static void generate() throws Exception {
    config =
        SyntheticDataset.Config.defaults(10, 5)
            .withSecondsPerScene(1)
            .withThreads(2)
            .withFractions(0.3, 0.2, 0.2);
    out = dir.resolve("synth");
    summary =
        new SyntheticDataset(config)
            .generate(
                out, (done, scenes, frames) -> progress.add(new long[] {done, scenes, frames}));
    for (String line : Files.readAllLines(out.resolve("annotations.jsonl"))) {
      JsonNode node = JSON.readTree(line);
      annotations.put(node.get("path").asText(), node);
    }
  }

  @Test
  void shouldReportEverySceneAndItsFramesInOrder() {
    assertEquals(10, progress.size());
    for (int k = 0; k < 10; k++) {
      assertArrayEquals(new long[] {k + 1, 10, 12L * (k + 1)}, progress.get(k));
    }
  }

  static List<String> list(String split) throws IOException {
    return Files.readAllLines(out.resolve("lists").resolve(split + ".txt"));
  }

  /** The centres of a frame's sounding objects, in pixels; x mirrored to width - x if asked. */
  static List<double[]> soundingCentres(JsonNode frame, boolean mirrored) {
    List<double[]> centres = new ArrayList<>();
    for (JsonNode o : frame.get("sounding")) {
      double x = o.get("center").get(0).asDouble();
      centres.add(
          new double[] {
            mirrored ? ModelShapes.FRAME_WIDTH - x : x, o.get("center").get(1).asDouble()
          });
    }
    return centres;
  }

  static AudioVisualSecond read(String path) throws IOException {
    List<byte[]> records = TfRecords.read(out.resolve(path));
    assertEquals(1, records.size(), "one SequenceExample per file");
    return AudioVisualSecond.parse(records.get(0));
  }

  @Test
  void splitsAreDisjointByScene() throws IOException {
    Map<String, String> splitOfScene = new HashMap<>();
    Set<String> listed = new HashSet<>();
    for (String split : SyntheticDataset.SPLITS) {
      for (String path : list(split)) {
        Matcher m = PATH.matcher(path);
        assertTrue(m.matches(), path);
        assertTrue(listed.add(path), "listed twice: " + path);
        String previous = splitOfScene.put(m.group(2), split);
        assertTrue(
            previous == null || previous.equals(split), "scene " + m.group(2) + " in two splits");
      }
    }
    assertEquals(10, splitOfScene.size(), "every scene is in a split");
    assertEquals(8, list("training").size());
    assertEquals(1, list("validation").size());
    assertEquals(1, list("testing").size());
    Set<String> onDisk;
    try (Stream<Path> walk = Files.walk(out)) {
      onDisk =
          new HashSet<>(
              walk.filter(p -> p.toString().endsWith(".tfrecord"))
                  .map(p -> out.relativize(p).toString().replace('\\', '/'))
                  .toList());
    }
    assertEquals(onDisk, listed, "the lists name exactly the files written");
  }

  @Test
  void everyFileParsesWithItsFoldersLabels() throws IOException {
    for (String split : SyntheticDataset.SPLITS) {
      for (String path : list(split)) {
        Matcher m = PATH.matcher(path);
        assertTrue(m.matches());
        AudioVisualSecond second = read(path);
        assertEquals(
            Map.of("classes", Long.parseLong(m.group(1)), "location", Long.parseLong(m.group(2))),
            second.labels());
        for (int v : second.audio()) {
          assertTrue(v >= Short.MIN_VALUE && v <= Short.MAX_VALUE);
        }
        for (int e = 0; e < AudioVisualSecond.ENTRIES; e++) {
          float min = Float.POSITIVE_INFINITY;
          float max = Float.NEGATIVE_INFINITY;
          int size = 36 * 48 * 12;
          for (int i = e * size; i < (e + 1) * size; i++) {
            min = Math.min(min, second.acousticImages()[i]);
            max = Math.max(max, second.acousticImages()[i]);
          }
          assertEquals(0, min, 1e-6, "min-max normalized per frame");
          assertEquals(1, max, 1e-6);
        }
        JsonNode note = annotations.get(path);
        assertNotNull(note, "annotated: " + path);
        assertEquals(split, note.get("split").asText());
        assertEquals(Integer.parseInt(m.group(1)), note.get("class").asInt());
        assertEquals(12, note.get("frames").size());
      }
    }
    assertEquals(10, annotations.size(), "one annotation line per file");
  }

  @Test
  void framesAreTheRenderersPicturesInBgrAtTheMiddleOfTheirAudioWindows() throws IOException {
    String path = list("training").get(0);
    Matcher m = PATH.matcher(path);
    assertTrue(m.matches());
    int scene = Integer.parseInt(m.group(2));
    AudioVisualSecond second = read(path);
    SyntheticScene s = SyntheticScene.compose(config, scene);
    SceneRenderer renderer = new SceneRenderer(s.looks(), s.backdrop(), 298, 224, 65, 50);
    for (int e : new int[] {0, 11}) {
      BufferedImage expected = renderer.render((e + 0.5) / 12);
      float[] rgb = second.rgb(e);
      for (int y = 0; y < 224; y += 7) {
        for (int x = 0; x < 298; x += 5) {
          int p = expected.getRGB(x, y);
          int i = 3 * (y * 298 + x);
          assertEquals((p >> 16) & 0xff, Math.round(rgb[i] * 255), "red at " + x + "," + y);
          assertEquals((p >> 8) & 0xff, Math.round(rgb[i + 1] * 255));
          assertEquals(p & 0xff, Math.round(rgb[i + 2] * 255));
        }
      }
    }
  }

  @Test
  void theTargetsEnergyPeakLiesOnTheSoundingObject() throws IOException {
    int frames = 0;
    int near = 0;
    int nearUnrotated = 0;
    for (JsonNode note : annotations.values()) {
      AudioVisualSecond second = read(note.get("path").asText());
      for (JsonNode frame : note.get("frames")) {
        List<double[]> centres = soundingCentres(frame, false);
        for (JsonNode o : frame.get("sounding")) {
          JsonNode box = o.get("box");
          assertTrue(box.get(0).asDouble() >= 0 && box.get(2).asDouble() <= 298);
          assertTrue(box.get(1).asDouble() >= 0 && box.get(3).asDouble() <= 224);
        }
        if (centres.isEmpty()) {
          continue;
        }
        int e = frame.get("frame").asInt();
        float[] energy = EnergyMap.of(second.target(e));
        frames++;
        if (SyntheticDataset.peakError(SyntheticDataset.argmax(energy), centres) <= 3) {
          near++;
        }
        // the stored image is the target turned by 180 degrees, as ACIVW stores it
        float[] stored = new float[36 * 48 * 12];
        System.arraycopy(second.acousticImages(), e * stored.length, stored, 0, stored.length);
        if (SyntheticDataset.peakError(SyntheticDataset.argmax(EnergyMap.of(stored)), centres)
            <= 3) {
          nearUnrotated++;
        }
      }
    }
    assertTrue(frames >= 48, "sounding frames: " + frames);
    assertTrue(near >= 0.85 * frames, near + " of " + frames + " peaks on a sounding object");
    assertTrue(nearUnrotated <= 0.3 * frames, nearUnrotated + " of " + frames + " unrotated");
    assertEquals(frames, summary.soundingFrames());
    assertEquals((double) near / frames, summary.peakNearFraction(), 1e-12);
  }

  @Test
  void aMirroredTargetPeaksOnTheMirroredObject() throws IOException {
    // training shows pairs mirrored; that is only right if the mirrored image is the mirrored
    // scene's, i.e. its peak sits on the object at x -> width - x
    int frames = 0;
    int near = 0;
    float[] mirrored = new float[FrameSample.TARGET_VALUES];
    for (JsonNode note : annotations.values()) {
      AudioVisualSecond second = read(note.get("path").asText());
      for (JsonNode frame : note.get("frames")) {
        List<double[]> centres = soundingCentres(frame, true);
        if (centres.isEmpty()) {
          continue;
        }
        FrameSample.mirrorImageInto(second.target(frame.get("frame").asInt()), mirrored, 0);
        frames++;
        if (SyntheticDataset.peakError(SyntheticDataset.argmax(EnergyMap.of(mirrored)), centres)
            <= 3) {
          near++;
        }
      }
    }
    assertTrue(frames >= 48, "sounding frames: " + frames);
    assertTrue(near >= 0.85 * frames, near + " of " + frames + " mirrored peaks on the object");
  }

  @Test
  void noiseOnlySecondsHaveNoClearPeak() throws IOException {
    List<Double> noise = new ArrayList<>();
    List<Double> sounding = new ArrayList<>();
    for (JsonNode note : annotations.values()) {
      AudioVisualSecond second = read(note.get("path").asText());
      boolean noiseOnly = note.get("class").asInt() == SyntheticClass.NOISE_ONLY_ID;
      for (int e = 0; e < 12; e++) {
        float[] energy = EnergyMap.of(second.target(e));
        double c = SyntheticDataset.contrast(energy, SyntheticDataset.argmax(energy));
        (noiseOnly ? noise : sounding).add(c);
        if (noiseOnly) {
          assertEquals(0, note.get("frames").get(e).get("sounding").size());
          assertTrue(note.get("frames").get(e).get("distractors").size() >= 1, "objects in view");
        }
      }
    }
    assertTrue(summary.noiseOnlyScenes() >= 1, "a noise-only scene");
    assertEquals(12L * summary.noiseOnlyScenes(), noise.size());
    Collections.sort(noise);
    Collections.sort(sounding);
    double noiseMedian = noise.get(noise.size() / 2);
    double soundingMedian = sounding.get(sounding.size() / 2);
    assertTrue(
        noiseMedian < 0.85 * soundingMedian,
        "peak contrast " + noiseMedian + " (noise only) vs " + soundingMedian);
  }

  @Test
  void theCardCountsWhatWasWritten() throws IOException {
    JsonNode card = JSON.readTree(out.resolve("dataset.json").toFile());
    assertEquals(10, card.get("scenes").asInt());
    assertEquals(5, card.get("seed").asLong());
    assertEquals(120, card.get("frames").asLong());
    assertEquals("dualcam128", card.get("array").get("name").asText());
    assertEquals(128, card.get("array").get("microphones").asInt());
    assertEquals(65, card.get("field_of_view_deg").get("horizontal").asDouble());
    assertEquals(50, card.get("field_of_view_deg").get("vertical").asDouble());
    long seconds = 0;
    for (String split : SyntheticDataset.SPLITS) {
      JsonNode s = card.get("splits").get(split);
      assertEquals(list(split).size(), s.get("seconds").asLong());
      seconds += s.get("seconds").asLong();
    }
    assertEquals(10, seconds);
    JsonNode classes = card.get("classes");
    assertEquals(SyntheticClass.values().length + 1, classes.size());
    assertEquals("noise_only", classes.get(SyntheticClass.NOISE_ONLY_ID).get("name").asText());
    long perClass = 0;
    for (JsonNode c : classes) {
      for (String split : SyntheticDataset.SPLITS) {
        perClass += c.get("seconds").get(split).asLong();
      }
    }
    assertEquals(10, perClass);
    assertTrue(
        card.get("composition").get("distractor_objects").asLong() >= 10, "a distractor per scene");
    assertEquals(summary.distractors(), card.get("composition").get("distractor_objects").asLong());
    assertTrue(Files.readString(out.resolve("README.md")).contains("| noise_only |"));
    assertNotNull(ImageIO.read(out.resolve("preview.png").toFile()));
  }

  @Test
  void removingAPreviousDatasetTakesEverythingItWroteAndNothingElse() throws IOException {
    Path copy = dir.resolve("replaced");
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path p : walk.toList()) {
        Files.copy(p, copy.resolve(out.relativize(p).toString()));
      }
    }
    Files.writeString(copy.resolve("notes.txt"), "kept");
    Files.createDirectories(copy.resolve("classes"));
    Set<String> classFolders = new HashSet<>();
    for (String split : SyntheticDataset.SPLITS) {
      for (String line : list(split)) {
        classFolders.add(line.substring(0, line.indexOf('/')));
      }
    }
    // every class folder, the lists, annotations, card, README, preview and the run's settings
    assertEquals(classFolders.size() + 6, SyntheticDataset.removePrevious(copy));
    try (Stream<Path> left = Files.list(copy)) {
      assertEquals(
          List.of("classes", "notes.txt"),
          left.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(0, SyntheticDataset.removePrevious(copy));
  }

  @Test
  void theSameSeedGivesTheSameBytesWhateverTheThreadCount() throws Exception {
    SyntheticDataset.Config small =
        SyntheticDataset.Config.defaults(2, 11).withSecondsPerScene(1).withFractions(0.5, 0.5, 0.5);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    new SyntheticDataset(small.withThreads(1)).generate(a, null);
    new SyntheticDataset(small.withThreads(2)).generate(b, null);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(a)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertEquals(
        2 + 8, files.size(), "2 seconds, 3 lists, card, readme, annotations, preview, settings");
    for (Path f : files) {
      Path other = b.resolve(a.relativize(f));
      assertTrue(Files.exists(other), "missing " + other);
      assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(other), f.toString());
    }
  }
}
