package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.testsupport.EmbeddedKafka;
import ai.avloc.testsupport.RealData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GatewayCommandTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Avloc.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static <V> List<V> read(String bootstrap, String topic, Deserializer<V> values, int expected) {
    try (TopicReader<V> reader = TopicReader.on(bootstrap).readUncommitted().open(topic, values)) {
      return reader.read(TopicReader.Until.count(expected).within(Duration.ofSeconds(20)));
    }
  }

  @Test
  void shouldPublishTwoScenesAsArrayCamerasToKafka() throws Exception {
    Path scene = dir.resolve("tone.json");
    Files.writeString(
        scene,
        """
        {"duration": 2, "array": "vogel64",
         "sources": [{"signal": {"type": "tone", "frequency": 700, "amplitude": 0.2},
                      "direction": {"azimuth": 10, "elevation": 0}, "distance": 3}]}
        """);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Run run =
          run(
              "gateway",
              "--bootstrap",
              kafka.bootstrapServers(),
              "--topic-prefix",
              "cli.",
              "--scene",
              scene.toString(),
              "--scene",
              scene.toString(),
              "--stream-id",
              "north",
              "--array",
              "vogel64",
              "--rate",
              "max",
              "--duration",
              "500ms",
              "--start",
              "2026-11-25T12:00:00Z");
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("north: scene"), run.out());
      assertTrue(run.out().contains("tone: scene"), "the second source's default id: " + run.out());
      assertTrue(run.out().contains("published 36 events"), run.out());
      Topics topics = Topics.withPrefix("cli.");
      List<ArrayChunk> arrays =
          read(
              kafka.bootstrapServers(),
              topics.arrayAudio().name(),
              topics.arrayAudio().values(),
              12);
      assertEquals(12, arrays.size(), "6 chunks of 1/12 s for each of two cameras");
      assertEquals(
          Instant.parse("2026-11-25T12:00:00Z"),
          arrays.stream().map(ArrayChunk::getTimestamp).min(Instant::compareTo).orElseThrow());
      assertEquals(
          2, arrays.stream().map(ArrayChunk::getStreamId).distinct().count(), "two streams");
    }
  }

  @Test
  @Tag("real-data")
  void shouldPublishAnExportAtTheTimeItWasRecorded() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Run run =
          run(
              "gateway",
              "--bootstrap",
              kafka.bootstrapServers(),
              "--video",
              RealData.file("car-detection.mp4").toString(),
              "--stream-id",
              "nvr",
              "--rate",
              "max",
              "--duration",
              "1s",
              "--start",
              "creation-time");
      assertEquals(0, run.exit(), run.err());
      assertTrue(run.out().contains("from 2018-04-19T22:46:00Z"), run.out());
      Topics topics = Topics.defaults();
      List<VideoFrame> frames =
          read(kafka.bootstrapServers(), topics.frames().name(), topics.frames().values(), 12);
      assertEquals(
          Instant.parse("2018-04-19T22:46:00Z"),
          frames.stream().map(VideoFrame::getTimestamp).min(Instant::compareTo).orElseThrow(),
          "the container's creation_time, not the time of publishing");
    }
  }

  @Test
  void shouldNameEveryMistakeOfAnInventoryBeforeConnecting() throws Exception {
    Path yaml = dir.resolve("cameras.yaml");
    Files.writeString(
        yaml, "cameras:\n  - id: a\n    url: srt://x/y\n  - id: a\n    url: rtsp://h/s\n");
    // no broker at localhost:1: the file's mistakes come first
    BadInputTest.assertFailsWith(
        BadInputTest.run("gateway", "--bootstrap", "localhost:1", "--cameras", yaml.toString()),
        "cameras.yaml:3: camera 'a': url: camera URL with scheme 'srt' is not supported",
        "cameras.yaml:4: duplicate id 'a' (first on line 2)");
  }

  @Test
  void shouldNameBadOptions() {
    BadInputTest.assertFailsWith(
        BadInputTest.run("gateway", "--bootstrap", "localhost:1", "--scene", "none.json"),
        "none.json");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "gateway", "--bootstrap", "localhost:1", "--video", "x.mp4", "--rate", "fast"),
        "rate 'fast'");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "gateway", "--bootstrap", "localhost:1", "--video", "x.mp4", "--duration", "soon"),
        "--duration 'soon'");
    BadInputTest.assertFailsWith(
        BadInputTest.run("gateway", "--bootstrap", "localhost:1"), "--scene", "--video");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "gateway", "--bootstrap", "localhost:1", "--video", "x.mp4", "--start", "yesterday"),
        "--start 'yesterday'",
        "creation-time");
    BadInputTest.assertFailsWith(
        BadInputTest.run(
            "gateway", "--bootstrap", "localhost:1", "--video", "x.mp4", "--metrics-port", "9464"),
        "--metrics-port serves live cameras' metrics");
  }
}
