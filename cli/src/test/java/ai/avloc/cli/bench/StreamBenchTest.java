package ai.avloc.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.serving.ModelCard;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.testsupport.EmbeddedKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StreamBenchTest {
  private static final Topics TOPICS = Topics.withPrefix("t.");

  /** A record as the generator sent it, with the wall-clock time it was sent. */
  record Sent(String topic, String key, byte[] value, long sentMicros) {}

  @Test
  void generatorPublishesEveryCameraAtRealTimeWithFreshTimestampsAndCycledContent()
      throws Exception {
    int cameras = 3;
    SceneLoad load = SceneLoad.render(TOPICS, "mono", cameras, Duration.ofSeconds(1));
    assertEquals(12, load.cycleWindows(), "one second of 1/12 s windows");
    List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    int windows = 24;
    AtomicInteger cam0Frames = new AtomicInteger();
    SceneLoad.Sink sink =
        (topic, key, value) -> {
          sent.add(new Sent(topic, key, value, micros(Instant.now())));
          // stop once camera 0 has sent two cycles of frames; the tick still ends
          if (topic.equals(TOPICS.frames().name())
              && key.equals("cam-0")
              && cam0Frames.incrementAndGet() == windows) {
            stop.set(true);
          }
        };
    long startMicros = micros(Instant.now());
    load.run(sink, stop);

    List<VideoFrame> frames0 = frames(sent, "cam-0");
    List<VideoFrame> frames1 = frames(sent, "cam-1");
    List<AudioChunk> audio0 = audio(sent, "cam-0");
    assertEquals(windows, frames0.size());
    assertEquals(windows, audio0.size());
    assertEquals(windows, frames1.size());
    long first = micros(frames0.get(0).getTimestamp());
    // fresh timestamps: the first window starts within a window of the start, on the window clock
    assertTrue(first >= startMicros && first - startMicros <= 84_000, first - startMicros + " µs");
    assertEquals(WindowClock.startMicros(WindowClock.windowOf(first)), first);
    for (int k = 0; k < windows; k++) {
      VideoFrame f = frames0.get(k);
      assertEquals(k, f.getSequence());
      assertEquals(
          WindowClock.startMicros(WindowClock.windowOf(first) + k), micros(f.getTimestamp()));
      assertEquals(f.getTimestamp(), audio0.get(k).getTimestamp());
      assertEquals(k, audio0.get(k).getSequence());
      assertEquals(WindowClock.SAMPLES_PER_WINDOW * 2, audio0.get(k).getPcm16().remaining());
    }
    // at real time: each window is sent once it has ended, and not long after
    List<Long> lateness = new ArrayList<>();
    for (Sent s : sent) {
      if (s.topic().equals(TOPICS.frames().name()) && s.key().equals("cam-0")) {
        long end = micros(frame(s).getTimestamp()) + 1_000_000 / WindowClock.WINDOWS_PER_SECOND;
        assertTrue(s.sentMicros() >= end - 1000, "sent before its window ended");
        lateness.add(s.sentMicros() - end);
      }
    }
    Collections.sort(lateness);
    assertTrue(lateness.get(lateness.size() / 2) < 30_000, "median lateness " + lateness);
    double seconds = (frames0.get(windows - 1).getTimestamp().toEpochMilli() - first / 1000) / 1e3;
    assertEquals((windows - 1) / 12.0, seconds, 0.002, "12 windows per second of event time");

    // pre-rendered: the cycle repeats, and camera 1 runs a third of a cycle ahead of camera 0
    assertArrayEquals(jpeg(frames0.get(0)), jpeg(frames0.get(12)));
    assertArrayEquals(jpeg(frames0.get(4)), jpeg(frames1.get(0)));
    assertTrue(!java.util.Arrays.equals(jpeg(frames0.get(0)), jpeg(frames0.get(6))));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg(frames0.get(0))));
    assertNotNull(image, "the frame is a JPEG");
    assertEquals(ModelShapes.FRAME_WIDTH, image.getWidth());
    assertEquals(ModelShapes.FRAME_HEIGHT, image.getHeight());
  }

  @Test
  @Timeout(180)
  void oneMonoCameraRunsThroughJobAlertsAndProfileWithTheShippedModel() throws Exception {
    Path model = Path.of("..", JobConfig.SHIPPED_MODEL); // tests run in the cli module
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      StreamBench bench =
          new StreamBench(
              new StreamBench.Options(
                  new int[] {1},
                  new int[0],
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(4),
                  1,
                  List.of(),
                  model,
                  null));
      bench.prepare();
      StreamBench.Result r = bench.row(kafka.bootstrapServers(), "mono", 1);
      assertEquals(ModelCard.read(model).id(), r.model());
      assertEquals(12, r.targetPerSecond());
      assertEquals(12, r.windowsPerSecond(), 3, "one camera's windows, in real time");
      assertTrue(r.generatorCpuCores() > 0 && r.jobCpuCores() > 0, r.toString());
      assertTrue(r.generatorCpuCores() < r.jobCpuCores(), "publishing costs less than the job");
      assertEquals(
          r.deadLetters(),
          r.deadLetterReasons().values().stream().mapToLong(Long::longValue).sum(),
          "every dead letter has its cause: " + r.deadLetterReasons());
      for (String stage : List.of("decode", "align", "jpeg", "mfcc", "inference", "encode")) {
        assertTrue(r.stageMicrosPerWindow().get(stage) > 0, stage + " in " + r);
      }
      assertTrue(
          r.stageMicrosPerWindow().get("localize") >= r.stageMicrosPerWindow().get("inference"));
      assertTrue(r.threadCores().keySet().stream().anyMatch(g -> g.contains("mono inference")));
      assertTrue(r.windowsPerBatch() >= 1, "mean batch " + r.windowsPerBatch());
    }
  }

  @Test
  void jsonRowsCarryTheFieldsScriptsRead(@TempDir Path dir) throws Exception {
    StreamBench.Result row =
        new StreamBench.Result(
            "mono",
            32,
            381.5,
            384,
            120,
            240,
            60,
            1.62,
            0.11,
            0.05,
            "uvae-compact-test",
            7630,
            12,
            3,
            Map.of("align: frame N arrived after its window closed", 3L),
            3.5,
            150,
            900,
            1400,
            20,
            35,
            Map.of("inference", 1800.0, "mfcc", 90.0),
            12.5,
            Map.of("job: Kafka sink producers", 0.04));
    Path file = dir.resolve("out/rows.json");
    StreamBench.writeJson(file, List.of(row));

    JsonNode rows = new ObjectMapper().readTree(file.toFile());
    assertEquals(1, rows.size());
    JsonNode r = rows.get(0);
    assertEquals("mono", r.get("mode").asText());
    assertEquals(32, r.get("streams").asInt());
    assertEquals(381.5, r.get("windowsPerSecond").asDouble());
    assertEquals(384, r.get("targetPerSecond").asDouble());
    assertEquals(12.5, r.get("windowsPerBatch").asDouble());
    assertEquals(120, r.get("p50Ms").asDouble());
    assertEquals(240, r.get("p99Ms").asDouble());
    assertEquals(1.62, r.get("jobCpuCores").asDouble());
    assertEquals(0.11, r.get("generatorCpuCores").asDouble());
    assertEquals("uvae-compact-test", r.get("model").asText());
    assertEquals(900, r.get("alertP50Ms").asDouble());
    assertEquals(1400, r.get("alertP99Ms").asDouble());
    assertEquals(1800.0, r.get("stageMicrosPerWindow").get("inference").asDouble());
    assertEquals(
        3,
        r.get("deadLetterReasons").get("align: frame N arrived after its window closed").asInt());
    assertTrue(
        StreamBench.deadLetters(List.of(row))
            .contains("mono x32:\n       3  align: frame N arrived after its window closed"),
        StreamBench.deadLetters(List.of(row)));
  }

  @Test
  void theMonoRuleFollowsTheServedModelsContrast() throws Exception {
    ModelCard shipped = ModelCard.read(Path.of("..", "models", "uvae-compact"));
    assertTrue(
        StreamBench.rules(shipped.withMetrics(Map.of("flatContrast", 8.13e-4)))
            .contains("minContrast: 0.00100"),
        "as set on compact@6");
    // the shipped card's own figure (0.00073 for compact@7) scales it
    String scaled =
        String.format(
            Locale.ROOT,
            "minContrast: %.3g",
            0.001 * shipped.metrics().get("flatContrast") / 8.13e-4);
    assertTrue(StreamBench.rules(shipped).contains(scaled), StreamBench.rules(shipped));
    assertTrue(
        StreamBench.rules(shipped.withMetrics(Map.of("flatContrast", 2 * 8.13e-4)))
            .contains("minContrast: 0.00200"),
        "a model whose flat maps reach twice the contrast needs twice the rise");
    assertTrue(
        StreamBench.rules(shipped.withMetrics(Map.of())).contains("minContrast: 0.00100"),
        "a card without the figure keeps the default");
    assertTrue(StreamBench.rules(shipped).contains("minContrast: 1.0"), "the array rule is fixed");
  }

  @Test
  void threadsAreToldApartByWhomTheyWorkFor() {
    String alerts = "bench-alerts-mono-8";
    String gen = "bench-generator-mono-8";
    assertEquals("generator", StreamBench.threadGroup("bench-generator", alerts, gen));
    assertEquals(
        "generator",
        StreamBench.threadGroup(
            "kafka-producer-network-thread | bench-generator-mono-8", alerts, gen));
    assertEquals(
        "alerts",
        StreamBench.threadGroup(
            "kafka-producer-network-thread | bench-alerts-mono-8-4f2a-StreamThread-1-producer",
            alerts,
            gen));
    assertEquals(
        "job: Kafka sink producers",
        StreamBench.threadGroup(
            "kafka-producer-network-thread | producer-bench-mono-8-localizations-0-1",
            alerts,
            gen));
    assertEquals(
        "job task: align 1/12 s windows -> mono inference",
        StreamBench.threadGroup("align 1/12 s windows -> mono inference (2/2)#0", alerts, gen));
    assertEquals(
        "job: Kafka source fetchers",
        StreamBench.threadGroup("Source Data Fetcher for Source: frames (1/2)#0", alerts, gen));
    assertEquals(
        "job: timers and output flushers",
        StreamBench.threadGroup("OutputFlusher for confirm sources (1/2)#0", alerts, gen));
    assertEquals("bench", StreamBench.threadGroup("main", alerts, gen));
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static VideoFrame frame(Sent s) {
    return TOPICS.frames().values().deserialize(s.topic(), s.value());
  }

  private static List<VideoFrame> frames(List<Sent> sent, String camera) {
    return sent.stream()
        .filter(s -> s.topic().equals(TOPICS.frames().name()) && s.key().equals(camera))
        .map(StreamBenchTest::frame)
        .toList();
  }

  private static List<AudioChunk> audio(List<Sent> sent, String camera) {
    return sent.stream()
        .filter(s -> s.topic().equals(TOPICS.audio().name()) && s.key().equals(camera))
        .map(s -> TOPICS.audio().values().deserialize(s.topic(), s.value()))
        .toList();
  }

  private static byte[] jpeg(VideoFrame f) {
    ByteBuffer b = f.getJpeg().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
