package ai.avloc.ingest.live;

import static ai.avloc.ingest.live.LivePeers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.avloc.ingest.CameraEvent;
import ai.avloc.ingest.live.LivePeers.ListSink;
import ai.avloc.ingest.live.LivePeers.StatusLog;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams that misbehave: a resolution change with a 2-hour timestamp jump, no video at all. */
class LiveCameraBadInputTest {
  @TempDir Path dir;

  @Test
  void shouldReanchorATwoHourTimestampJumpAndReportTheResolutionChange() throws Exception {
    // 3 s at 320x240, then 3 s at 640x480 whose timestamps are 2 hours later, as one MPEG-TS
    Path a = ffmpeg("320x240", 0, "a.ts");
    Path b = ffmpeg("640x480", 7200, "b.ts");
    Path jump = dir.resolve("jump.ts");
    Files.write(jump, Files.readAllBytes(a));
    Files.write(jump, Files.readAllBytes(b), java.nio.file.StandardOpenOption.APPEND);

    ListSink sink = new ListSink();
    StatusLog log = new StatusLog();
    LiveCamera camera =
        new LiveCamera(
            LiveCamera.Config.of("cam-j", CameraUrl.parse("file:" + jump)), sink, log.publisher);
    try {
      camera.start();
      // the file is read at its own pace; at its end the camera reopens it, as a reconnect
      await(
          "the whole file",
          Duration.ofSeconds(15),
          () -> camera.status().getState() == CameraState.RECONNECTING);
      CameraStatus s = camera.status();
      assertTrue(s.getReanchors() >= 1, "re-anchored: " + s);
      List<String> errors = new ArrayList<>();
      log.sent.forEach(x -> errors.add(String.valueOf(x.getLastError())));
      assertTrue(
          errors.stream()
              .anyMatch(
                  e ->
                      e.contains("cam-j")
                          && e.contains("resolution changed from 320x240 to 640x480")),
          errors.toString());
      assertTrue(
          errors.stream()
              .anyMatch(e -> e.contains("re-anchored") && e.matches(".*\\+71\\d\\d\\.\\d s off.*")),
          errors.toString());
      assertTrue(camera.isAlive());
      // 6 s of media at 12 fps: frames went on across the jump, on the wall clock
      assertTrue(sink.frames.size() >= 60, "frames: " + sink.frames.size());
      LiveCameraStreamsTest.assertOrderedAndOnTheWallClock(sink.frames);
      LiveCameraStreamsTest.assertOrderedAndOnTheWallClock(sink.chunks);
      for (var f : sink.frames) {
        assertEquals(298, f.value().getWidth());
      }
      long last =
          CameraEvent.epochMicros(sink.frames.get(sink.frames.size() - 1).value().getTimestamp());
      long first = CameraEvent.epochMicros(sink.frames.get(0).value().getTimestamp());
      assertTrue(last - first < 8_000_000, "no 2-hour hole in event time: " + (last - first));
    } finally {
      camera.stop();
      log.publisher.close();
    }
  }

  @Test
  void shouldReportAStreamWithoutVideoAndPublishItsAudio() throws Exception {
    Path audioOnly = dir.resolve("audio.ts");
    run(
        "ffmpeg",
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=8000",
        "-t",
        "3",
        "-c:a",
        "aac",
        "-f",
        "mpegts",
        audioOnly.toString());
    ListSink sink = new ListSink();
    StatusLog log = new StatusLog();
    LiveCamera camera =
        new LiveCamera(
            LiveCamera.Config.of("cam-v", CameraUrl.parse("file:" + audioOnly)),
            sink,
            log.publisher);
    try {
      camera.start();
      await("audio", Duration.ofSeconds(10), () -> sink.chunks.size() >= 12);
      CameraStatus s = camera.status();
      assertFalse(s.getVideoPresent(), "videoPresent");
      assertTrue(s.getAudioPresent(), "audioPresent");
      assertTrue(
          s.getLastError().contains("cam-v") && s.getLastError().contains("no video"),
          s.getLastError());
      assertTrue(sink.frames.isEmpty());
    } finally {
      camera.stop();
      log.publisher.close();
    }
  }

  private Path ffmpeg(String size, int offsetSeconds, String name) throws Exception {
    Path out = dir.resolve(name);
    run(
        "ffmpeg",
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=" + size + ":rate=25",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=44100",
        "-t",
        "3",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        "25",
        "-c:a",
        "aac",
        "-output_ts_offset",
        Integer.toString(offsetSeconds),
        "-f",
        "mpegts",
        out.toString());
    return out;
  }

  private static void run(String... command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("ffmpeg is missing: install the Debian package ffmpeg (" + e.getMessage() + ")");
      return;
    }
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", command) + "\n" + output);
  }
}
