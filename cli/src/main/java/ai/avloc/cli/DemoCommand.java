package ai.avloc.cli;

import ai.avloc.cli.demo.LiveDemo;
import ai.avloc.cli.demo.OfflineDemo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The product's front door. Live (default): the whole system on this machine, from a simulated
 * array camera (or a media file) through Kafka and Flink to localizations and alerts. Offline: the
 * imaging core alone on a simulated recording, with PNG heatmaps.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Live (default): starts a Kafka broker and a Flink cluster (own JVMs), submits the",
      "localization job, starts the alerts app, publishes a simulated array camera watching a drone",
      "cross the view (or --video FILE) at real time, and prints localizations and alerts until",
      "Ctrl-C or --duration; then stops everything it started.",
      "--offline: simulates a moving source in front of a 128-microphone array camera and localizes",
      "it every 1/12 s (beamforming map and acoustic-image energy peaks against the true",
      "direction); writes PNG heatmaps, the acoustic images (.npy) and a summary into --out."
    })
final class DemoCommand implements Callable<Integer> {
  static final String DEFAULT_SCENE = "examples/scenes/moving-drone.json";
  static final String LIVE_SCENE = "examples/scenes/demo-crossing.json";

  @Option(names = "--offline", description = "the imaging core alone, no streaming system")
  boolean offline;

  @Option(
      names = "--scene",
      description = "scene JSON (default: " + LIVE_SCENE + " live, " + DEFAULT_SCENE + " offline)")
  Path scenePath;

  @Option(names = "--video", description = "live: publish this media file instead of a scene")
  Path video;

  @Option(
      names = "--camera",
      description =
          "live: a real camera instead of the simulated one (rtsp://, http(s)://, ...);"
              + " repeat for more; try infra/bin/rtsp-camera cam=test:640x360@25")
  List<String> cameras = new ArrayList<>();

  // vogel64 by default: on a 2-core machine the 128-mic array's beamforming, sharing the cores with
  // the broker, Flink, the simulator and the alerts app, runs seconds behind real time
  @Option(
      names = "--array",
      defaultValue = "vogel64",
      description =
          "live: the simulated camera's microphone array, vogel64 or dualcam128 (default:"
              + " ${DEFAULT-VALUE})")
  String array;

  @Option(
      names = "--rules",
      defaultValue = "examples/demo-alert-rules.yaml",
      description = "live: alert rules (default: ${DEFAULT-VALUE})")
  Path rules;

  @Option(names = "--duration", description = "live: stop after this long, e.g. 60s")
  Duration duration;

  @Option(
      names = "--mono",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "live: also run the mono path (the shipped U-VAE, "
              + ai.avloc.stream.job.JobConfig.SHIPPED_MODEL
              + ") on the camera's frame and microphone; --no-mono: the array path only")
  boolean mono;

  @Option(
      names = "--every",
      defaultValue = "3",
      description =
          "live: print every n-th localization (alerts always) (default: ${DEFAULT-VALUE})")
  int every;

  @Option(
      names = "--fov",
      defaultValue = "65x50",
      description = "camera field of view, degrees (default: ${DEFAULT-VALUE})")
  String fov;

  @Option(
      names = "--band",
      defaultValue = "500:5000",
      description = "band of the beamforming map, Hz (default: ${DEFAULT-VALUE})")
  String band;

  @Option(
      names = "--dashboard-port",
      defaultValue = "8080",
      description = "live: the dashboard's port, a free one when taken (default: ${DEFAULT-VALUE})")
  int dashboardPort;

  @Option(names = "--no-dashboard", description = "live: do not start the dashboard")
  boolean noDashboard;

  @Option(
      names = "--webhook",
      description = "live: POST every alert's lifecycle events to this URL (repeatable)")
  List<String> webhooks = new ArrayList<>();

  @Option(
      names = "--mqtt",
      description =
          "live: publish Frigate-shaped alert events to this MQTT broker, e.g. tcp://127.0.0.1:1883")
  String mqtt;

  @Option(
      names = "--secure",
      description =
          "live: a secured broker (SASL_SSL, SCRAM-SHA-512, ACLs) with every part as its own"
              + " principal, and a Flink cluster without jar uploads")
  boolean secure;

  @Option(names = "--out", description = "output folder (default: runs/demo-<time>)")
  Path out;

  @Override
  public Integer call() throws Exception {
    return offline ? offline() : live();
  }

  private int live() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Path runDir = out != null ? out : root.resolve("runs").resolve("live-" + now());
    return new LiveDemo(
            new LiveDemo.Options(
                root,
                runDir,
                scenePath != null ? scenePath : Path.of(LIVE_SCENE),
                video,
                cameras,
                array,
                rules,
                duration,
                mono || video != null || !cameras.isEmpty(),
                Math.max(1, every),
                noDashboard ? -1 : dashboardPort,
                webhooks,
                mqtt,
                secure))
        .run();
  }

  private int offline() throws Exception {
    String[] edges = band.split(":");
    return new OfflineDemo(
            new OfflineDemo.Options(
                scenePath != null ? scenePath : Path.of(DEFAULT_SCENE),
                Inputs.fov(fov, 36, 48),
                Inputs.number(edges[0], "--band"),
                edges.length > 1 ? Inputs.number(edges[1], "--band") : Double.NaN,
                band,
                out != null ? out : Path.of("runs", "demo-" + now())))
        .run();
  }

  private static String now() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }
}
