package ai.avloc.cli;

import ai.avloc.ingest.CameraSource;
import ai.avloc.ingest.ContainerTime;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.MediaFileSource;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.ingest.inventory.CameraInventory;
import ai.avloc.ingest.inventory.Shard;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Camera gateways in one process: simulated scene cameras and media files, published to Kafka as
 * frames, mono audio and array audio, merged by event time and paced at real time or faster.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes camera streams to Kafka as frames (298x224 JPEG, 12 fps), 12288 Hz mono",
      "audio chunks and, for arrays, every channel of the microphones.",
      "Live: cameras by URL (--camera) or a cameras.yaml inventory (--cameras), each on its",
      "own thread, reconnecting by itself, its health on the camera-status topic.",
      "Recorded: simulated scenes (--scene) and media files (--video), merged in event-time",
      "order at real time (--rate 1x) or as fast as possible (--rate max).",
      "Ctrl-C stops cleanly."
    })
final class GatewayCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--scene", required = true, description = "scene JSON (docs/scene-format.md)")
    Path scene;

    @Option(names = "--video", required = true, description = "media file FFmpeg can decode")
    Path video;

    @Option(
        names = "--camera",
        required = true,
        description =
            "a live camera: rtsp://, rtmp://, http(s):// (MJPEG, MPEG-TS, HLS), v4l2:/dev/videoN;"
                + " reconnects by itself (docs/runtime.md, Live cameras)")
    String camera;

    @Option(
        names = "--cameras",
        required = true,
        description = "a cameras.yaml inventory, its edits applied as saved (docs/cameras.md)")
    Path inventory;

    boolean live() {
      return camera != null || inventory != null;
    }
  }

  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--topic-prefix",
      defaultValue = Topics.DEFAULT_PREFIX,
      description = "topic name prefix (default: ${DEFAULT-VALUE})")
  String topicPrefix;

  @ArgGroup(exclusive = true, multiplicity = "1..*")
  List<Source> sources;

  @Option(
      names = "--shard",
      defaultValue = "1/1",
      description = "run the inventory's cameras of shard i of n, e.g. 2/3 (default: all)")
  String shard;

  @Option(
      names = "--stream-id",
      description = "stream id of each source in order (default: the file name without extension)")
  List<String> streamIds = new ArrayList<>();

  @Option(
      names = "--array",
      description =
          "scene cameras are array cameras with this built-in geometry (dualcam128, vogel64)")
  String array;

  @Option(
      names = "--rate",
      defaultValue = "1x",
      description = "1x (real time), another factor such as 4x, or max (default: ${DEFAULT-VALUE})")
  String rate;

  @Option(names = "--loop", description = "play every source again and again")
  boolean loop;

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Option(
      names = "--duration",
      description =
          "media time to publish, e.g. 10s, 500ms, 2m (default: until the sources end); live"
              + " cameras: how long to run (default: until Ctrl-C)")
  Duration duration;

  @Option(
      names = "--jpeg-quality",
      defaultValue = "0.9",
      description = "JPEG quality in (0, 1] (default: ${DEFAULT-VALUE})")
  float jpegQuality;

  @Option(
      names = "--fps",
      defaultValue = "12",
      description = "frames per second, at most 12 (default: ${DEFAULT-VALUE})")
  double fps;

  @Option(
      names = "--fov",
      defaultValue = "65x50",
      description = "scene cameras' field of view, degrees (default: ${DEFAULT-VALUE})")
  String fov;

  @Option(
      names = "--start",
      defaultValue = "now",
      description = {
        "wall-clock time of the streams' start: now, an ISO instant, or creation-time: each",
        "media file at the recording start its container holds (an NVR export), scenes at now",
        "(default: now)"
      })
  String start;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Gateway.Pace pace = Gateway.Pace.parse(rate);
    if (duration != null && duration.isZero()) {
      throw new IllegalArgumentException("--duration 0: must be positive");
    }
    if (fps > SceneCamera.MAX_FPS) {
      throw new IllegalArgumentException("--fps " + fps + ": at most 12 (one frame per window)");
    }
    DecodeOptions media =
        new DecodeOptions(
            ModelShapes.FRAME_WIDTH,
            ModelShapes.FRAME_HEIGHT,
            fps,
            jpegQuality,
            WindowClock.SAMPLES_PER_WINDOW);
    String[] fovParts = fov.toLowerCase(Locale.ROOT).split("x");
    if (fovParts.length != 2) {
      throw new IllegalArgumentException(
          "--fov '" + fov + "': expected HFOVxVFOV in degrees, e.g. 65x50");
    }
    SceneCamera.Options sceneOptions =
        new SceneCamera.Options(
            media,
            Inputs.number(fovParts[0], "--fov"),
            Inputs.number(fovParts[1], "--fov"),
            array,
            loop);
    if (streamIds.size() > sources.size()) {
      throw new IllegalArgumentException(
          streamIds.size() + " --stream-id for " + sources.size() + " source(s)");
    }
    boolean ownTime = start.equalsIgnoreCase("creation-time");
    if (sources.stream().anyMatch(Source::live)) {
      return live(out, media);
    }
    if (metrics.address() != null) {
      throw new IllegalArgumentException(
          "--metrics-port serves live cameras' metrics (--camera, --cameras); recorded sources"
              + " have none");
    }
    Instant t0 = start.equalsIgnoreCase("now") || ownTime ? Instant.now() : parseInstant(start);
    Topics topics = Topics.withPrefix(topicPrefix);
    KafkaConnection connection = kafka.requiredConnection();

    List<CameraSource> cameras = new ArrayList<>();
    Set<String> used = new HashSet<>();
    try {
      for (int i = 0; i < sources.size(); i++) {
        Source s = sources.get(i);
        Path file = s.scene != null ? s.scene : s.video;
        String id = uniqueId(i < streamIds.size() ? streamIds.get(i) : baseName(file), used);
        if (s.scene != null) {
          Scene scene = Scene.parse(s.scene);
          cameras.add(new SceneCamera(scene, id, t0, null, sceneOptions));
          out.printf(
              Locale.ROOT,
              "%s: scene %s, %.1f s, %d source(s), %s%n",
              id,
              file,
              scene.duration(),
              scene.sources().size(),
              array == null ? "mono" : "array " + sceneOptions.arrayGeometry());
        } else {
          Instant begin = ownTime ? recordingStart(s.video) : t0;
          cameras.add(new MediaFileSource(s.video, id, begin, media, loop));
          out.printf(
              Locale.ROOT, "%s: media file %s%s%n", id, file, ownTime ? ", from " + begin : "");
        }
      }
    } catch (RuntimeException | java.io.IOException e) {
      cameras.forEach(CameraSource::close);
      throw e;
    }

    try {
      List<String> created = KafkaCameraEvents.createMissingTopics(connection, topics);
      if (!created.isEmpty()) {
        out.println("created topics " + String.join(", ", created));
      }
    } catch (IllegalStateException e) {
      cameras.forEach(CameraSource::close);
      throw new IllegalArgumentException("Kafka " + connection + ": " + e.getMessage(), e);
    }
    out.printf(
        Locale.ROOT,
        "publishing to %s (%s*) at %s%s%s%n",
        connection,
        topicPrefix,
        pace,
        loop ? ", looping" : "",
        duration == null ? "" : ", " + DurationConverter.format(duration) + " of media");
    out.flush();

    CountDownLatch finished = new CountDownLatch(1);
    Gateway.Progress done;
    try (KafkaCameraEvents events = new KafkaCameraEvents(connection, topics);
        Gateway gateway = new Gateway(cameras, events, pace)) {
      // Ctrl-C: stop publishing, then let the producers flush before the JVM goes
      Thread hook =
          new Thread(
              () -> {
                gateway.stop();
                try {
                  finished.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        gateway.onProgress(
            Duration.ofSeconds(1),
            p -> {
              out.println("  " + p);
              out.flush();
            });
        done = duration == null ? gateway.run() : gateway.publish(duration);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it waits for the flush below
        }
      }
    } finally {
      finished.countDown();
    }
    out.println("published " + done);
    return 0;
  }

  /** Live cameras and inventories: published as they come, until Ctrl-C or --duration. */
  private int live(PrintWriter out, DecodeOptions media) throws Exception {
    if (!sources.stream().allMatch(Source::live)) {
      throw new IllegalArgumentException(
          "--camera and --cameras run live cameras: give --scene and --video to another gateway");
    }
    if (sources.stream().filter(s -> s.inventory != null).count() > 1) {
      throw new IllegalArgumentException("one --cameras inventory per gateway");
    }
    List<String> urls = sources.stream().filter(s -> s.camera != null).map(s -> s.camera).toList();
    if (streamIds.size() > urls.size()) {
      throw new IllegalArgumentException(
          streamIds.size() + " --stream-id for " + urls.size() + " --camera");
    }
    Path inventory =
        sources.stream()
            .filter(s -> s.inventory != null)
            .map(s -> s.inventory)
            .findFirst()
            .orElse(null);
    if (inventory != null) {
      // a file with mistakes is named, line by line, before anything connects
      CameraInventory.parse(inventory);
    }
    Topics topics = Topics.withPrefix(topicPrefix);
    KafkaConnection connection = kafka.requiredConnection();
    LiveCameras.Plan plan =
        new LiveCameras.Plan(
            LiveCameras.byId(urls, streamIds),
            inventory,
            Shard.parse(shard),
            media,
            duration,
            metrics.address());
    try {
      List<String> created = KafkaCameraEvents.createMissingTopics(connection, topics);
      if (!created.isEmpty()) {
        out.println("created topics " + String.join(", ", created));
      }
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("Kafka " + connection + ": " + e.getMessage(), e);
    }
    LiveCameras.run(connection, topics, plan, out);
    return 0;
  }

  private static Instant recordingStart(Path video) {
    return ContainerTime.creationTime(video)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    video
                        + ": its container holds no creation_time; give --start as an ISO"
                        + " instant"));
  }

  private static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--start '"
              + text
              + "': expected now, creation-time or an ISO instant such as 2026-01-01T12:00:00Z");
    }
  }

  private static String baseName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** Two sources with the same name get -2, -3, ...: one stream per source. */
  private static String uniqueId(String id, Set<String> used) {
    String candidate = id;
    for (int n = 2; !used.add(candidate); n++) {
      candidate = id + "-" + n;
    }
    return candidate;
  }
}
