package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.training.data.AudioVisualSecond;
import ai.avloc.training.data.TfRecords;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
  @TempDir Path dir;

  @Test
  void shouldWriteADatasetAndRefuseToOverwriteItWithoutForce() throws Exception {
    Path out = dir.resolve("synth");
    String[] args = twoScenes(out, "4", "50/50/0");
    assertEquals(0, BadInputTest.run(args).exit());
    JsonNode card = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
    assertEquals(2, card.get("scenes").asInt());
    assertEquals(1, card.get("splits").get("training").get("scenes").asInt());
    assertEquals(1, card.get("splits").get("validation").get("scenes").asInt());
    assertEquals(0, card.get("splits").get("testing").get("scenes").asInt());
    List<String> training = Files.readAllLines(out.resolve("lists/training.txt"));
    assertEquals(1, training.size());
    AudioVisualSecond second =
        AudioVisualSecond.parse(TfRecords.read(out.resolve(training.get(0))).get(0));
    assertTrue(second.labels().containsKey("classes"));

    BadInputTest.assertFailsWith(BadInputTest.run(args), "avloc synth", "not empty", "--force");

    Files.writeString(out.resolve("notes.txt"), "kept");
    Path stale = out.resolve("class_99/data_00000");
    Files.createDirectories(stale);
    String[] forced = plus(args, "--force");
    assertEquals(0, BadInputTest.run(forced).exit());
    assertFalse(Files.exists(out.resolve("class_99")), "a previous dataset's folders go");
    assertEquals("kept", Files.readString(out.resolve("notes.txt")), "other files stay");
  }

  /**
   * A run stopped before its index, one scene never written and one cut off mid-file: {@code
   * --resume} renders those two again, keeps the others, and ends with what a whole run writes.
   */
  @Test
  void shouldResumeAStoppedRunToTheSameDatasetAndRefuseAnotherRunsDirectory() throws Exception {
    Path whole = dir.resolve("whole");
    Path stopped = dir.resolve("stopped");
    String[] args = twoScenes(whole, "6", "50/25/25");
    args[4] = "4"; // --scenes
    assertEquals(0, BadInputTest.run(args).exit());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(whole)) {
      files = walk.filter(Files::isRegularFile).map(whole::relativize).sorted().toList();
    }
    for (Path f : files) {
      Files.createDirectories(stopped.resolve(f).getParent());
      Files.copy(whole.resolve(f), stopped.resolve(f));
    }
    for (String output : List.of("lists", "annotations.jsonl", "dataset.json", "README.md")) {
      Path p = stopped.resolve(output);
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(q);
          }
        }
      } else {
        Files.delete(p);
      }
    }
    List<String> seconds =
        files.stream().map(Path::toString).filter(f -> f.endsWith(".tfrecord")).toList();
    assertEquals(4, seconds.size());
    Files.delete(stopped.resolve(seconds.get(1)));
    byte[] cut = Files.readAllBytes(stopped.resolve(seconds.get(2)));
    Files.write(stopped.resolve(seconds.get(2)), Arrays.copyOf(cut, cut.length / 2));
    long keptAt = Files.getLastModifiedTime(stopped.resolve(seconds.get(0))).toMillis();

    String[] resumed = plus(twoScenes(stopped, "6", "50/25/25"), "--resume");
    resumed[4] = "4";
    assertEquals(0, BadInputTest.run(resumed).exit());

    for (Path f : files) {
      assertTrue(
          Arrays.equals(
              Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(stopped.resolve(f))),
          f + " as the whole run wrote it");
    }
    assertEquals(
        keptAt,
        Files.getLastModifiedTime(stopped.resolve(seconds.get(0))).toMillis(),
        "a whole scene is kept, not rendered again");

    String[] otherSeed = resumed.clone();
    otherSeed[6] = "7"; // --seed
    BadInputTest.assertFailsWith(
        BadInputTest.run(otherSeed), "avloc synth", "other settings", "seed 6 there, 7 now");
    String[] bare = plus(twoScenes(dir.resolve("bare"), "6", "50/25/25"), "--resume");
    Files.createDirectories(dir.resolve("bare"));
    BadInputTest.assertFailsWith(BadInputTest.run(bare), "avloc synth", "no synth-run.json");
  }

  /** {@code args} with {@code more} after them. */
  static String[] plus(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  /** The arguments of a two-scene dataset of 1 s scenes, generated on 2 threads. */
  static String[] twoScenes(Path out, String seed, String split) {
    return new String[] {
      "synth",
      "--out",
      out.toString(),
      "--scenes",
      "2",
      "--seed",
      seed,
      "--seconds-per-scene",
      "1",
      "--split",
      split,
      "--threads",
      "2"
    };
  }

  @Test
  void shouldDrawBackdropsFromLicensedPhotographsAndRefuseAnUnlicensedOne() throws Exception {
    Path photos = dir.resolve("photos");
    Files.createDirectories(photos);
    BufferedImage sky = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 400; x++) {
        sky.setRGB(x, y, 0x3366ff);
      }
    }
    ImageIO.write(sky, "png", photos.resolve("sky.png").toFile());
    Files.writeString(
        photos.resolve("backdrops.json"),
        "{\"photos\": [{\"file\": \"sky.png\", \"licence\": \"CC0-1.0\","
            + " \"author\": \"test\"}]}");
    Path out = dir.resolve("synth");
    String[] args = twoScenes(out, "4", "50/50/0");
    String[] withPhotos = plus(args, "--backdrops", photos.toString());
    assertEquals(0, BadInputTest.run(withPhotos).exit());
    JsonNode used = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
    JsonNode photo = used.get("backdrops").get("photographs").get(0);
    assertEquals("sky.png", photo.get("file").asText());
    assertEquals("CC0-1.0", photo.get("licence").asText());
    assertEquals(2, photo.get("scenes").asInt());
    List<String> training = Files.readAllLines(out.resolve("lists/training.txt"));
    byte[] frames =
        AudioVisualSecond.parse(TfRecords.read(out.resolve(training.get(0))).get(0)).frames();
    // the top-left pixel of the first frame, BGR: the photograph's blue sky
    assertEquals(0xff, frames[0] & 0xff);
    assertEquals(0x66, frames[1] & 0xff);
    assertEquals(0x33, frames[2] & 0xff);

    ImageIO.write(sky, "png", photos.resolve("unlicensed.png").toFile());
    Path refused = dir.resolve("refused");
    String[] again = withPhotos.clone();
    again[2] = refused.toString();
    BadInputTest.assertFailsWith(
        BadInputTest.run(again), "unlicensed.png has no licence in backdrops.json");
    assertFalse(Files.exists(refused), "nothing is written for a refused photograph");
  }

  @Test
  void shouldRefuseARecordingOfAClassSynthDoesNotDrawBeforeWritingAnything() throws Exception {
    Path sounds = dir.resolve("sounds");
    Files.createDirectories(sounds);
    float[] hum = new float[8000];
    for (int i = 0; i < hum.length; i++) {
      hum[i] = (float) (0.3 * Math.sin(2 * Math.PI * 100 * i / 16_000.0));
    }
    AudioFiles.writePcm16(
        sounds.resolve("rotor.wav"), new MultichannelAudio(new float[][] {hum}, 16_000));
    Files.writeString(
        sounds.resolve("sounds.json"),
        "{\"sounds\": [{\"file\": \"rotor.wav\", \"class\": \"helicopter\","
            + " \"licence\": \"CC0-1.0\"}]}");
    Path refused = dir.resolve("refused");
    String[] args = twoScenes(refused, "4", "50/50/0");
    String[] withSounds = plus(args, "--sounds", sounds.toString());
    BadInputTest.assertFailsWith(
        BadInputTest.run(withSounds),
        "rotor.wav: class 'helicopter' in sounds.json is not one of synth's classes",
        "drone, car");
    assertFalse(Files.exists(refused), "nothing is written for a refused recording");
  }

  @Test
  void shouldRejectABadSplit() {
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "synth", "--out", dir.resolve("x").toString(), "--scenes", "2", "--split", "80/20"),
        "avloc synth",
        "80/10/10");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "synth", "--out", dir.resolve("y").toString(), "--scenes", "2", "--split", "80/10/20"),
        "add up to 100");
  }
}
