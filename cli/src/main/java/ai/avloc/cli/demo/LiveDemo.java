package ai.avloc.cli.demo;

import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.alerts.AlertsApp;
import ai.avloc.alerts.AlertsMetrics;
import ai.avloc.alerts.delivery.AlertDelivery;
import ai.avloc.alerts.delivery.AlertSink;
import ai.avloc.alerts.delivery.MqttConfig;
import ai.avloc.alerts.delivery.WebhookConfig;
import ai.avloc.cli.LiveCameras;
import ai.avloc.dashboard.Dashboard;
import ai.avloc.dashboard.DashboardConfig;
import ai.avloc.infra.LocalKafka;
import ai.avloc.ingest.CameraSource;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.MediaFileSource;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.ingest.live.CameraFleet;
import ai.avloc.ingest.live.CameraStatusPublisher;
import ai.avloc.metrics.MetricsEndpoint;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.simulator.Scene;
import ai.avloc.stream.features.Localizations;
import ai.avloc.stream.job.JobConfig;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole product on one machine, every part real and in its own place: a Kafka broker and a
 * Flink session cluster in their own JVMs (infra/bin scripts), the localization job submitted to
 * it, the alerts app and a camera gateway in this JVM; localizations and alerts printed as they
 * land, and everything stopped again, by pid, on Ctrl-C or after --duration.
 */
public final class LiveDemo {
  static final String STREAM_ID = "demo-cam";

  /** The demo's array batch wait: one camera, so the shortest batch that still batches. */
  static final long DEMO_ARRAY_MAX_WAIT_MS = 100;

  static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  /**
   * What the live demo runs.
   *
   * @param root the checkout, whose infra scripts and job jar it uses
   * @param runDir logs, state and heatmaps of this run
   * @param scene the simulated camera's scene, unless {@code video} is given
   * @param video a media file to publish instead of a scene, or null
   * @param cameras live camera URLs to publish instead of a scene or a file, or empty
   * @param array the simulated camera's microphone array
   * @param rules the alert rules file
   * @param duration how long to run, or null until Ctrl-C
   * @param mono whether the job also runs the mono path with the shipped model
   * @param everyNth print every n-th localization
   * @param dashboardPort the dashboard's port (0 for a free one), or -1 for no dashboard
   * @param webhooks URLs that receive every alert's lifecycle events
   * @param mqtt an MQTT broker that receives Frigate-shaped events, or null
   * @param secure a secured broker ({@code kafka-start --secure}): every part runs as its own
   *     principal from its client config, the Flink cluster takes no jar uploads
   */
  public record Options(
      Path root,
      Path runDir,
      Path scene,
      Path video,
      List<String> cameras,
      String array,
      Path rules,
      Duration duration,
      boolean mono,
      int everyNth,
      int dashboardPort,
      List<String> webhooks,
      String mqtt,
      boolean secure) {}

  private final Options o;
  private final Deque<Step> started = new ArrayDeque<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final long t0 = System.nanoTime();

  /** Something started that must be stopped, newest first. */
  private record Step(String name, ThrowingRunnable stop) {}

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private final Topics topics = Topics.defaults();
  private String bootstrap;
  private LocalKafka kafka;
  private Path flinkDir;

  public LiveDemo(Options o) {
    this.o = o;
  }

  /** Starts every part, follows the topics until Ctrl-C or the duration, stops what it started. */
  public int run() throws Exception {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopping.set(true);
              try {
                finished.await(90, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Files.createDirectories(o.runDir());
      startKafka();
      startFlink();
      submitJob();
      startAlerts();
      startDashboard();
      startGateway();
      say("[7/7] live: localizations and alerts as they are committed (Ctrl-C stops everything)");
      follow();
      return 0;
    } finally {
      stopAll();
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for us
      }
    }
  }

  private void startKafka() throws Exception {
    say(
        "[1/7] Kafka broker (KRaft, own JVM)"
            + (o.secure() ? ": SASL_SSL, SCRAM-SHA-512, ACLs, a principal per part" : ""));
    Path dir = o.runDir().resolve("kafka");
    kafka = o.secure() ? LocalKafka.startSecure(o.root(), dir) : LocalKafka.start(o.root(), dir);
    started.push(new Step("Kafka", kafka::close));
    bootstrap = kafka.bootstrapServers();
    say("      " + as("admin"));
    // the topics are the admin's to create; no part of the pipeline may
    TopicAdmin.createMissing(as("admin"), TopicAdmin.standard(topics, 2));
    if (o.secure()) {
      say(
          "      client config: "
              + kafka.librdkafkaConfig("dashboard")
              + " (kcat -F; librdkafka 2.6.1+)");
      say("      client configs of every part: " + kafka.clientConfig("admin").getParent());
    }
  }

  /** How {@code user} (admin, gateway, job, alerts, dashboard) reaches the broker. */
  private KafkaConnection as(String user) {
    return kafka.secure()
        ? KafkaConnection.load(null, kafka.clientConfig(user))
        : KafkaConnection.plaintext(bootstrap);
  }

  private void startFlink() throws Exception {
    int restPort = LocalKafka.freePort();
    int rpcPort = LocalKafka.freePort();
    int metricsPort = LocalKafka.freePortPair();
    say("[2/7] Flink session cluster (JobManager + TaskManager JVMs)");
    flinkDir = o.runDir().resolve("flink");
    String jobClasspath = Files.readString(o.root().resolve("stream/target/job.classpath")).trim();
    List<String> start =
        new ArrayList<>(
            List.of(
                "infra/bin/flink-start",
                "--dir",
                flinkDir.toString(),
                "--rest-port",
                "" + restPort,
                "--rpc-port",
                "" + rpcPort,
                "--metrics-port",
                "" + metricsPort,
                "--slots",
                "2",
                "--classpath-extra",
                jobClasspath));
    if (o.secure()) {
      start.add("--production");
    }
    String rest = script(start.toArray(String[]::new));
    started.push(
        new Step("Flink", () -> script("infra/bin/flink-stop", "--dir", flinkDir.toString())));
    say("      web UI " + rest.trim());
    say(
        "      metrics: http://127.0.0.1:"
            + metricsPort
            + "/metrics (JobManager), http://127.0.0.1:"
            + (metricsPort + 1)
            + "/metrics (TaskManager: the job's operators)");
  }

  private void submitJob() throws Exception {
    say(
        "[3/7] localization job"
            + (o.mono()
                ? " (mono path with the U-VAE " + JobConfig.SHIPPED_MODEL + ", and array path)"
                : " (array path)"));
    List<String> submit =
        new ArrayList<>(
            List.of(
                "infra/bin/flink-submit",
                "--dir",
                flinkDir.toString(),
                "--jar",
                streamJar().toString(),
                "--class",
                "ai.avloc.stream.job.LocalizationJob",
                "--parallelism",
                "1",
                "--",
                "--bootstrap",
                bootstrap,
                "--checkpoint-ms",
                "1000",
                "--out-of-orderness-ms",
                "100",
                // one array camera sends 12 windows a second: a batch that waits the fleet
                // default's 500 ms for more cameras only adds latency (issue 16)
                "--array-max-wait-ms",
                String.valueOf(DEMO_ARRAY_MAX_WAIT_MS),
                "--checkpoint-dir",
                flinkDir.resolve("checkpoints").toUri().toString()));
    if (o.secure()) {
      // the job's principal and password stay in the file, read where main() runs
      submit.addAll(List.of("--client-config", kafka.clientConfig("job").toString()));
    }
    if (o.mono()) {
      Path model = Path.of(JobConfig.SHIPPED_MODEL).toAbsolutePath();
      if (!Files.isRegularFile(model.resolve("saved_model.pb"))) {
        throw new IllegalStateException(
            model + " holds no model; train one with ./avloc train, or run with --no-mono");
      }
      submit.addAll(List.of("--model", model.toString()));
    }
    String jobId = script(submit.toArray(String[]::new)).trim();
    started.push(
        new Step(
            "job", () -> script("infra/bin/flink-cancel", "--dir", flinkDir.toString(), jobId)));
    say("      job " + jobId);
  }

  private void startAlerts() throws IOException {
    say("[4/7] alerts app (Kafka Streams, exactly-once), rules from " + o.rules());
    AlertsApp alerts =
        AlertsApp.builder()
            .connection(as("alerts"))
            .applicationId("avloc-alerts-demo")
            .stateDir(o.runDir().resolve("alerts-state"))
            .rulesFile(o.rules())
            .build();
    alerts.start();
    started.push(new Step("alerts app", alerts::close));
    AlertsMetrics metrics = new AlertsMetrics(alerts);
    MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics::scrape);
    started.push(
        new Step(
            "alerts metrics",
            () -> {
              endpoint.close();
              metrics.close();
            }));
    say("      metrics: " + endpoint.url());
  }

  private void startDashboard() throws Exception {
    if (!o.webhooks().isEmpty() || o.mqtt() != null) {
      AlertDelivery.Builder delivery =
          AlertDelivery.builder().connection(as("alerts")).groupId("avloc-delivery-demo");
      o.webhooks().forEach(url -> delivery.webhook(WebhookConfig.of(url)));
      if (o.mqtt() != null) {
        delivery.mqtt(MqttConfig.of(o.mqtt()));
      }
      AlertDelivery sender = delivery.build();
      sender.start();
      started.push(new Step("alert delivery", sender::close));
      for (AlertSink sink : sender.sinks()) {
        say("      alerts delivered to " + sink.name());
      }
    }
    if (o.dashboardPort() < 0) {
      say("[5/7] dashboard: off");
      return;
    }
    say("[5/7] dashboard (web UI and JSON API)");
    int port = o.dashboardPort();
    if (port > 0 && !isFree(port)) {
      say("      port " + port + " is taken; using a free one");
      port = 0;
    }
    Dashboard dashboard =
        new Dashboard(DashboardConfig.local(as("dashboard")).withPort(port)).start();
    started.push(new Step("dashboard", dashboard::close));
    say("      dashboard: " + dashboard.url());
    MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, dashboard.metrics()::scrape);
    started.push(new Step("dashboard metrics", endpoint::close));
    say("      metrics: " + endpoint.url());
  }

  private static boolean isFree(int port) {
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private void startGateway() throws Exception {
    if (!o.cameras().isEmpty()) {
      startCameras();
      return;
    }
    say(
        "[6/7] gateway: "
            + (o.video() != null ? o.video() : o.scene() + ", array " + o.array())
            + ", real time, looping");
    KafkaCameraEvents events = new KafkaCameraEvents(as("gateway"), topics);
    CameraSource camera =
        o.video() != null
            ? new MediaFileSource(
                o.video(), STREAM_ID, Instant.now(), DecodeOptions.modelDefaults(), true)
            : new SceneCamera(
                Scene.parse(o.scene()),
                STREAM_ID,
                Instant.now(),
                null,
                SceneCamera.Options.defaults().withArray(o.array()).withLoop(true));
    Gateway gateway =
        new Gateway(List.of(camera), events, Gateway.Pace.REAL_TIME)
            .onProgress(
                Duration.ofSeconds(15),
                p ->
                    say(
                        String.format(
                            Locale.ROOT,
                            "      gateway: %.0f s of camera time published, %.2f s behind real time",
                            p.mediaSeconds(),
                            p.lagSeconds())));
    Thread publisher =
        new Thread(
            () -> {
              try {
                gateway.run();
              } catch (IOException e) {
                System.err.println("avloc demo: gateway stopped: " + e.getMessage());
              }
            },
            "gateway");
    publisher.start();
    started.push(
        new Step(
            "gateway",
            () -> {
              gateway.stop();
              publisher.join(10_000);
              gateway.close();
              events.close();
            }));
  }

  /** Real cameras: each on its own thread, reconnecting by itself, its status printed on change. */
  private void startCameras() {
    say("[6/7] gateway: " + o.cameras().size() + " live camera(s), reconnecting by themselves");
    KafkaCameraEvents events = new KafkaCameraEvents(as("gateway"), topics);
    CameraStatusPublisher status =
        CameraStatusPublisher.toKafka(as("gateway"), topics, CameraStatusPublisher.DEFAULT_PERIOD);
    CameraFleet fleet = new CameraFleet(events, status, DecodeOptions.modelDefaults());
    try {
      KafkaCameraEvents.createMissingTopics(as("gateway"), topics);
      LiveCameras.byId(o.cameras(), List.of())
          .forEach(
              (id, url) -> {
                say("      stream " + id + ": " + url.redacted());
                fleet.start(id, url);
              });
    } finally {
      started.push(
          new Step(
              "cameras",
              () -> {
                fleet.close();
                status.close();
                events.close();
              }));
    }
  }

  /** Prints localizations (every n-th window, and every one with a change) and every alert. */
  private void follow() {
    long end = o.duration() == null ? Long.MAX_VALUE : System.nanoTime() + o.duration().toNanos();
    boolean first = true;
    long shown = 0;
    Map<String, Localization> latest = new HashMap<>();
    long nextPicture = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    boolean pictured = false;
    Map<String, CameraState> cameraStates = new HashMap<>();
    // what is printed is read as the dashboard reads it
    KafkaConnection reader = as("dashboard");
    try (TopicReader<Localization> loc = TopicReader.on(reader).open(topics.localizations());
        TopicReader<Alert> alerts = TopicReader.on(reader).open(topics.alerts());
        TopicReader<CameraStatus> cameras =
            TopicReader.on(reader).readUncommitted().open(topics.cameraStatus())) {
      while (!stopping.get() && System.nanoTime() < end) {
        for (Localization l : loc.poll(Duration.ofMillis(100))) {
          if (first) {
            say(
                String.format(
                    Locale.ROOT,
                    "      first localization %.0f s after start",
                    (System.nanoTime() - t0) / 1e9));
            first = false;
          }
          if (shown++ % o.everyNth() == 0) {
            System.out.println(line(l));
          }
          if (l.getInferred()) {
            latest.put(l.getStreamId().toString(), l);
          }
        }
        if (System.nanoTime() > nextPicture && !latest.isEmpty()) {
          latest.values().forEach(this::picture);
          if (!pictured) {
            pictured = true;
            say(
                "      heatmaps of the latest windows, refreshed every 5 s: "
                    + o.runDir()
                    + "/latest-*.png");
          }
          nextPicture = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        }
        for (CameraStatus c : cameras.poll(Duration.ZERO)) {
          // a camera's state changes (connected, lost, back) as they happen; not its heartbeats
          if (cameraStates.put(c.getStreamId().toString(), c.getState()) != c.getState()) {
            say("      camera " + LiveCameras.line(c));
          }
        }
        for (Alert a : alerts.poll(Duration.ZERO)) {
          // START and END always; an ongoing alert once a second
          if (a.getState() != AlertState.UPDATE || (a.getWindow() - a.getStartWindow()) % 12 == 0) {
            System.out.println(line(a));
          }
        }
      }
    }
  }

  /** The window's map as a PNG heatmap with its peaks marked, over the last one of its stream. */
  private void picture(Localization l) {
    float[] map = Localizations.energy(l);
    if (map.length != l.getRows() * l.getCols()) {
      return;
    }
    List<Heatmap.Marker> peaks = new ArrayList<>();
    for (SourcePeak p : l.getPeaks()) {
      peaks.add(
          new Heatmap.Marker(
              p.getRow(),
              p.getCol(),
              String.format(Locale.ROOT, "%.1f", p.getContrast()),
              Color.WHITE));
    }
    String title =
        String.format(
            Locale.ROOT,
            "%s %s, window %s (%s)%s",
            l.getStreamId(),
            l.getMode(),
            CLOCK.format(l.getWindowStart()),
            l.getModelId(),
            l.getSilent() ? ", silent" : "");
    try {
      Heatmap.writePng(
          o.runDir().resolve("latest-" + l.getStreamId() + ".png"),
          map,
          l.getRows(),
          l.getCols(),
          Heatmap.Style.titled(
                  title, l.getMode().toString().equals("ARRAY") ? "band power" : "energy")
              .withMarkers(peaks));
    } catch (IOException e) {
      System.err.println("avloc demo: cannot write a heatmap: " + e.getMessage());
    }
  }

  static String line(Localization l) {
    String where = "silent";
    if (!l.getInferred()) {
      where = "not inferred";
    } else if (!l.getPeaks().isEmpty()) {
      SourcePeak p = l.getPeaks().get(0);
      where =
          String.format(
              Locale.ROOT,
              "peak u=%.2f v=%.2f (row %2d col %2d) value %.3g contrast %.3g",
              p.getPosition().getU(),
              p.getPosition().getV(),
              p.getRow(),
              p.getCol(),
              p.getValue(),
              p.getContrast());
    }
    long latency = l.getEmitTime().toEpochMilli() - l.getIngestTime().toEpochMilli();
    return String.format(
        Locale.ROOT,
        "%s  %-9s %-5s window %d  %s  (%d ms in the job)",
        CLOCK.format(l.getWindowStart()),
        l.getStreamId(),
        l.getMode(),
        l.getWindow(),
        where,
        latency);
  }

  static String line(Alert a) {
    String where =
        a.getWhere() == null
            ? ""
            : String.format(
                Locale.ROOT, " at u=%.2f v=%.2f", a.getWhere().getU(), a.getWhere().getV());
    return String.format(
        Locale.ROOT,
        "%s  ALERT %-6s %s on %s%s, contrast %.1f (peak %.1f)  [%s]",
        CLOCK.format(a.getTimestamp()),
        a.getState(),
        a.getRuleName(),
        a.getStreamId(),
        where,
        a.getContrast(),
        a.getPeakContrast(),
        a.getAlertId());
  }

  private void stopAll() {
    if (started.isEmpty()) {
      return;
    }
    say("stopping: " + String.join(", ", started.stream().map(Step::name).toList()));
    while (!started.isEmpty()) {
      Step s = started.pop();
      try {
        s.stop().run();
      } catch (Exception e) {
        System.err.println("avloc demo: stopping " + s.name() + ": " + e.getMessage());
      }
    }
    say("stopped; nothing left running. Logs: " + o.runDir());
  }

  private synchronized void say(String text) {
    System.out.printf(Locale.ROOT, "%6.1fs  %s%n", (System.nanoTime() - t0) / 1e9, text);
  }

  /** Runs an infra script; its stdout is returned, its stderr goes to ours. */
  private String script(String... command) throws IOException, InterruptedException {
    return LocalKafka.Scripts.run(o.root(), command);
  }

  private Path streamJar() throws IOException {
    try (var files = Files.list(o.root().resolve("stream/target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("avloc-stream-.*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IOException("stream/target holds no job jar; run mvn package"));
    }
  }
}
