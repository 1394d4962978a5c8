package ai.avloc.cli;

import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.inventory.CameraSpec;
import ai.avloc.ingest.inventory.InventoryDiff;
import ai.avloc.ingest.inventory.InventoryException;
import ai.avloc.ingest.inventory.InventoryWatcher;
import ai.avloc.ingest.inventory.Shard;
import ai.avloc.ingest.live.CameraFleet;
import ai.avloc.ingest.live.CameraStatusPublisher;
import ai.avloc.ingest.live.CameraUrl;
import ai.avloc.ingest.live.FleetMetrics;
import ai.avloc.metrics.MetricsEndpoint;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topics;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's live mode: cameras given by URL and/or an inventory file, each on its own thread,
 * publishing until Ctrl-C or a wall-clock duration, with a status line per camera every few seconds
 * and the inventory's edits applied as they are saved.
 */
public final class LiveCameras {
  /** How often the inventory file is read for edits. */
  static final Duration INVENTORY_POLL = Duration.ofSeconds(2);

  /** How often the cameras' status is printed. */
  static final Duration STATUS_EVERY = Duration.ofSeconds(5);

  /**
   * What to run.
   *
   * @param urls cameras by URL, in order, with their stream ids
   * @param inventory a cameras.yaml, or null
   * @param shard which of the inventory's cameras this process runs
   * @param duration wall time to run, or null until Ctrl-C
   * @param metrics where to serve the cameras' metrics for Prometheus, or null for nowhere
   */
  record Plan(
      Map<String, CameraUrl> urls,
      Path inventory,
      Shard shard,
      DecodeOptions decode,
      Duration duration,
      InetSocketAddress metrics) {}

  private LiveCameras() {}

  static void run(KafkaConnection bootstrap, Topics topics, Plan plan, PrintWriter out)
      throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                finished.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "gateway-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    InventoryWatcher watcher = null;
    try (KafkaCameraEvents events = new KafkaCameraEvents(bootstrap, topics);
        CameraStatusPublisher status =
            CameraStatusPublisher.toKafka(bootstrap, topics, CameraStatusPublisher.DEFAULT_PERIOD);
        CameraFleet fleet = new CameraFleet(events, status, plan.decode());
        FleetMetrics metrics = plan.metrics() == null ? null : new FleetMetrics(fleet::statuses);
        MetricsEndpoint endpoint =
            metrics == null
                ? null
                : MetricsEndpoint.start(
                    plan.metrics().getHostString(), plan.metrics().getPort(), metrics::scrape)) {
      if (endpoint != null) {
        out.println("metrics: " + endpoint.url());
      }
      plan.urls()
          .forEach(
              (id, url) -> {
                out.printf(Locale.ROOT, "%s: live camera %s%n", id, url.redacted());
                fleet.start(id, url);
              });
      if (plan.inventory() != null) {
        watcher =
            new InventoryWatcher(
                plan.inventory(),
                INVENTORY_POLL,
                plan.shard()::runs,
                new InventoryWatcher.Listener() {
                  @Override
                  public void changed(InventoryDiff diff) {
                    out.printf(
                        Locale.ROOT,
                        "inventory %s changed: +%s -%s ~%s%n",
                        plan.inventory(),
                        ids(diff.added()),
                        ids(diff.removed()),
                        ids(diff.changed()));
                    out.flush();
                    fleet.apply(diff);
                  }

                  @Override
                  public void rejected(InventoryException e) {
                    out.println(
                        "inventory edit refused, the cameras run on as before: " + e.getMessage());
                    out.flush();
                  }
                });
        List<CameraSpec> cameras = watcher.current();
        out.printf(
            Locale.ROOT,
            "inventory %s: %d camera(s) for shard %d/%d%n",
            plan.inventory(),
            cameras.size(),
            plan.shard().index(),
            plan.shard().count());
        for (CameraSpec c : cameras) {
          out.printf(
              Locale.ROOT,
              "%s: %s %s%n",
              c.id(),
              c.isArray() ? "array " + c.array().geometryId() : "live camera",
              // an array may read a sound server (pulse:NAME), which is no camera URL
              CameraUrl.shown(c.substream() != null ? c.substream() : c.url()));
          if (!fleet.startOrLog(c)) {
            out.println(c.id() + ": not started (see the log); the other cameras run");
          }
        }
        watcher.start();
      }
      out.printf(
          Locale.ROOT,
          "publishing to %s (%s*)%s; Ctrl-C stops%n",
          bootstrap,
          topics.frames().name().replaceFirst("frames$", ""),
          plan.duration() == null ? "" : " for " + DurationConverter.format(plan.duration()));
      out.flush();
      long end =
          plan.duration() == null ? Long.MAX_VALUE : System.nanoTime() + plan.duration().toNanos();
      while (true) {
        long left = Math.min(STATUS_EVERY.toNanos(), end - System.nanoTime());
        if (left <= 0 || stop.await(left, TimeUnit.NANOSECONDS)) {
          break;
        }
        for (CameraStatus s : fleet.statuses()) {
          out.println("  " + line(s));
        }
        out.flush();
        if (events.refused() != null) {
          // a credential or ACL the broker refuses: no reconnect can help, so stop and say why
          throw events.refused();
        }
      }
      if (watcher != null) {
        watcher.close();
      }
      out.println("stopping " + fleet.ids().size() + " camera(s)");
      out.flush();
    } finally {
      if (watcher != null) {
        watcher.close();
      }
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook waits for the producers' flush above
      }
    }
  }

  /** One camera's status as a line: state, rates, audio, reconnects, the last problem. */
  public static String line(CameraStatus s) {
    String audio =
        !s.getAudioPresent()
            ? "no audio"
            : s.getAudioLevelDbfs() == null
                ? "audio"
                : String.format(Locale.ROOT, "audio %.1f dBFS", s.getAudioLevelDbfs());
    return String.format(
        Locale.ROOT,
        "%s %s: %.1f fps in, %.1f out, %s, %d reconnect(s)%s%s",
        s.getStreamId(),
        s.getState(),
        s.getFpsIn(),
        s.getFpsOut(),
        audio,
        s.getReconnects(),
        s.getGapSeconds() > 0
            ? String.format(Locale.ROOT, ", last gap %.1f s", s.getGapSeconds())
            : "",
        s.getLastError() == null ? "" : "; last problem: " + s.getLastError());
  }

  private static List<String> ids(List<CameraSpec> specs) {
    List<String> ids = new ArrayList<>();
    specs.forEach(c -> ids.add(c.id()));
    return ids;
  }

  /** Stream ids for cameras given by URL: the given ids in order, else derived, made unique. */
  public static Map<String, CameraUrl> byId(List<String> urls, List<String> givenIds) {
    Map<String, CameraUrl> cameras = new LinkedHashMap<>();
    for (int i = 0; i < urls.size(); i++) {
      CameraUrl url = CameraUrl.parse(urls.get(i));
      String id = i < givenIds.size() ? givenIds.get(i) : url.defaultStreamId();
      String unique = id;
      for (int n = 2; cameras.containsKey(unique); n++) {
        unique = id + "-" + n;
      }
      cameras.put(unique, url);
    }
    return cameras;
  }
}
