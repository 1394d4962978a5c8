package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.schemas.Topics;
import ai.avloc.serving.ModelCard;
import ai.avloc.simulator.Scene;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.testsupport.EmbeddedKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Site adaptation end to end, on a simulated new site: the first minute of {@code
 * examples/site/yard.json} (a vent, a compressor and a beeper at fixed places and a cart shuttling
 * along the bottom, each sounding in its own intervals; no class or sound of the synthetic dataset)
 * seen by a 64-microphone array camera is published to a real broker, {@code collect}ed into a
 * dataset split by 3 s time blocks (12 / 4 / 4), the shipped model fine-tuned on the training
 * blocks with {@code train --start-from models/uvae-compact}, and both models scored on the
 * held-out blocks: the fine-tune must raise IoU@0.5 by at least 20 points (measured by the same
 * commands: 5.6 % to 77.1 %; on 300 s of the yard in 10 s blocks 1.2 % to 83.7 %,
 * docs/site-adaptation.md). A minute holds few blocks, so which source mixtures land in the testing
 * ones moves the figure: 6 s blocks (6 / 2 / 2) gave 0.9 % to 12.0 %.
 */
class SiteAdaptationTest {
  static final String PREFIX = "site.";
  static final Path SHIPPED = Path.of("..").resolve(JobConfig.SHIPPED_MODEL).toAbsolutePath();
  static final Path YARD = Path.of("../examples/site/yard.json");
  static final int SECONDS = 60;

  @TempDir Path dir;

  @Test
  void aFineTuneOnTheSitesArchiveRaisesHeldOutIouByTwentyPoints() throws Exception {
    Scene yard = Scene.parse(firstSeconds(YARD, SECONDS), YARD.getParent());
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(2L * SECONDS);
    Path data = dir.resolve("yard");
    Path model = dir.resolve("uvae-compact-yard");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Topics topics = Topics.withPrefix(PREFIX);
      kafka.createTopics(
          2, topics.frames().name(), topics.audio().name(), topics.arrayAudio().name());
      try (KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
          Gateway gateway =
              new Gateway(
                  List.of(
                      new SceneCamera(
                          yard,
                          "yard",
                          start,
                          null,
                          SceneCamera.Options.defaults().withArray("vogel64"))),
                  events,
                  Gateway.Pace.MAX)) {
        gateway.run();
      }
      CliRun collect =
          CliRun.of(
              "collect",
              "--bootstrap",
              kafka.bootstrapServers(),
              "--topic-prefix",
              PREFIX,
              "--array-stream",
              "yard",
              "--same-camera",
              "--from",
              start.toString(),
              "--to",
              start.plusSeconds(SECONDS).toString(),
              "--block",
              "3s",
              "--split",
              "60/20/20",
              "--out",
              data.toString());
      assertEquals(0, collect.code, collect.err);
    }
    JsonNode card = new ObjectMapper().readTree(data.resolve("dataset.json").toFile());
    assertEquals(SECONDS * 12, card.at("/windows").asInt(), "every window of the minute");

    CliRun train =
        CliRun.of(
            "train",
            "--start-from",
            SHIPPED.toString(),
            "--data",
            data.toString(),
            "--epochs",
            "6",
            "--select-by",
            "iou",
            "--run",
            dir.resolve("run").toString(),
            "--out",
            model.toString(),
            "--name",
            "uvae-compact-yard");
    assertEquals(0, train.code, train.err);
    // the fine-tune starts from the shipped weights, not from scratch: its card says so
    String description = ModelCard.read(model).description();
    assertTrue(description.contains("starting from the model " + SHIPPED), description);

    Path scores = dir.resolve("evaluation");
    CliRun evaluate =
        CliRun.of(
            "evaluate",
            "--model",
            SHIPPED.toString(),
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--split",
            "testing",
            "--out",
            scores.toString());
    assertEquals(0, evaluate.code, evaluate.err);
    JsonNode rows = new ObjectMapper().readTree(scores.resolve("evaluation.json").toFile());
    double before = iou50(rows, ModelCard.read(SHIPPED).id());
    double after = iou50(rows, "uvae-compact-yard@1");
    assertTrue(
        after - before >= 0.20,
        String.format(
            "held-out IoU@0.5 %.1f %% before, %.1f %% after the fine-tune",
            100 * before, 100 * after));
  }

  /** The scene file cut to its first {@code seconds}: later intervals dropped, the last cut. */
  static String firstSeconds(Path file, int seconds) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode scene = (ObjectNode) json.readTree(file.toFile());
    scene.put("duration", seconds);
    for (JsonNode source : scene.get("sources")) {
      ArrayNode kept = json.createArrayNode();
      for (JsonNode interval : source.get("active")) {
        double from = interval.get(0).asDouble();
        if (from < seconds - 0.5) {
          kept.add(
              json.createArrayNode().add(from).add(Math.min(interval.get(1).asDouble(), seconds)));
        }
      }
      ((ObjectNode) source).set("active", kept);
    }
    return json.writeValueAsString(scene);
  }

  static double iou50(JsonNode evaluation, String row) {
    for (JsonNode r : evaluation.get("rows")) {
      if (r.get("name").asText().equals(row)) {
        return r.get("iou50").asDouble();
      }
    }
    throw new AssertionError("no row " + row + " in " + evaluation.get("rows"));
  }
}
