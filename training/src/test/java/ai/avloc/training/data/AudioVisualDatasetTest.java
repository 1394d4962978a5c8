package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.BackgroundNoise;
import ai.avloc.acoustics.audio.Mfcc;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.training.data.AudioVisualDataset.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioVisualDatasetTest {
  @TempDir Path root;

  @Test
  void shouldUnbatchSecondsIntoFramesInListOrder() throws IOException {
    // listed out of path order, loaded on more threads than seconds
    long[] seeds = {5, 2, 9};
    List<String> lines = new ArrayList<>();
    List<AudioVisualSecond> seconds = new ArrayList<>();
    for (int i = 0; i < seeds.length; i++) {
      AudioVisualSecond s =
          DatasetFixture.sounding(seeds[i], Map.of("classes", (long) i, "location", 10L + i));
      String path = DatasetFixture.path(i, 10 + i, 3 - i);
      DatasetFixture.write(root, path, s);
      lines.add(path);
      seconds.add(s);
    }
    DatasetFixture.list(root, Split.TESTING, lines);
    AudioVisualDataset dataset = AudioVisualDataset.open(root);
    List<int[]> calls = new CopyOnWriteArrayList<>();
    List<FrameSample> frames =
        dataset.load(Split.TESTING, 0, 4, (done, total) -> calls.add(new int[] {done, total}));

    assertEquals(36, frames.size());
    assertEquals(3, calls.size());
    assertArrayEquals(new int[] {3, 3}, calls.get(2));
    Mfcc mfcc = new Mfcc();
    BackgroundNoise noise = new BackgroundNoise();
    for (int i = 0; i < frames.size(); i++) {
      FrameSample f = frames.get(i);
      AudioVisualSecond s = seconds.get(i / 12);
      int e = i % 12;
      assertEquals(lines.get(i / 12), f.source());
      assertEquals(e, f.entry());
      assertEquals(i / 12, f.classId());
      assertEquals(10 + i / 12, f.location());
      assertArrayEquals(
          Arrays.copyOfRange(
              s.frames(), e * FrameSample.RGB_VALUES, (e + 1) * FrameSample.RGB_VALUES),
          f.bgr());
      assertArrayEquals(s.rgb(e), f.rgb());
      assertArrayEquals(s.target(e), f.target());
      assertArrayEquals(mfcc.normalized(s.samples(e), 0), f.mfcc());
      assertArrayEquals(noise.lowPassMfcc(s.samples(e)), f.noiseMfcc());
      assertFalse(f.hasBoxes());
    }
    float[] tiled = frames.get(5).noiseTarget();
    assertEquals(FrameSample.TARGET_VALUES, tiled.length);
    for (int p = 0; p < tiled.length; p++) {
      assertEquals(frames.get(5).noiseMfcc()[p % 12], tiled[p]);
    }
    float[] batch = new float[2 * FrameSample.RGB_VALUES];
    frames.get(13).rgbInto(batch, FrameSample.RGB_VALUES);
    assertArrayEquals(
        seconds.get(1).rgb(1),
        Arrays.copyOfRange(batch, FrameSample.RGB_VALUES, 2 * FrameSample.RGB_VALUES));
  }

  @Test
  void shouldKeepEvenlySpacedFramesAndMirrorThem() throws IOException {
    AudioVisualSecond s = DatasetFixture.sounding(3, Map.of("classes", 1L, "location", 4L));
    String path = DatasetFixture.path(1, 4, 0);
    DatasetFixture.write(root, path, s);
    DatasetFixture.list(root, Split.TRAINING, List.of(path));
    AudioVisualDataset dataset = AudioVisualDataset.open(root);

    List<FrameSample> four = dataset.load(Split.TRAINING, 0, 4, 1, (done, total) -> {});
    assertEquals(List.of(0, 3, 6, 9), four.stream().map(FrameSample::entry).toList());
    assertArrayEquals(s.target(6), four.get(2).target());
    IllegalArgumentException five =
        assertThrows(
            IllegalArgumentException.class,
            () -> dataset.load(Split.TRAINING, 0, 5, 1, (done, total) -> {}));
    assertTrue(five.getMessage().contains("divide 12"), five.getMessage());

    // mirrored: column x of the frame and column c of the image land at width - 1 - x, 47 - c
    FrameSample f = four.get(1);
    float[] plain = f.rgb();
    float[] mirrored = new float[FrameSample.RGB_VALUES];
    f.rgbInto(mirrored, 0, true);
    int w = ModelShapes.FRAME_WIDTH;
    for (int[] yx : new int[][] {{0, 0}, {17, 5}, {223, 297}, {100, 149}}) {
      for (int ch = 0; ch < 3; ch++) {
        assertEquals(
            plain[(yx[0] * w + yx[1]) * 3 + ch], mirrored[(yx[0] * w + w - 1 - yx[1]) * 3 + ch]);
      }
    }
    float[] image = new float[FrameSample.TARGET_VALUES + 7];
    FrameSample.mirrorImageInto(f.target(), image, 7);
    for (int[] rck : new int[][] {{0, 0, 0}, {35, 47, 11}, {12, 3, 5}, {20, 30, 1}}) {
      assertEquals(
          f.target()[(rck[0] * 48 + rck[1]) * 12 + rck[2]],
          image[7 + (rck[0] * 48 + 47 - rck[1]) * 12 + rck[2]]);
    }
    float[] twice = new float[FrameSample.TARGET_VALUES];
    FrameSample.mirrorImageInto(Arrays.copyOfRange(image, 7, image.length), twice, 0);
    assertArrayEquals(f.target(), twice);
  }

  @Test
  void shouldReadAviaActionsAndToleratePlainSeconds() throws IOException {
    DatasetFixture.write(
        root, "a.tfrecord", DatasetFixture.sounding(1, Map.of("action", 7L, "location", 2L)));
    DatasetFixture.write(root, "b.tfrecord", DatasetFixture.noiseOnly(2, Map.of()));
    DatasetFixture.list(root, Split.TRAINING, List.of("a.tfrecord", "b.tfrecord"));
    List<FrameSample> frames =
        AudioVisualDataset.open(root).load(Split.TRAINING, 0, 1, AudioVisualDataset.Progress.NONE);
    assertEquals(7, frames.get(0).classId());
    assertEquals(2, frames.get(0).location());
    assertEquals(-1, frames.get(12).classId());
    assertEquals(-1, frames.get(12).location());
  }

  @Test
  void shouldReadTheCardAndTheAnnotations() throws IOException {
    String sounding = DatasetFixture.path(1, 4, 1);
    String quiet = DatasetFixture.path(2, 5, 1);
    DatasetFixture.write(
        root, sounding, DatasetFixture.sounding(11, Map.of("classes", 1L, "location", 4L)));
    DatasetFixture.write(root, quiet, DatasetFixture.noiseOnly(12, Map.of("classes", 2L)));
    DatasetFixture.list(root, Split.TESTING, List.of(sounding, quiet));
    Files.writeString(
        root.resolve("dataset.json"),
        "{\"name\":\"synth\",\"classes\":[{\"id\":0,\"name\":\"train\"},{\"id\":1,\"name\":\"drone\"},"
            + "{\"id\":2,\"name\":\"noise only\"}],\"noise_only_class\":2}");
    Files.write(
        root.resolve("annotations.jsonl"),
        List.of(
            DatasetFixture.annotation(sounding, "testing", 4, 1, 11),
            // quiet second: scene from the annotation, one frame with a box partly off screen
            DatasetFixture.emptyAnnotation(quiet, "testing", 5, 2)
                .replaceFirst(
                    "\\[\\]", "[{\"box\":[-10.5,200,20.2,300],\"class\":1,\"sounding\":true}]")));
    AudioVisualDataset dataset = AudioVisualDataset.open(root);
    assertEquals(Map.of(0L, "train", 1L, "drone", 2L, "noise only"), dataset.classNames());
    assertEquals(2, dataset.noiseOnlyClass().getAsLong());
    assertEquals("class 7", dataset.className(7));
    assertTrue(dataset.annotated());

    List<FrameSample> frames = dataset.load(Split.TESTING, 0, 2, AudioVisualDataset.Progress.NONE);
    for (int e = 0; e < 12; e++) {
      int[] b = DatasetFixture.box(11, e);
      assertEquals(List.of(new SoundingBox(b[0], b[1], b[2], b[3], 1)), frames.get(e).boxes());
    }
    assertEquals(List.of(new SoundingBox(0, 200, 21, 224, 1)), frames.get(12).boxes());
    assertFalse(frames.get(13).hasBoxes());
    assertEquals(5, frames.get(12).location());
    assertEquals(2, frames.get(12).classId());
  }

  @Test
  void shouldReadTheSynthesizersAnnotationShape() throws IOException {
    String path = DatasetFixture.path(1, 3, 1);
    DatasetFixture.write(root, path, DatasetFixture.sounding(5, Map.of("classes", 1L)));
    DatasetFixture.list(root, Split.VALIDATION, List.of(path));
    Files.writeString(
        root.resolve("dataset.json"),
        "{\"classes\":[{\"id\":0,\"name\":\"drone\",\"seconds\":{\"training\":4}},"
            + "{\"id\":1,\"name\":\"boat\"},{\"id\":2,\"name\":\"noise_only\"}]}");
    StringBuilder frames = new StringBuilder();
    for (int e = 0; e < 12; e++) {
      frames
          .append(e == 0 ? "" : ",")
          .append("{\"frame\":")
          .append(e)
          .append(",\"t\":0.1,\"sounding\":[{\"class\":1,\"name\":\"boat\",")
          .append("\"box\":[10.4,20.0,50.6,60.2],\"center\":[30.5,40.1]}],")
          .append("\"distractors\":[{\"class\":0,\"box\":[100,100,120,130]}]}");
    }
    Files.writeString(
        root.resolve("annotations.jsonl"),
        "{\"path\":\""
            + path
            + "\",\"split\":\"validation\",\"scene\":3,\"second\":1,\"class\":1,"
            + "\"frames\":["
            + frames
            + "]}\n");
    AudioVisualDataset dataset = AudioVisualDataset.open(root);
    assertEquals(2, dataset.noiseOnlyClass().getAsLong());
    List<FrameSample> loaded =
        dataset.load(Split.VALIDATION, 0, 1, AudioVisualDataset.Progress.NONE);
    for (FrameSample f : loaded) {
      assertEquals(List.of(new SoundingBox(10, 20, 51, 61, 1)), f.boxes());
    }
  }

  @Test
  void shouldReadOtherCardShapes() throws IOException {
    DatasetFixture.list(root, Split.TESTING, List.of());
    Files.writeString(root.resolve("dataset.json"), "{\"classes\":[\"boat\",\"noise-only\"]}");
    AudioVisualDataset a = AudioVisualDataset.open(root);
    assertEquals(Map.of(0L, "boat", 1L, "noise-only"), a.classNames());
    assertEquals(1, a.noiseOnlyClass().getAsLong());

    Files.writeString(
        root.resolve("dataset.json"),
        "{\"classes\":{\"boat\":3,\"fountain\":4},\"noiseOnlyClass\":{\"id\":9}}");
    AudioVisualDataset b = AudioVisualDataset.open(root);
    assertEquals(Map.of(3L, "boat", 4L, "fountain"), b.classNames());
    assertEquals(9, b.noiseOnlyClass().getAsLong());

    Files.delete(root.resolve("dataset.json"));
    AudioVisualDataset c = AudioVisualDataset.open(root);
    assertTrue(c.classNames().isEmpty());
    assertTrue(c.noiseOnlyClass().isEmpty());
    assertFalse(c.annotated());
  }

  @Test
  void shouldTrainOnSeveralDatasetsOnlyWhenTheirClassIdsAgree() throws IOException {
    Path[] roots = new Path[3];
    String[] cards = {
      "{\"classes\":[\"boat\",\"noise-only\"]}",
      "{\"classes\":[\"boat\",\"noise-only\"]}",
      "{\"classes\":[\"noise-only\",\"boat\"]}"
    };
    for (int i = 0; i < 3; i++) {
      roots[i] = Files.createDirectory(root.resolve("d" + i));
      DatasetFixture.list(roots[i], Split.TRAINING, List.of());
      Files.writeString(roots[i].resolve("dataset.json"), cards[i]);
    }
    AudioVisualDataset a = AudioVisualDataset.open(roots[0]);
    AudioVisualDataset b = AudioVisualDataset.open(roots[1]);
    AudioVisualDataset swapped = AudioVisualDataset.open(roots[2]);
    assertSame(a, AudioVisualDataset.requireSameClasses(List.of(a, b)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AudioVisualDataset.requireSameClasses(List.of(a, b, swapped)));
    assertTrue(e.getMessage().contains(roots[2].toString()), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> AudioVisualDataset.requireSameClasses(List.of()));
  }

  @Test
  void shouldNameAMissingList() throws IOException {
    DatasetFixture.list(root, Split.TRAINING, List.of());
    AudioVisualDataset dataset = AudioVisualDataset.open(root);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> dataset.files(Split.VALIDATION));
    assertTrue(e.getMessage().contains("validation.txt"), e.getMessage());

    Path empty = Files.createDirectory(root.resolve("empty"));
    NoSuchFileException none =
        assertThrows(NoSuchFileException.class, () -> AudioVisualDataset.open(empty));
    assertTrue(none.getMessage().contains("lists/testing.txt"), none.getMessage());
  }

  @Test
  void shouldNameACorruptOrMissingFile() throws IOException {
    DatasetFixture.write(root, "good.tfrecord", DatasetFixture.noiseOnly(1, Map.of()));
    Path bad = DatasetFixture.write(root, "bad.tfrecord", DatasetFixture.noiseOnly(2, Map.of()));
    // a truncated GZIP stream
    byte[] bytes = Files.readAllBytes(root.resolve("good.tfrecord"));
    Files.write(bad, Arrays.copyOf(bytes, bytes.length - 40));
    DatasetFixture.list(root, Split.TESTING, List.of("good.tfrecord", "bad.tfrecord"));
    IOException truncated =
        assertThrows(
            IOException.class,
            () ->
                AudioVisualDataset.open(root)
                    .load(Split.TESTING, 0, 2, AudioVisualDataset.Progress.NONE));
    assertTrue(truncated.getMessage().contains("bad.tfrecord"), truncated.getMessage());

    TfRecords.write(bad, List.of(new byte[] {1, 2, 3, 4}), true);
    IOException notASecond =
        assertThrows(
            IOException.class,
            () ->
                AudioVisualDataset.open(root)
                    .load(Split.TESTING, 0, 1, AudioVisualDataset.Progress.NONE));
    assertTrue(notASecond.getMessage().contains("bad.tfrecord"), notASecond.getMessage());

    DatasetFixture.list(root, Split.TESTING, List.of("good.tfrecord", "gone.tfrecord"));
    IOException missing =
        assertThrows(
            IOException.class,
            () ->
                AudioVisualDataset.open(root)
                    .load(Split.TESTING, 0, 1, AudioVisualDataset.Progress.NONE));
    assertTrue(missing.getMessage().contains("gone.tfrecord"), missing.getMessage());
  }

  @Test
  void shouldNameABadAnnotationLine() throws IOException {
    DatasetFixture.list(root, Split.TESTING, List.of());
    Files.write(root.resolve("annotations.jsonl"), List.of("{\"path\":\"a\"}", "{\"frames\":[]}"));
    IOException e = assertThrows(IOException.class, () -> AudioVisualDataset.open(root));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void shouldSpreadAShortRunOverTheList() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lines.add("s" + i + ".tfrecord");
    }
    DatasetFixture.list(root, Split.VALIDATION, lines);
    AudioVisualDataset dataset = AudioVisualDataset.open(root);
    List<Path> picked = dataset.select(Split.VALIDATION, 4);
    assertEquals(
        List.of(
            root.resolve("s0.tfrecord"),
            root.resolve("s2.tfrecord"),
            root.resolve("s5.tfrecord"),
            root.resolve("s7.tfrecord")),
        picked);
    assertEquals(10, dataset.select(Split.VALIDATION, 0).size());
    assertEquals(10, dataset.select(Split.VALIDATION, 50).size());
    assertEquals(Split.VALIDATION, Split.parse("val"));
    assertEquals(Split.TESTING, Split.parse("Testing"));
    assertThrows(IllegalArgumentException.class, () -> Split.parse("t"));
  }
}
