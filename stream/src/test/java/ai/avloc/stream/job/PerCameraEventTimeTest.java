package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cameras whose clocks disagree, sharing one Kafka partition, through the job's sources and
 * alignment: each camera's windows close on its own clock, so a camera behind or ahead of another
 * loses none of its windows and takes none of the other's.
 */
class PerCameraEventTimeTest {
  @RegisterExtension static final MiniClusterExtension FLINK = JobTestKit.flink(1);

  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  /** 10 s of each camera. */
  static final int WINDOWS = 120;

  static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  /**
   * Publishes {@link #WINDOWS} windows of each camera (a frame 1 ms into each window and the
   * window's 1024 samples) to one-partition topics, interleaved window by window: camera {@code i}
   * is {@code offsets[i]} away from {@link #T0}.
   */
  static void publish(Topics topics, List<String> cameras, List<Duration> offsets) {
    String frames = topics.frames().name();
    String audio = topics.audio().name();
    kafka.createTopics(1, frames, audio);
    try (var producer = JobTestKit.producer(kafka)) {
      for (int k = 0; k < WINDOWS; k++) {
        for (int i = 0; i < cameras.size(); i++) {
          String cam = cameras.get(i);
          Instant t0 = T0.plus(offsets.get(i));
          long start = WindowClock.microsOfSample(1024L * k);
          JobTestKit.send(
              producer,
              topics.frames(),
              cam,
              JobTestKit.frame(
                  cam, k, t0.plus(start + 1000, ChronoUnit.MICROS), KafkaAlignmentTest.jpeg()));
          AudioChunk chunk =
              AudioChunk.newBuilder()
                  .setStreamId(cam)
                  .setSequence(k)
                  .setTimestamp(t0.plus(start, ChronoUnit.MICROS))
                  .setSampleRate(WindowClock.SAMPLE_RATE)
                  .setPcm16(ByteBuffer.wrap(new byte[2048]))
                  .build();
          JobTestKit.send(producer, topics.audio(), cam, chunk);
        }
      }
    }
  }

  /** The job's sources and mono alignment over the topics, read to their end; windows by camera. */
  static Map<String, List<AlignedWindow>> align(Topics topics) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    JobTestKit.noRestarts(env);
    // as often as it can: a partition's watermark would follow its newest camera at once
    env.getConfig().setAutoWatermarkInterval(1);
    String kafkaServers = kafka.bootstrapServers();
    var frames =
        LocalizationJob.splitFailures(
            env.fromSource(
                LocalizationJob.frameSource(kafkaServers, topics.frames().name(), "job", true),
                LocalizationJob.perCameraEventTime(),
                "frames"),
            FrameEvent.class,
            "split-frames");
    var audio =
        LocalizationJob.splitFailures(
            env.fromSource(
                LocalizationJob.audioSource(kafkaServers, topics.audio().name(), "job", true),
                LocalizationJob.perCameraEventTime(),
                "audio"),
            AudioEvent.class,
            "split-audio");
    List<AlignedWindow> windows = new ArrayList<>();
    LocalizationJob.alignWindows(
            frames,
            audio,
            Duration.ofMillis(500),
            false,
            WindowAligner.OUT_OF_ORDERNESS,
            Duration.ZERO) // as the job does for a bounded read: its end flushes
        .executeAndCollect("per-camera-event-time")
        .forEachRemaining(windows::add);
    return windows.stream().collect(Collectors.groupingBy(AlignedWindow::streamId));
  }

  static void assertComplete(String camera, List<AlignedWindow> windows) {
    assertEquals(WINDOWS, windows.size(), camera + ": every window, none lost");
    assertEquals(
        WINDOWS,
        windows.stream().map(AlignedWindow::window).distinct().count(),
        camera + ": none twice");
    assertTrue(
        windows.stream().allMatch(w -> w.coverage() == 1.0 && w.hasFrame()),
        camera + ": every window whole, with its frame");
  }

  @Test
  void aCameraTwoSecondsBehindAnotherOnTheSamePartitionLosesNoWindow() throws Exception {
    Topics topics = Topics.withPrefix("behind.");
    publish(topics, List.of("cam-a", "cam-b"), List.of(Duration.ZERO, Duration.ofSeconds(-2)));
    Map<String, List<AlignedWindow>> byCamera = align(topics);
    assertComplete("cam-a", byCamera.get("cam-a"));
    assertComplete("cam-b (2 s behind)", byCamera.get("cam-b"));
  }

  @Test
  void aCameraWhoseClockIsFiftySecondsAheadMakesNoOtherCamerasWindowsLate() throws Exception {
    Topics topics = Topics.withPrefix("ahead.");
    publish(
        topics,
        List.of("cam-ahead", "cam-a", "cam-b"),
        List.of(Duration.ofSeconds(50), Duration.ZERO, Duration.ofMillis(-250)));
    Map<String, List<AlignedWindow>> byCamera = align(topics);
    assertComplete("cam-a", byCamera.get("cam-a"));
    assertComplete("cam-b (0.25 s behind)", byCamera.get("cam-b"));
    assertComplete("cam-ahead (its own windows)", byCamera.get("cam-ahead"));
  }
}
