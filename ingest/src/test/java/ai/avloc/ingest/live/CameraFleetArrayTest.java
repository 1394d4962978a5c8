package ai.avloc.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.ingest.CameraEvents;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.MultichannelSource;
import ai.avloc.ingest.inventory.CameraInventory;
import ai.avloc.ingest.inventory.CameraSpec;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.VideoFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inventory's array camera: its multichannel input is published at real time as array chunks of
 * its geometry, and when the input ends it is opened again, the chunks numbered on and later in
 * time, the status saying so.
 */
class CameraFleetArrayTest {
  @TempDir Path dir;

  @Test
  void shouldPublishAnArrayInputAndOpenItAgainWhenItEnds() throws Exception {
    Path wav = dir.resolve("array.wav");
    Process ffmpeg =
        new ProcessBuilder(
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "aevalsrc=0.1*sin(2*PI*500*t)|0.2*sin(2*PI*700*t)|0.3*sin(2*PI*900*t)"
                    + "|0.4*sin(2*PI*1100*t):s=48000:d=1",
                "-c:a",
                "pcm_s16le",
                wav.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(
        ffmpeg.waitFor(30, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0, "ffmpeg made the WAV");
    Path yaml = dir.resolve("cameras.yaml");
    Files.writeString(
        yaml,
        "cameras:\n  - id: hall\n    url: "
            + wav
            + "\n    array: {geometry: respeaker4, channels: [3, 2, 1, 0]}\n");
    CameraSpec hall = CameraInventory.parse(yaml, Map.of()).get(0);

    List<ArrayChunk> chunks = new CopyOnWriteArrayList<>();
    CameraEvents sink =
        new CameraEvents() {
          @Override
          public void frame(VideoFrame frame) {
            throw new AssertionError("an array input has no video");
          }

          @Override
          public void audio(AudioChunk chunk) {
            throw new AssertionError("an array input publishes array chunks");
          }

          @Override
          public void array(ArrayChunk chunk) {
            chunks.add(chunk);
          }
        };
    LivePeers.StatusLog status = new LivePeers.StatusLog();
    try (CameraFleet fleet =
        new CameraFleet(sink, status.publisher, DecodeOptions.modelDefaults())) {
      fleet.start(hall);
      // 1 s of input, the default first backoff of about a second, then the input again
      LivePeers.await("the input played twice", Duration.ofSeconds(15), () -> chunks.size() >= 20);
    }

    for (int k = 0; k < chunks.size(); k++) {
      ArrayChunk c = chunks.get(k);
      assertEquals(k, c.getSequence(), "chunks numbered on across openings");
      assertEquals("respeaker4", c.getGeometryId().toString());
      assertEquals(4, c.getChannels());
      assertEquals(12_288, c.getSampleRate());
      if (k > 0) {
        assertTrue(
            c.getTimestamp().isAfter(chunks.get(k - 1).getTimestamp()),
            "chunk " + k + " later than the one before");
      }
    }
    // statuses reach the log on the publisher's thread
    LivePeers.await(
        "the STOPPED status",
        Duration.ofSeconds(5),
        () -> status.sent.stream().anyMatch(st -> st.getState() == CameraState.STOPPED));
    List<CameraState> states =
        status.sent.stream()
            .filter(s -> s.getStreamId().toString().equals("hall"))
            .map(CameraStatus::getState)
            .distinct()
            .toList();
    assertTrue(
        states.containsAll(
            List.of(CameraState.CONNECTED, CameraState.RECONNECTING, CameraState.STOPPED)),
        "connected, the input's end, stopped: " + states);
  }

  @Test
  void shouldGiveUpOnANetworkArrayThatStopsSendingAndSaySo() throws Exception {
    // the server answers and then sends nothing: without a socket timeout the camera would stay
    // CONNECTING, silent, for good
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket s = silent.accept()) {
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\n\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                  Thread.sleep(60_000);
                } catch (IOException | InterruptedException e) {
                  // the test is over
                }
              },
              "silent-array");
      server.setDaemon(true);
      server.start();
      Path yaml = dir.resolve("cameras.yaml");
      Files.writeString(
          yaml,
          "cameras:\n  - id: roof\n    url: http://127.0.0.1:"
              + silent.getLocalPort()
              + "/a.wav\n    array: {geometry: respeaker4, channels: [0, 1, 2, 3]}\n");
      CameraSpec roof = CameraInventory.parse(yaml, Map.of()).get(0);
      LivePeers.StatusLog status = new LivePeers.StatusLog();
      CameraEvents none =
          new CameraEvents() {
            @Override
            public void frame(VideoFrame frame) {}

            @Override
            public void audio(AudioChunk chunk) {}

            @Override
            public void array(ArrayChunk chunk) {}
          };
      try (CameraFleet fleet =
          new CameraFleet(none, status.publisher, DecodeOptions.modelDefaults())) {
        fleet.start(roof);
        LivePeers.await(
            "the failed opening",
            // FFmpeg's HTTP input tries a second connection before it gives up
            MultichannelSource.SOCKET_TIMEOUT.multipliedBy(2).plusSeconds(5),
            () -> status.sent.stream().anyMatch(st -> st.getState() == CameraState.FAILED));
      }
    }
  }
}
