package ai.avloc.ingest.live;

import static ai.avloc.ingest.live.LivePeers.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.ingest.CameraEvent;
import ai.avloc.ingest.live.LivePeers.ListSink;
import ai.avloc.ingest.live.LivePeers.Received;
import ai.avloc.ingest.live.LivePeers.StatusLog;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live cameras on real servers: RTSP (GStreamer) with AAC, G.711 and no audio, over TCP and UDP;
 * HTTP MPEG-TS (ffmpeg).
 */
class LiveCameraStreamsTest {
  static final Duration RUN = Duration.ofSeconds(6);

  @Test
  void shouldPublishTwelveFramesAndTwelveChunksASecondFromRtspWithAac() throws Exception {
    streamsAtTheSinesLevel("h264-aac");
  }

  @Test
  void shouldPublishTwelveFramesAndTwelveChunksASecondFromRtspWithG711() throws Exception {
    streamsAtTheSinesLevel("h264-pcmu");
  }

  @Test
  void shouldPublishTwelveFramesAndTwelveChunksASecondFromRtspWithH265AndG711ALaw()
      throws Exception {
    streamsAtTheSinesLevel("h265-alaw");
  }

  @Test
  void shouldPublishTwelveFramesAndTwelveChunksASecondFromRtspWithOpus() throws Exception {
    streamsAtTheSinesLevel("h264-opus");
  }

  private void streamsAtTheSinesLevel(String kind) throws Exception {
    int port = LivePeers.freePort();
    Process server = LivePeers.rtspServer(port, "/cam", kind, null);
    try {
      Run run = run(CameraUrl.parse("rtsp://127.0.0.1:" + port + "/cam"));
      assertNull(run.status.getLastError(), "no problem reported");
      assertStreams(run, LivePeers.RTSP_SINE_DBFS);
    } finally {
      LivePeers.kill(server);
    }
  }

  @Test
  void shouldPublishFramesAndAudioFromHttpMpegTs() throws Exception {
    int port = LivePeers.freePort();
    Process server = LivePeers.httpMpegTs(port);
    try {
      // ffmpeg listens a moment after it starts: the first attempt may be refused and retried
      // ffmpeg's sine source: amplitude 1/8, RMS 20 log10(1/8 / sqrt 2) = -21.07 dBFS
      Run run = run(CameraUrl.parse("http://127.0.0.1:" + port + "/live.ts"));
      assertStreams(run, 20 * Math.log10(0.125 / Math.sqrt(2)));
    } finally {
      LivePeers.kill(server);
    }
  }

  @Test
  void shouldPublishFramesAndAudioFromHls(@TempDir Path segments) throws Exception {
    int port = LivePeers.freePort();
    List<Process> peers = LivePeers.httpHls(segments, port);
    try {
      // the playlist exists once ffmpeg has written its first segment
      await(
          "the first HLS segment",
          Duration.ofSeconds(15),
          () -> Files.exists(segments.resolve("live.m3u8")));
      Run run = run(CameraUrl.parse("http://127.0.0.1:" + port + "/live.m3u8"));
      assertEquals(CameraState.CONNECTED, run.status.getState(), "" + run.status.getLastError());
      assertTrue(run.status.getAudioPresent(), "HLS carries the sine");
      List<AudioChunk> chunks = run.sink.chunks.stream().map(Received::value).toList();
      assertEquals(
          20 * Math.log10(0.125 / Math.sqrt(2)),
          LivePeers.dbfs(chunks.subList(6, chunks.size())),
          1.5,
          "RMS level of ffmpeg's sine");
      // HLS arrives a 1 s segment at a time: the span may end just before a segment
      assertTrue(
          run.sink.frames.size() >= 10 * (RUN.toSeconds() - 1),
          "frames: " + run.sink.frames.size());
      assertOrderedAndOnTheWallClock(run.sink.frames);
    } finally {
      for (Process p : peers) {
        LivePeers.kill(p);
      }
    }
  }

  @Test
  void shouldPublishFramesFromAnMjpegCameraAndSayItHasNoAudio() throws Exception {
    int port = LivePeers.freePort();
    Process server = LivePeers.httpMjpeg(port);
    try {
      Run run = run(CameraUrl.parse("http://127.0.0.1:" + port + "/video.mjpg"));
      assertFalse(run.status.getAudioPresent(), "an MJPEG camera has no audio");
      assertEquals(0, run.sink.chunks.size(), "never silence-filled");
      assertTrue(run.status.getFpsOut() > 10 && run.status.getFpsOut() <= 12.5, "fps out");
      for (VideoFrame f : run.sink.frames.stream().map(Received::value).toList()) {
        assertEquals(298, f.getWidth());
        assertEquals(224, f.getHeight());
      }
      assertOrderedAndOnTheWallClock(run.sink.frames);
    } finally {
      LivePeers.kill(server);
    }
  }

  @Test
  void shouldReportAStreamWithoutAudioAndPublishFramesOnly() throws Exception {
    int port = LivePeers.freePort();
    Process server = LivePeers.rtspServer(port, "/cam", "h264-only", null);
    try {
      Run run = run(CameraUrl.parse("rtsp://127.0.0.1:" + port + "/cam"));
      assertFalse(run.status.getAudioPresent(), "audioPresent");
      assertTrue(run.status.getVideoPresent(), "videoPresent");
      assertNull(run.status.getAudioLevelDbfs(), "no level without audio");
      assertTrue(run.status.getLastError().contains("no audio"), run.status.getLastError());
      assertEquals(0, run.sink.chunks.size(), "never silence-filled");
      assertTrue(run.sink.frames.size() >= 40, "frames: " + run.sink.frames.size());
    } finally {
      LivePeers.kill(server);
    }
  }

  @Test
  void shouldReadRtspOverUdpWhenAsked() throws Exception {
    int port = LivePeers.freePort();
    Process server = LivePeers.rtspServer(port, "/cam", "h264-pcmu", null);
    try {
      Run run =
          run(
              LiveCamera.Config.of("cam-1", CameraUrl.parse("rtsp://127.0.0.1:" + port + "/cam"))
                  .withTransport(LiveCamera.Transport.UDP));
      assertNull(run.status.getLastError(), "no problem reported");
      assertStreams(run, LivePeers.RTSP_SINE_DBFS);
    } finally {
      LivePeers.kill(server);
    }
  }

  record Run(ListSink sink, CameraStatus status, List<CameraStatus> sent) {}

  /** Runs a camera for {@link #RUN} after its first event; the status is taken before stop. */
  static Run run(CameraUrl url) throws Exception {
    return run(LiveCamera.Config.of("cam-1", url));
  }

  static Run run(LiveCamera.Config config) throws Exception {
    CameraUrl url = config.url();
    ListSink sink = new ListSink();
    StatusLog log = new StatusLog();
    LiveCamera camera = new LiveCamera(config, sink, log.publisher);
    try {
      camera.start();
      await("first frame from " + url, Duration.ofSeconds(15), () -> !sink.frames.isEmpty());
      Thread.sleep(RUN.toMillis());
      CameraStatus status = camera.status();
      return new Run(sink, status, log.sent);
    } finally {
      camera.stop();
      log.publisher.close();
    }
  }

  static void assertStreams(Run run, double sineDbfs) {
    CameraStatus s = run.status;
    assertEquals(CameraState.CONNECTED, s.getState(), "state; last error " + s.getLastError());
    assertTrue(s.getAudioPresent() && s.getVideoPresent(), "audio and video present");
    assertTrue(s.getFpsIn() > 20 && s.getFpsIn() < 30, "fps in (25 sent): " + s.getFpsIn());
    assertTrue(s.getFpsOut() > 10 && s.getFpsOut() <= 12.5, "fps out: " + s.getFpsOut());
    assertNotNull(s.getAudioLevelDbfs(), "audio level");
    assertEquals(sineDbfs, s.getAudioLevelDbfs(), 1.5, "status audio level");

    List<VideoFrame> frames = run.sink.frames.stream().map(Received::value).toList();
    List<AudioChunk> chunks = run.sink.chunks.stream().map(Received::value).toList();
    double seconds = RUN.toMillis() / 1000.0;
    // frames are kept one per 1/12 s slot of a 25 fps source: 12 a second
    double fps =
        (frames.size() - 1)
            / ((CameraEvent.epochMicros(frames.get(frames.size() - 1).getTimestamp())
                    - CameraEvent.epochMicros(frames.get(0).getTimestamp()))
                / 1e6);
    assertTrue(fps > 11 && fps <= 12.2, "frames per second of event time: " + fps);
    assertTrue(frames.size() >= 11 * seconds, "frames: " + frames.size());
    for (VideoFrame f : frames) {
      assertEquals(298, f.getWidth());
      assertEquals(224, f.getHeight());
    }
    // audio keeps up with the wall clock: 12 chunks of 1024 samples a second
    assertTrue(
        chunks.size() >= 11 * seconds && chunks.size() <= 13 * (seconds + 3),
        "chunks: " + chunks.size());
    for (AudioChunk c : chunks) {
      assertEquals(WindowClock.SAMPLE_RATE, c.getSampleRate());
      assertEquals(2 * 1024, c.getPcm16().remaining(), "1024 samples a chunk");
    }
    // the first chunks hold the encoder's ramp-in
    assertEquals(sineDbfs, LivePeers.dbfs(chunks.subList(6, chunks.size())), 1.5, "RMS level");
    assertOrderedAndOnTheWallClock(run.sink.frames);
    assertOrderedAndOnTheWallClock(run.sink.chunks);
  }

  /** Sequences 0, 1, 2...; event times increasing and within 2 s before their arrival. */
  static <T> void assertOrderedAndOnTheWallClock(List<Received<T>> events) {
    long last = Long.MIN_VALUE;
    for (int i = 0; i < events.size(); i++) {
      T v = events.get(i).value();
      long seq = v instanceof VideoFrame f ? f.getSequence() : ((AudioChunk) v).getSequence();
      Instant t = v instanceof VideoFrame f ? f.getTimestamp() : ((AudioChunk) v).getTimestamp();
      assertEquals(i, seq, "sequence");
      long micros = CameraEvent.epochMicros(t);
      assertTrue(micros > last, "event times increase at " + i);
      last = micros;
      long lag = CameraEvent.epochMicros(events.get(i).at()) - micros;
      // the stream's own audio/video offset is kept: a few hundred ms either way
      assertTrue(lag > -500_000 && lag < 2_000_000, "event " + i + " arrived " + lag + " µs late");
    }
  }
}
