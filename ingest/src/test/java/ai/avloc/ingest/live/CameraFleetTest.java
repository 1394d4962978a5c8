package ai.avloc.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.inventory.InventoryWatcher;
import ai.avloc.ingest.inventory.Shard;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.VideoFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway's inventory edited while it runs: the camera added starts publishing, the one removed
 * stops (and says so on the status topic), the one left alone goes on without a reconnect.
 */
class CameraFleetTest {
  static final List<Process> servers = new ArrayList<>();
  static final int[] ports = new int[3];

  @TempDir Path dir;

  @BeforeAll
  static void startCameras() throws Exception {
    for (int i = 0; i < ports.length; i++) {
      ports[i] = LivePeers.freePort();
      servers.add(LivePeers.rtspServer(ports[i], "/cam", "h264-aac", null));
    }
  }

  @AfterAll
  static void stopCameras() throws Exception {
    for (Process p : servers) {
      LivePeers.kill(p);
    }
  }

  static String inventory(String... cameras) {
    StringBuilder yaml = new StringBuilder("cameras:\n");
    for (String id : cameras) {
      int port = ports[id.charAt(id.length() - 1) - 'a'];
      yaml.append("  - id: ")
          .append(id)
          .append("\n    url: rtsp://127.0.0.1:")
          .append(port)
          .append("/cam\n    labels: {site: ")
          .append(id)
          .append("}\n");
    }
    return yaml.toString();
  }

  static long framesOf(LivePeers.ListSink sink, String id, Instant after) {
    return sink.frames.stream()
        .filter(f -> f.value().getStreamId().toString().equals(id) && f.at().isAfter(after))
        .count();
  }

  @Test
  void shouldStartAnAddedCameraAndStopARemovedOneWhileTheOthersRunOn() throws Exception {
    Path file = dir.resolve("cameras.yaml");
    Files.writeString(file, inventory("cam-a", "cam-b"));
    LivePeers.ListSink sink = new LivePeers.ListSink();
    LivePeers.StatusLog status = new LivePeers.StatusLog();
    try (CameraFleet fleet =
            new CameraFleet(sink, status.publisher, DecodeOptions.modelDefaults());
        InventoryWatcher watcher =
            new InventoryWatcher(file, Duration.ofMillis(200), Shard.ALL::runs, fleet::apply)) {
      watcher.current().forEach(fleet::start);
      watcher.start();
      LivePeers.await(
          "frames from cam-a and cam-b",
          Duration.ofSeconds(20),
          () ->
              framesOf(sink, "cam-a", Instant.EPOCH) > 5
                  && framesOf(sink, "cam-b", Instant.EPOCH) > 5);

      Files.writeString(file, inventory("cam-a", "cam-c"));
      LivePeers.await(
          "the edit applied",
          Duration.ofSeconds(10),
          () -> fleet.ids().equals(List.of("cam-a", "cam-c")));
      Instant applied = Instant.now();
      LivePeers.await(
          "frames from the added cam-c",
          Duration.ofSeconds(20),
          () -> framesOf(sink, "cam-c", Instant.EPOCH) > 5);
      Thread.sleep(1000);

      assertEquals(
          0, framesOf(sink, "cam-b", applied.plusMillis(200)), "the removed camera is quiet");
      assertTrue(framesOf(sink, "cam-a", applied) >= 12, "the camera left alone goes on");
      Map<String, CameraStatus> latest = new java.util.HashMap<>();
      fleet.statuses().forEach(s -> latest.put(s.getStreamId().toString(), s));
      assertEquals(CameraState.CONNECTED, latest.get("cam-a").getState());
      assertEquals(0, latest.get("cam-a").getReconnects(), "no reconnect of an untouched camera");
      // statuses reach the log on the publisher's thread, with the inventory's labels
      LivePeers.await(
          "cam-a's status with its labels",
          Duration.ofSeconds(10),
          () ->
              status.sent.stream()
                  .anyMatch(
                      s ->
                          s.getStreamId().toString().equals("cam-a")
                              && "cam-a".equals(String.valueOf(s.getLabels().get("site")))));
      LivePeers.await(
          "cam-b's STOPPED status",
          Duration.ofSeconds(5),
          () ->
              status.sent.stream()
                  .anyMatch(
                      s ->
                          s.getStreamId().toString().equals("cam-b")
                              && s.getState() == CameraState.STOPPED));
      assertTrue(
          status.sent.stream()
              .anyMatch(
                  s ->
                      s.getStreamId().toString().equals("cam-b")
                          && s.getState() == CameraState.STOPPED),
          "the removed camera's last status says it stopped");
      // the frames a camera published before and after the edit continue its own sequence
      List<Long> sequences =
          sink.frames.stream()
              .map(LivePeers.Received::value)
              .filter(f -> f.getStreamId().toString().equals("cam-a"))
              .map(VideoFrame::getSequence)
              .toList();
      for (int k = 0; k < sequences.size(); k++) {
        assertEquals(k, sequences.get(k), "cam-a's frames without a gap or a restart");
      }
    }
  }
}
