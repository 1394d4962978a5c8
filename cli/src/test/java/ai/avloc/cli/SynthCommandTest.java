package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.training.data.AudioVisualSecond;
import ai.avloc.training.data.TfRecords;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
    String[] forced = Arrays.copyOf(args, args.length + 1);
    forced[args.length] = "--force";
    assertEquals(0, BadInputTest.run(forced).exit());
    assertFalse(Files.exists(out.resolve("class_99")), "a previous dataset's folders go");
    assertEquals("kept", Files.readString(out.resolve("notes.txt")), "other files stay");
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
