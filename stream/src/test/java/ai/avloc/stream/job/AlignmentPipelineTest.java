package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.align.FrameRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alignment part of the job on a real Flink MiniCluster at parallelism 2. */
class AlignmentPipelineTest {
  @RegisterExtension static final MiniClusterExtension FLINK = JobTestKit.flink(2);

  static final long T0 = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli() * 1000;

  @Test
  void shouldProduceTwelveFullWindowsPerSecondForEveryCamera() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    List<FrameEvent> frames = new ArrayList<>();
    List<AudioEvent> audio = new ArrayList<>();
    for (String cam : List.of("cam-1", "cam-2", "cam-3")) {
      for (int k = 0; k < 25; k++) { // 12.5 fps for 2 s
        frames.add(
            new FrameEvent(cam, new FrameRef(T0 + k * 80_000L, k, 298, 224, new byte[] {1}), 0L));
      }
      for (int k = 0; k < 48; k++) { // 512-sample chunks for 2 s
        audio.add(
            new AudioEvent(
                cam, T0 + Math.round(k * 512 * 1e6 / 12_288), k, 12_288, new float[512], 0L));
      }
    }
    // the sources emit each camera's whole history before the next camera's: only a clock per
    // camera keeps the later cameras' windows from being late
    Duration lateness = Duration.ofMillis(200);
    var frameStream =
        env.fromData(frames)
            .assignTimestampsAndWatermarks(LocalizationJob.<FrameEvent>perCameraEventTime());
    var audioStream =
        env.fromData(audio)
            .assignTimestampsAndWatermarks(LocalizationJob.<AudioEvent>perCameraEventTime());
    List<AlignedWindow> windows = new ArrayList<>();
    LocalizationJob.alignWindows(
            frameStream,
            audioStream,
            Duration.ofMillis(500),
            false,
            lateness,
            Duration.ZERO) // bounded input: its end flushes, no idleness
        .executeAndCollect("alignment")
        .forEachRemaining(windows::add);
    Map<String, List<AlignedWindow>> byCamera =
        windows.stream().collect(Collectors.groupingBy(AlignedWindow::streamId));
    assertEquals(3, byCamera.size());
    for (var entry : byCamera.entrySet()) {
      List<AlignedWindow> camera = entry.getValue();
      assertEquals(24, camera.size(), entry.getKey());
      assertEquals(
          24, camera.stream().map(AlignedWindow::window).distinct().count(), "no duplicates");
      assertTrue(
          camera.stream().allMatch(w -> w.coverage() == 1.0 && w.hasFrame()), entry.getKey());
    }
  }
}
