package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.alerts.RuleReplay;
import ai.avloc.cli.replay.ClipProbe;
import ai.avloc.cli.replay.EvidenceClip;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import ai.avloc.testsupport.EmbeddedKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay over a real broker: two mono cameras archived for 6 s (a bright square that moves, sound
 * in bursts) are localized by the live job once; a sub-range of one camera replayed gives the live
 * windows again, window for window, on the replay's own topic; another model changes only the
 * replay's topic; ranges the archive cannot serve exit 2 with the reason.
 */
class ReplayCommandTest {
  static final String PREFIX = "rp.";
  static final Topics TOPICS = Topics.withPrefix(PREFIX);
  static final int WINDOWS = 72;

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Path model;
  static Instant start;
  static List<Localization> live;

  @BeforeAll
  static void archiveAndRunLive() throws Exception {
    kafka = EmbeddedKafka.start();
    // camera topics as the gateway creates them: the records carry the events' own times
    kafka.createTopics(
        2,
        TOPICS.frames().name(),
        TOPICS.audio().name(),
        TOPICS.arrayAudio().name(),
        TOPICS.localizations().name(),
        TOPICS.deadLetters().name());
    kafka.createTopics(1, TOPICS.alertRules().name());
    model = dir.resolve("bright-spot");
    BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int k = 0; k < WINDOWS; k++) {
        publishWindow(producer, "cam-r", k, 7);
        publishWindow(producer, "cam-o", k, 11);
      }
      AlertRule rule =
          AlertRule.newBuilder()
              .setRuleId("sound")
              .setName("any sound")
              .setStreamIds(List.of())
              .setZone(
                  List.of(
                      new ImagePoint(0f, 0f),
                      new ImagePoint(1f, 0f),
                      new ImagePoint(1f, 1f),
                      new ImagePoint(0f, 1f)))
              .setMinContrast(0f)
              .setMinDurationWindows(3)
              .setCooldownWindows(2)
              .setEnabled(true)
              .build();
      String rules = TOPICS.alertRules().name();
      producer.send(
          new ProducerRecord<>(
              rules, "sound", TOPICS.alertRules().values().serialize(rules, rule)));
      producer.flush();
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(conf);
    LocalizationJob.build(
        env,
        JobConfig.parse(
            new String[] {
              "--bootstrap",
              kafka.bootstrapServers(),
              "--topic-prefix",
              PREFIX,
              "--model",
              model.toString(),
              "--bounded",
              "true",
              "--checkpoint-ms",
              "0"
            }));
    env.execute("live");
    live = localizations(TOPICS.localizations().name());
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aReplayedRangeGivesTheLiveWindowsAgainOnlyOnTheReplayTopic() throws Exception {
    Instant from = start.plusSeconds(2);
    Instant to = start.plusMillis(4500);
    long liveBefore = count(TOPICS.localizations().name());
    Path out = dir.resolve("replay-a");

    CliRun run =
        avloc(
            "--stream", "cam-r",
            "--from", from.toString(),
            "--to", to.toString(),
            "--model", model.toString(),
            "--out", out.toString(),
            "--topic-suffix", "same-model");

    assertEquals(0, run.code, run.err);
    assertEquals(liveBefore, count(TOPICS.localizations().name()), "nothing on the live topic");
    List<Localization> replayed = localizations(PREFIX + "localizations.replay.same-model");
    Map<Long, Localization> expected =
        live.stream()
            .filter(l -> l.getStreamId().equals("cam-r"))
            .filter(l -> !l.getWindowStart().isBefore(from) && l.getWindowStart().isBefore(to))
            .collect(Collectors.toMap(Localization::getWindow, l -> l));
    assertEquals(30, expected.size(), "2.5 s of windows live");
    assertEquals(30, replayed.size(), "one replayed localization per window in range");
    long withPeaks = 0;
    for (Localization r : replayed) {
      Localization l = expected.get(r.getWindow());
      assertTrue(l != null, "window " + r.getWindow() + " is in the live run's range");
      assertEquals(l.getWindowStart(), r.getWindowStart());
      assertEquals(l.getSilent(), r.getSilent(), "window " + r.getWindow());
      assertEquals(peaks(l), peaks(r), "window " + r.getWindow());
      assertEquals("bright-spot@1", r.getModelId());
      withPeaks += r.getPeaks().isEmpty() ? 0 : 1;
    }
    assertTrue(withPeaks >= 10 && withPeaks <= 20, withPeaks + " windows with peaks");

    List<String> lines = Files.readAllLines(out.resolve("localizations.jsonl"));
    assertEquals(30, lines.size());
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertEquals("cam-r", first.get("stream").asText());
    assertEquals(from.toString(), first.get("windowStart").asText());
    assertFalse(first.has("energy"));
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(30, summary.get("windows").asInt());
    assertEquals(30, summary.get("windowsPerStream").get("cam-r").asInt());
    assertEquals(withPeaks, summary.get("windowsWithSources").get("cam-r").asLong());
    assertEquals("bright-spot@1", summary.get("modelId").asText());
    List<Alert> wouldHave =
        RuleReplay.alerts(
            ai.avloc.cli.replay.ReplayRun.rules(kafka.bootstrapServers(), TOPICS), replayed);
    long starts = wouldHave.stream().filter(a -> a.getState() == AlertState.START).count();
    assertTrue(starts >= 1, "the bursts raise alerts");
    assertEquals(starts, summary.get("alerts").get("raised").asLong());
    assertEquals(starts, summary.get("sourceEpisodes").get("cam-r").asLong(), "a burst, an alert");
    assertTrue(run.out.contains("windows/s"), run.out);

    // the evidence clip: the range's 30 windows at 12 fps, the map burned in at a peak
    Path mp4 = out.resolve("cam-r.mp4");
    Map<String, String> probe = ClipProbe.ffprobe(mp4);
    assertEquals("30", probe.get("0.nb_frames"), probe.toString());
    assertEquals(2.5, Double.parseDouble(probe.get("format.duration")), 0.1, probe.toString());
    List<BufferedImage> frames = ClipProbe.decode(mp4);
    Localization sounding =
        replayed.stream()
            .filter(l -> !l.getPeaks().isEmpty())
            .min(Comparator.comparingLong(Localization::getWindow))
            .orElseThrow();
    long firstWindow = replayed.stream().mapToLong(Localization::getWindow).min().orElseThrow();
    SourcePeak peak = sounding.getPeaks().get(0);
    int rgb =
        frames
            .get((int) (sounding.getWindow() - firstWindow))
            .getRGB(
                (int) (peak.getPosition().getU() * EvidenceClip.WIDTH),
                (int) (peak.getPosition().getV() * EvidenceClip.HEIGHT));
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    // the frames are grey and white; only the map's hot end makes the peak red
    assertTrue(
        r - g > 40 && r - b > 40, "the peak is coloured by the map: #" + Integer.toHexString(rgb));
  }

  @Test
  void anotherModelWritesOnlyToTheReplayTopic() throws Exception {
    Path other = dir.resolve("bright-spot-2");
    BrightSpotModel.export(other, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    Path card = other.resolve("model.json");
    Files.writeString(
        card,
        Files.readString(card).replaceFirst("\"version\"\\s*:\\s*\"1\"", "\"version\" : \"2\""));
    long liveBefore = count(TOPICS.localizations().name());

    CliRun run =
        avloc(
            "--stream", "cam-r,cam-o",
            "--from", start.plusSeconds(1).toString(),
            "--to", start.plusSeconds(2).toString(),
            "--model", other.toString(),
            "--topic-suffix", "model-b");

    assertEquals(0, run.code, run.err);
    assertEquals(liveBefore, count(TOPICS.localizations().name()), "nothing on the live topic");
    List<Localization> replayed = localizations(PREFIX + "localizations.replay.model-b");
    assertEquals(24, replayed.size(), "12 windows of each camera");
    assertTrue(replayed.stream().allMatch(l -> l.getModelId().equals("bright-spot@2")));
    assertTrue(live.stream().allMatch(l -> l.getModelId().equals("bright-spot@1")));
  }

  @Test
  void rangesTheArchiveCannotServeExitTwoWithTheReason() {
    CliRun empty =
        avloc(
            "--stream", "cam-r",
            "--from", start.plusSeconds(30).toString(),
            "--to", start.plusSeconds(40).toString());
    assertEquals(2, empty.code, empty.err);
    assertTrue(empty.err.contains("nothing in the archive between"), empty.err);
    assertTrue(empty.err.contains("the archive holds " + start), empty.err);

    CliRun unknown =
        avloc(
            "--stream", "cam-r,cam-x",
            "--from", start.plusSeconds(1).toString(),
            "--to", start.plusSeconds(2).toString());
    assertEquals(2, unknown.code, unknown.err);
    assertTrue(unknown.err.contains("stream cam-x has no record between"), unknown.err);
    assertTrue(unknown.err.contains("there is no such stream"), unknown.err);

    CliRun old =
        avloc(
            "--stream", "cam-r",
            "--from", start.minus(Duration.ofMinutes(10)).toString(),
            "--to", start.plusSeconds(2).toString());
    assertEquals(2, old.code, old.err);
    assertTrue(
        old.err.contains("is older than the archive's earliest retained record, at " + start),
        old.err);
    assertTrue(old.err.contains("replay from " + start.minusSeconds(10) + " or later"), old.err);

    CliRun backwards =
        avloc(
            "--stream",
            "cam-r",
            "--from",
            start.plusSeconds(2).toString(),
            "--to",
            start.toString());
    assertEquals(2, backwards.code, backwards.err);
    assertTrue(backwards.err.contains("the range is empty"), backwards.err);
  }

  static CliRun avloc(String... args) {
    return CliRun.of(
        List.of(
            "replay",
            "--bootstrap",
            kafka.bootstrapServers(),
            "--topic-prefix",
            PREFIX,
            "--parallelism=2"),
        args);
  }

  /** A peak as the test compares it: where and how strong. */
  static List<String> peaks(Localization l) {
    return l.getPeaks().stream()
        .map(
            (SourcePeak p) ->
                p.getRow() + "," + p.getCol() + " " + p.getValue() + " " + p.getContrast())
        .toList();
  }

  /**
   * Window k of a mono camera: a bright square sweeping across the frame 1 ms into the window, and
   * noise for the first half of every 2 s (silence otherwise); Kafka timestamps are event times.
   */
  static void publishWindow(KafkaProducer<String, byte[]> producer, String camera, int k, int seed)
      throws Exception {
    Instant at = start.plus(Math.floorDiv(1024L * k * 1_000_000L, 12_288), ChronoUnit.MICROS);
    BufferedImage image = new BufferedImage(298, 224, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(30, 30, 40));
    g.fillRect(0, 0, 298, 224);
    g.setColor(Color.WHITE);
    g.fillRect(20 + (k * 3) % 240, 60 + (k * 2) % 100, 40, 40);
    g.dispose();
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", jpeg);
    Instant frameAt = at.plusMillis(1);
    VideoFrame frame =
        VideoFrame.newBuilder()
            .setStreamId(camera)
            .setSequence(k)
            .setTimestamp(frameAt)
            .setWidth(298)
            .setHeight(224)
            .setJpeg(ByteBuffer.wrap(jpeg.toByteArray()))
            .build();
    Random random = new Random(seed * 1000L + k);
    double amplitude = k % 24 < 12 ? 3000 : 0;
    ByteBuffer pcm = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 1024; i++) {
      pcm.putShort((short) (random.nextGaussian() * amplitude));
    }
    pcm.flip();
    AudioChunk audio =
        AudioChunk.newBuilder()
            .setStreamId(camera)
            .setSequence(k)
            .setTimestamp(at)
            .setSampleRate(12_288)
            .setPcm16(pcm)
            .build();
    String frames = TOPICS.frames().name();
    String chunks = TOPICS.audio().name();
    producer.send(
        new ProducerRecord<>(
            frames,
            null,
            frameAt.toEpochMilli(),
            camera,
            TOPICS.frames().values().serialize(frames, frame)));
    producer.send(
        new ProducerRecord<>(
            chunks,
            null,
            at.toEpochMilli(),
            camera,
            TOPICS.audio().values().serialize(chunks, audio)));
  }

  static KafkaProducer<String, byte[]> producer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  static List<Localization> localizations(String topic) {
    try (TopicReader<Localization> reader =
        TopicReader.on(kafka.bootstrapServers()).open(topic, TOPICS.localizations().values())) {
      return reader.read(TopicReader.Until.quiet(Duration.ofSeconds(2)));
    }
  }

  static long count(String topic) {
    try (TopicReader<byte[]> reader = TopicReader.on(kafka.bootstrapServers()).openBytes(topic)) {
      return reader.endOffsets().values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
