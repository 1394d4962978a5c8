package ai.avloc.ingest.live;

import static ai.avloc.ingest.live.LivePeers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.ingest.CameraEvent;
import ai.avloc.ingest.CameraEvents;
import ai.avloc.ingest.live.LivePeers.ListSink;
import ai.avloc.ingest.live.LivePeers.StatusLog;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A camera whose server goes away, cannot be reached, or refuses its credentials. */
class LiveCameraFaultsTest {
  static final LiveCamera.Backoff FAST =
      new LiveCamera.Backoff(Duration.ofMillis(500), Duration.ofSeconds(2), 0.2);

  /** A camera that retries fast and drops a connection silent for {@code stall}. */
  static LiveCamera camera(
      String id, CameraUrl url, Duration stall, CameraEvents sink, StatusLog log) {
    return new LiveCamera(
        LiveCamera.Config.of(id, url).withStallTimeout(stall).withBackoff(FAST),
        sink,
        log.publisher);
  }

  @Test
  void shouldReconnectByItselfAfterTheServerWasDownForTenSeconds() throws Exception {
    int port = LivePeers.freePort();
    Process server = LivePeers.rtspServer(port, "/cam", "h264-aac", null);
    ListSink sink = new ListSink();
    StatusLog log = new StatusLog();
    CameraUrl url = CameraUrl.parse("rtsp://viewer:pw-reconnect@127.0.0.1:" + port + "/cam");
    LiveCamera camera = camera("cam-r", url, Duration.ofSeconds(2), sink, log);
    try {
      camera.start();
      await("frames before the outage", Duration.ofSeconds(15), () -> sink.frames.size() >= 24);
      LivePeers.kill(server);
      Instant killed = Instant.now();
      await(
          "the camera notices the outage",
          Duration.ofSeconds(8),
          () -> camera.status().getState() == CameraState.RECONNECTING);
      int framesBefore = sink.frames.size();
      int chunksBefore = sink.chunks.size();
      Thread.sleep(Math.max(0, 10_000 - Duration.between(killed, Instant.now()).toMillis()));
      server = LivePeers.rtspServer(port, "/cam", "h264-aac", null);
      await(
          "reconnected",
          Duration.ofSeconds(15),
          () -> camera.status().getState() == CameraState.CONNECTED);
      Thread.sleep(3000);
      CameraStatus s = camera.status();
      assertTrue(camera.isAlive());
      assertEquals(1, s.getReconnects(), "reconnects");
      assertTrue(
          s.getGapSeconds() >= 9.5 && s.getGapSeconds() < 16, "gap reported: " + s.getGapSeconds());
      assertTrue(sink.frames.size() >= framesBefore + 24, "frames resumed: " + sink.frames.size());
      assertTrue(sink.chunks.size() >= chunksBefore + 24, "audio resumed: " + sink.chunks.size());
      // no (stream, sequence) twice, no event time twice, both on the wall clock
      LiveCameraStreamsTest.assertOrderedAndOnTheWallClock(sink.frames);
      LiveCameraStreamsTest.assertOrderedAndOnTheWallClock(sink.chunks);
      long gapMicros =
          CameraEvent.epochMicros(sink.frames.get(framesBefore).value().getTimestamp())
              - CameraEvent.epochMicros(sink.frames.get(framesBefore - 1).value().getTimestamp());
      assertTrue(gapMicros > 9_000_000, "event times skip the outage: " + gapMicros);
      assertTrue(
          log.sent.stream()
              .anyMatch(x -> x.getState() == CameraState.RECONNECTING && x.getLastError() != null),
          "the outage was sent as a status");
      for (CameraStatus x : log.sent) {
        assertFalse(String.valueOf(x).contains("pw-reconnect"), "no password in " + x);
      }
    } finally {
      camera.stop();
      log.publisher.close();
      LivePeers.kill(server);
    }
    assertEquals(CameraState.STOPPED, camera.status().getState());
    assertFalse(camera.isAlive());
  }

  @Test
  void aCameraThatTricklesBytesHoldsUpNoOtherCamerasConnect() throws Exception {
    // a server that answers, then sends a byte a second: never a stall, never enough to probe
    CountDownLatch opening = new CountDownLatch(1);
    try (ServerSocket trickle = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread feeder =
          new Thread(
              () -> {
                try (Socket s = trickle.accept()) {
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\n\r\n"
                          .getBytes(StandardCharsets.US_ASCII));
                  opening.countDown();
                  for (int i = 0; i < 30; i++) {
                    out.write(0x47);
                    out.flush();
                    Thread.sleep(1000);
                  }
                } catch (IOException | InterruptedException e) {
                  // the test is over
                }
              },
              "trickle");
      feeder.setDaemon(true);
      feeder.start();
      int port = LivePeers.freePort();
      Process server = LivePeers.httpMpegTs(port);
      StatusLog log = new StatusLog();
      ListSink slowSink = new ListSink();
      ListSink sink = new ListSink();
      CameraUrl slowUrl = CameraUrl.parse("http://127.0.0.1:" + trickle.getLocalPort() + "/t.ts");
      LiveCamera slow = camera("cam-trickle", slowUrl, Duration.ofSeconds(5), slowSink, log);
      LiveCamera healthy =
          new LiveCamera(
              LiveCamera.Config.of(
                      "cam-ok", CameraUrl.parse("http://127.0.0.1:" + port + "/live.ts"))
                  .withBackoff(FAST),
              sink,
              log.publisher);
      try {
        slow.start();
        assertTrue(opening.await(10, TimeUnit.SECONDS), "the trickling camera connects");
        healthy.start();
        await("the other camera's frames", Duration.ofSeconds(15), () -> sink.frames.size() >= 12);
        assertTrue(slowSink.frames.isEmpty());
      } finally {
        healthy.stop();
        slow.stop();
        LivePeers.kill(server);
        log.publisher.close();
      }
    }
  }

  @Test
  void shouldReportAnUnreachableCameraByHostAndKeepRetrying() throws Exception {
    int port = LivePeers.freePort(); // nothing listens there
    ListSink sink = new ListSink();
    StatusLog log = new StatusLog();
    CameraUrl url = CameraUrl.parse("rtsp://admin:unreachable-pw@127.0.0.1:" + port + "/cam");
    LiveCamera camera =
        new LiveCamera(LiveCamera.Config.of("cam-u", url).withBackoff(FAST), sink, log.publisher);
    try {
      camera.start();
      await("a failed attempt", Duration.ofSeconds(10), () -> log.sent.size() >= 2);
      Thread.sleep(2500); // a few retries
      CameraStatus s = camera.status();
      assertEquals(CameraState.FAILED, s.getState());
      String error = s.getLastError();
      assertTrue(error.contains("cam-u") && error.contains("127.0.0.1:" + port), error);
      assertTrue(error.contains("Connection refused"), error);
      assertFalse(error.contains("unreachable-pw") || error.contains("admin"), error);
      assertEquals("rtsp://***@127.0.0.1:" + port + "/cam", s.getUrl());
      assertTrue(camera.isAlive(), "the camera's thread goes on retrying");
      assertTrue(sink.frames.isEmpty());
    } finally {
      camera.stop();
      log.publisher.close();
    }
  }

  @Test
  void shouldNameWrongCredentialsWithoutQuotingThem() throws Exception {
    int port = LivePeers.freePort();
    Process server = LivePeers.rtspServer(port, "/cam", "h264-only", "operator:right-pw");
    StatusLog log = new StatusLog();
    try {
      CameraUrl wrong =
          CameraUrl.parse("rtsp://127.0.0.1:" + port + "/cam")
              .withCredentials("operator", "wrong-pw-123");
      ListSink sink = new ListSink();
      LiveCamera camera =
          new LiveCamera(
              LiveCamera.Config.of("cam-a", wrong).withBackoff(FAST), sink, log.publisher);
      camera.start();
      await(
          "a refused attempt",
          Duration.ofSeconds(10),
          () -> camera.status().getLastError() != null);
      CameraStatus s = camera.status();
      camera.stop();
      assertEquals(CameraState.FAILED, s.getState());
      assertTrue(s.getLastError().contains("401"), s.getLastError());
      assertTrue(s.getLastError().contains("credentials"), s.getLastError());
      assertFalse(s.getLastError().contains("wrong-pw-123"), s.getLastError());
      assertTrue(sink.frames.isEmpty());

      ListSink right = new ListSink();
      LiveCamera allowed =
          new LiveCamera(
              LiveCamera.Config.of("cam-a", wrong.withCredentials("operator", "right-pw")),
              right,
              log.publisher);
      allowed.start();
      await(
          "frames with the right password", Duration.ofSeconds(15), () -> right.frames.size() > 5);
      allowed.stop();
    } finally {
      log.publisher.close();
      LivePeers.kill(server);
    }
  }
}
