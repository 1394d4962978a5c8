package ai.avloc.cli.bench;

import ai.avloc.ingest.CameraEvents;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.live.CameraFleet;
import ai.avloc.ingest.live.CameraStatusPublisher;
import ai.avloc.ingest.live.CameraUrl;
import ai.avloc.ingest.live.LiveCamera;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one gateway process costs per live camera: N cameras read the same recording from a local
 * RTSP server ({@code infra/bin/rtsp-camera}, which sends the file's H.264 and AAC as they are, so
 * the server's own cost stays small and is measured apart), decode it, keep 12 frames/s scaled to
 * 298x224 JPEG and cut the audio into 1024-sample chunks at 12288 Hz. Events go to a counting sink,
 * not Kafka, so the figure is the gateway's own work. A row holds real time when every camera
 * delivered at least 95% of 12 frames/s and 12 chunks/s over the measured span.
 */
public final class GatewayBench {
  /** Real time: at least this share of 12 frames and 12 chunks per second per camera. */
  static final double REAL_TIME_SHARE = 0.95;

  /**
   * One row of the table.
   *
   * @param gatewayCores the gateway JVM's CPU over the span, in cores (1.0 = one core busy)
   * @param serverCores the RTSP server's CPU over the span, in cores
   */
  public record Row(
      int cameras,
      double seconds,
      double gatewayCores,
      double serverCores,
      double minFramesPerSecond,
      double minChunksPerSecond) {
    double coresPerCamera() {
      return gatewayCores / cameras;
    }

    boolean realTime() {
      return minFramesPerSecond >= 12 * REAL_TIME_SHARE
          && minChunksPerSecond >= 12 * REAL_TIME_SHARE;
    }
  }

  private final Path root;
  private final Path media;
  private final List<Integer> counts;
  private final Duration warmUp;
  private final Duration measure;
  private final LiveCamera.Transport transport;
  private final PrintStream out;

  public GatewayBench(
      Path root,
      Path media,
      List<Integer> counts,
      LiveCamera.Transport transport,
      Duration warmUp,
      Duration measure,
      PrintStream out) {
    this.transport = transport;
    this.root = root;
    this.media = media;
    this.counts = counts;
    this.warmUp = warmUp;
    this.measure = measure;
    this.out = out;
  }

  public List<Row> run() throws Exception {
    if (!Files.isRegularFile(media)) {
      throw new IllegalArgumentException(media + ": no such file");
    }
    List<Row> rows = new ArrayList<>();
    for (int n : counts) {
      Row row = measure(n);
      rows.add(row);
      out.printf(
          Locale.ROOT,
          "  %d camera(s): gateway %.2f cores (%.3f per camera), server %.2f cores, slowest"
              + " camera %.1f frames/s %.1f chunks/s%s%n",
          n,
          row.gatewayCores(),
          row.coresPerCamera(),
          row.serverCores(),
          row.minFramesPerSecond(),
          row.minChunksPerSecond(),
          row.realTime() ? "" : "  (behind real time)");
      out.flush();
    }
    return rows;
  }

  /** The table: one line per camera count. */
  public static String table(Path media, LiveCamera.Transport transport, List<Row> rows) {
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            Locale.ROOT,
            "gateway alone (counting sink, no Kafka, no job), %s over RTSP/%s, %d cores%n",
            media.getFileName(),
            transport,
            Runtime.getRuntime().availableProcessors()));
    t.append(
        String.format(
            Locale.ROOT,
            "%8s %14s %12s %12s %11s %11s %9s%n",
            "cameras",
            "gateway cores",
            "per camera",
            "server cores",
            "min fps",
            "min chunk/s",
            "real time"));
    for (Row r : rows) {
      t.append(
          String.format(
              Locale.ROOT,
              "%8d %14.2f %12.3f %12.2f %11.1f %11.1f %9s%n",
              r.cameras(),
              r.gatewayCores(),
              r.coresPerCamera(),
              r.serverCores(),
              r.minFramesPerSecond(),
              r.minChunksPerSecond(),
              r.realTime() ? "yes" : "no"));
    }
    return t.toString();
  }

  private Row measure(int cameras) throws Exception {
    Process server = startServer();
    try {
      String url = serverUrl(server);
      Counting sink = new Counting();
      try (CameraStatusPublisher status =
              new CameraStatusPublisher(s -> {}, Duration.ofSeconds(5));
          CameraFleet fleet = new CameraFleet(sink, status, DecodeOptions.modelDefaults())) {
        for (int c = 1; c <= cameras; c++) {
          fleet.start(
              LiveCamera.Config.of("bench-" + c, CameraUrl.parse(url)).withTransport(transport));
        }
        Thread.sleep(warmUp.toMillis());
        sink.reset();
        long cpu0 = processCpuNanos();
        long server0 = cpuNanos(server);
        long wall0 = System.nanoTime();
        Thread.sleep(measure.toMillis());
        long wall = System.nanoTime() - wall0;
        double gateway = (processCpuNanos() - cpu0) / (double) wall;
        double serverCores = (cpuNanos(server) - server0) / (double) wall;
        double seconds = wall / 1e9;
        double minFrames = Double.MAX_VALUE;
        double minChunks = Double.MAX_VALUE;
        for (int c = 1; c <= cameras; c++) {
          minFrames = Math.min(minFrames, sink.frames("bench-" + c) / seconds);
          minChunks = Math.min(minChunks, sink.chunks("bench-" + c) / seconds);
        }
        return new Row(cameras, seconds, gateway, serverCores, minFrames, minChunks);
      }
    } finally {
      server.destroy();
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private Process startServer() throws IOException {
    Path script = root.resolve("infra/bin/rtsp-camera");
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return new ProcessBuilder(
            script.toString(), "--port", Integer.toString(port), "cam=" + media.toAbsolutePath())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static String serverUrl(Process server) throws IOException {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = lines.readLine();
    if (line == null || !line.startsWith("ready ")) {
      throw new IOException(
          "infra/bin/rtsp-camera did not start (it needs the Debian packages python3-gi and"
              + " gir1.2-gst-rtsp-server-1.0): "
              + line);
    }
    return line.substring("ready ".length()).strip();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long cpuNanos(Process p) {
    return p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** Counts each camera's frames and chunks; costs next to nothing. */
  private static final class Counting implements CameraEvents {
    private final ConcurrentHashMap<String, LongAdder> frames = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> chunks = new ConcurrentHashMap<>();

    @Override
    public void frame(VideoFrame frame) {
      frames.computeIfAbsent(frame.getStreamId().toString(), k -> new LongAdder()).increment();
    }

    @Override
    public void audio(AudioChunk chunk) {
      chunks.computeIfAbsent(chunk.getStreamId().toString(), k -> new LongAdder()).increment();
    }

    @Override
    public void array(ArrayChunk chunk) {}

    void reset() {
      frames.clear();
      chunks.clear();
    }

    long frames(String id) {
      LongAdder n = frames.get(id);
      return n == null ? 0 : n.sum();
    }

    long chunks(String id) {
      LongAdder n = chunks.get(id);
      return n == null ? 0 : n.sum();
    }
  }
}
