package ai.avloc.ingest.live;

import static org.junit.jupiter.api.Assertions.fail;

import ai.avloc.ingest.CameraEvents;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.VideoFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Real peers for the live camera tests (child processes) and a list-backed sink. */
final class LivePeers {
  private LivePeers() {}

  static final Path PYTHON = Paths.get("/usr/bin/python3");

  /** Peak of the test cameras' sine, as a fraction of full scale. */
  static final double RTSP_SINE_PEAK = 0.1;

  /** RMS of the test cameras' sine: 20 log10(0.1 / sqrt 2) = -23.01 dBFS. */
  static final double RTSP_SINE_DBFS = 20 * Math.log10(RTSP_SINE_PEAK / Math.sqrt(2));

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The test picture and steady sine {@code infra/bin/rtsp-camera} serves for each kind of camera
   * the tests meet: H.264 or H.265 video with AAC, G.711 (µ-law, A-law), Opus or no audio.
   */
  static final Map<String, String> KINDS =
      Map.of(
          "h264-aac", "audio=aac",
          "h264-pcmu", "audio=pcmu",
          "h264-opus", "audio=opus",
          "h265-alaw", "video=h265,audio=alaw",
          "h264-only", "audio=none");

  /** Starts infra/bin/rtsp-camera with one camera at {@code mount}; returns once it listens. */
  static Process rtspServer(int port, String mount, String kind, String userPassword)
      throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      fail(
          "/usr/bin/python3 is missing: install the Debian packages python3-gi and"
              + " gir1.2-gst-rtsp-server-1.0");
    }
    // the tool users run to try avloc without a camera; the tests run in the module's folder
    Path script = Paths.get("..", "infra", "bin", "rtsp-camera").toAbsolutePath().normalize();
    if (!Files.isRegularFile(script) || !KINDS.containsKey(kind)) {
      fail("no " + script + ", or an unknown kind " + kind);
    }
    String source = "test:320x240@25,tone=steady,level=" + RTSP_SINE_PEAK + "," + KINDS.get(kind);
    List<String> cmd =
        new ArrayList<>(
            List.of(PYTHON.toString(), script.toString(), "--port", Integer.toString(port)));
    if (userPassword != null) {
      cmd.addAll(List.of("--user", userPassword));
    }
    cmd.add(mount.replaceFirst("^/", "") + "=" + source);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("ready ")) {
        drain(out);
        return p;
      }
      seen.append(line).append('\n');
    }
    p.destroyForcibly();
    fail(
        "infra/bin/rtsp-camera did not start (Debian packages python3-gi,"
            + " gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-{base,good,ugly,bad},"
            + " gstreamer1.0-libav):\n"
            + seen);
    return null;
  }

  /** ffmpeg's live test picture (H.264, a key frame a second) and 440 Hz sine (AAC). */
  private static final List<String> TEST_PICTURE_AND_SINE =
      List.of(
          "-re",
          "-f",
          "lavfi",
          "-i",
          "testsrc=size=320x240:rate=25",
          "-f",
          "lavfi",
          "-i",
          "sine=frequency=440:sample_rate=44100",
          "-c:v",
          "libx264",
          "-preset",
          "ultrafast",
          "-tune",
          "zerolatency",
          "-g",
          "25",
          "-c:a",
          "aac");

  /** ffmpeg serving a live 320x240 test picture and a 440 Hz sine as MPEG-TS over HTTP. */
  static Process httpMpegTs(int port) throws IOException {
    List<String> args = new ArrayList<>(TEST_PICTURE_AND_SINE);
    args.addAll(List.of("-f", "mpegts", "-listen", "1", "http://127.0.0.1:" + port + "/live.ts"));
    return ffmpeg(args);
  }

  /** ffmpeg serving a live 320x240 test picture as MJPEG over HTTP (multipart JPEG, no audio). */
  static Process httpMjpeg(int port) throws IOException {
    return ffmpeg(
        List.of(
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-c:v",
            "mjpeg",
            "-q:v",
            "5",
            "-f",
            "mpjpeg",
            "-listen",
            "1",
            "http://127.0.0.1:" + port + "/video.mjpg"));
  }

  /**
   * ffmpeg writing a live HLS stream (test picture and 440 Hz sine, 1 s segments) into {@code dir},
   * served over HTTP by the system Python's http.server on {@code port}; returns both processes.
   */
  static List<Process> httpHls(Path dir, int port) throws IOException {
    List<String> args = new ArrayList<>(TEST_PICTURE_AND_SINE);
    args.addAll(
        List.of(
            "-f",
            "hls",
            "-hls_time",
            "1",
            "-hls_list_size",
            "6",
            "-hls_flags",
            "delete_segments",
            dir.resolve("live.m3u8").toString()));
    Process writer = ffmpeg(args);
    Process server =
        new ProcessBuilder(
                PYTHON.toString(),
                "-m",
                "http.server",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--directory",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return List.of(writer, server);
  }

  private static Process ffmpeg(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error"));
    cmd.addAll(args);
    try {
      return new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      fail("ffmpeg is missing: install the Debian package ffmpeg (" + e.getMessage() + ")");
      return null;
    }
  }

  static void kill(Process p) throws InterruptedException {
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void drain(BufferedReader out) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // the server's log is not needed, only its pipe kept empty
                }
              } catch (IOException e) {
                // the server is gone
              }
            },
            "rtsp-camera-output");
    t.setDaemon(true);
    t.start();
  }

  static void await(String what, Duration within, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + within + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  /** An event with the wall-clock time the sink received it. */
  record Received<T>(T value, Instant at) {}

  /** Keeps what a camera publishes, with arrival times. */
  static final class ListSink implements CameraEvents {
    final List<Received<VideoFrame>> frames = new CopyOnWriteArrayList<>();
    final List<Received<AudioChunk>> chunks = new CopyOnWriteArrayList<>();

    @Override
    public void frame(VideoFrame frame) {
      frames.add(new Received<>(frame, Instant.now()));
    }

    @Override
    public void audio(AudioChunk chunk) {
      chunks.add(new Received<>(chunk, Instant.now()));
    }

    @Override
    public void array(ArrayChunk chunk) {
      throw new AssertionError("a mono camera sent array audio");
    }
  }

  /** Keeps every status sent. */
  static final class StatusLog {
    final List<CameraStatus> sent = new CopyOnWriteArrayList<>();
    final CameraStatusPublisher publisher =
        new CameraStatusPublisher(sent::add, Duration.ofMillis(500));
  }

  /** RMS level of PCM16 LE samples, dBFS. */
  static double dbfs(List<AudioChunk> chunks) {
    double sum = 0;
    long n = 0;
    for (AudioChunk c : chunks) {
      ByteBuffer b = c.getPcm16().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= 2) {
        double s = b.getShort();
        sum += s * s;
        n++;
      }
    }
    return 10 * Math.log10(sum / n / (32768.0 * 32768.0));
  }
}
