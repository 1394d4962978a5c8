package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.cli.replay.ClipProbe;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.testsupport.RealData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An NVR export replayed at the time it was recorded: the real car clip (creation_time
 * 2018-04-19T22:46:00Z, 30 s, digitally silent audio) goes through a private broker and the replay
 * job, and its range comes back with the recording's own times.
 */
@Tag("real-data")
class ReplayExportTest {
  static final Instant RECORDED = Instant.parse("2018-04-19T22:46:00Z");

  @TempDir Path dir;

  static CliRun avloc(String... args) {
    return CliRun.of(List.of("replay"), args);
  }

  @Test
  void anExportReplaysAtTheTimeItWasRecorded() throws Exception {
    Path model = dir.resolve("bright-spot");
    BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    Path out = dir.resolve("report");
    Instant from = RECORDED.plusSeconds(5);
    Instant to = RECORDED.plusSeconds(10);

    // the end as a time after the recording's start: +10s is 22:46:10Z
    CliRun run =
        avloc(
            "--video",
            RealData.file("car-detection.mp4").toString(),
            "--from",
            from.toString(),
            "--to",
            "+10s",
            "--model",
            model.toString(),
            "--out",
            out.toString(),
            "--parallelism=2");

    assertEquals(0, run.code, run.err);
    assertTrue(
        run.out.contains("car-detection: ")
            && run.out.contains("recorded from " + RECORDED + " (creation_time)"),
        run.out);
    assertTrue(run.out.contains("windows/s"), run.out);
    List<String> lines = Files.readAllLines(out.resolve("localizations.jsonl"));
    assertEquals(60, lines.size(), "5 s of windows at 12 per second");
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode l = json.readTree(line);
      Instant start = Instant.parse(l.get("windowStart").asText());
      assertTrue(!start.isBefore(from) && start.isBefore(to), "window at " + start);
      assertEquals("car-detection", l.get("stream").asText());
      assertTrue(l.get("silent").asBoolean(), "the clip's audio is digital silence: " + line);
    }
    assertEquals(from.toString(), json.readTree(lines.get(0)).get("windowStart").asText());
    JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
    assertEquals(60, summary.get("windows").asInt());
    assertEquals(from.toString(), summary.get("from").asText());
    assertEquals(to.toString(), summary.get("to").asText());
    assertEquals("bright-spot@1", summary.get("modelId").asText());

    Map<String, String> probe = ClipProbe.ffprobe(out.resolve("car-detection.mp4"));
    assertEquals(5.0, Double.parseDouble(probe.get("format.duration")), 0.1, probe.toString());
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(
          List.of("car-detection.mp4", "localizations.jsonl", "summary.json"),
          left.map(p -> p.getFileName().toString()).sorted().toList(),
          "the private broker's folder is gone");
    }
  }

  @Test
  void aFileWithoutItsRecordingTimeNeedsStartTime() throws Exception {
    // a WAV file's container has no creation_time
    Path wav = RealData.file("measurement_drone.wav");
    CliRun run = avloc("--video", wav.toString(), "--from", "+1s", "--to", "+2s");
    assertEquals(2, run.code, run.out);
    assertTrue(run.err.contains(wav + ": its container holds no creation_time"), run.err);
    assertTrue(run.err.contains("give --start-time"), run.err);
  }

  @Test
  void anExportIsNotTheArchive() throws Exception {
    String clip = RealData.file("car-detection.mp4").toString();
    CliRun both = avloc("--video", clip, "--stream", "cam-1", "--from", "-1m", "--to", "now");
    assertEquals(2, both.code, both.out);
    assertTrue(both.err.contains("--video and --stream exclude each other"), both.err);

    CliRun broker = avloc("--video", clip, "--bootstrap", "127.0.0.1:9092");
    assertEquals(2, broker.code, broker.out);
    assertTrue(broker.err.contains("--bootstrap is for the archive (--stream)"), broker.err);

    CliRun relative = avloc("--stream", "cam-1", "--from", "+5s", "--to", "now");
    assertEquals(2, relative.code, relative.out);
    assertTrue(
        relative.err.contains("--from +5.0s: a time after the recording's start"), relative.err);
  }
}
