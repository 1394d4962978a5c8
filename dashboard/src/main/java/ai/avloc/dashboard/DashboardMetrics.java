package ai.avloc.dashboard;

import ai.avloc.dashboard.live.LiveHub;
import ai.avloc.dashboard.state.AlertBook;
import ai.avloc.dashboard.state.Fleet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A dashboard's metrics in Prometheus' text format, as {@code avloc_dashboard_*}: open event
 * streams, HTTP requests by route and status, rule writes, records read and lag per followed topic,
 * alerts held for review, and per camera ({@code stream} label) the age of its last localization.
 * Served through {@link ai.avloc.metrics.MetricsEndpoint}; docs/operations.md lists the names.
 *
 * <p>Every label has few values: routes are a fixed set of classes ({@link #routeOf}), statuses are
 * HTTP's, topics are the dashboard's own, and the cameras are the fleet's, which forgets a camera
 * quiet for 10 minutes and holds at most 4096.
 */
public final class DashboardMetrics implements AutoCloseable {
  /** How a rule write ended: published, refused by validation, or not taken by the broker. */
  enum RuleWrite {
    OK,
    REFUSED,
    FAILED
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Fleet fleet;
  private final MultiGauge localizationAge;

  DashboardMetrics(LiveHub hub, Fleet fleet, AlertBook alerts) {
    this.fleet = fleet;
    Gauge.builder("avloc.dashboard.live.streams", hub, LiveHub::clients)
        .description("open event streams: browser tabs watching live")
        .register(registry);
    Gauge.builder("avloc.dashboard.cameras", fleet, Fleet::size)
        .description("cameras the dashboard follows")
        .register(registry);
    Gauge.builder("avloc.dashboard.alerts.held", alerts, AlertBook::size)
        .description("alerts held for review, active and ended")
        .register(registry);
    Gauge.builder("avloc.dashboard.alerts.active", alerts, AlertBook::activeCount)
        .description("alerts held for review that have not ended")
        .register(registry);
    localizationAge =
        MultiGauge.builder("avloc.dashboard.camera.localization.age")
            .description("time since the camera's last localization reached the dashboard")
            .baseUnit("seconds")
            .register(registry);
    for (RuleWrite w : RuleWrite.values()) {
      ruleWrites(w); // every outcome from the start, so a rate needs no first write
    }
  }

  /** Binds the followers' per-topic counts; called once they follow. */
  void follow(TopicFollower... followers) {
    for (TopicFollower f : followers) {
      for (String topic : f.topics()) {
        FunctionCounter.builder("avloc.dashboard.records.read", f, x -> x.recordsRead(topic))
            .description("records read from the topic, undecodable ones included")
            .tags("topic", topic)
            .register(registry);
        Gauge.builder("avloc.dashboard.consumer.lag", f, x -> x.lag(topic))
            .description("records of the topic the dashboard has not read yet")
            .tags("topic", topic)
            .baseUnit("records")
            .register(registry);
      }
    }
  }

  /** Counts a finished request. */
  void request(String path, int status) {
    Counter.builder("avloc.dashboard.http.requests")
        .description("HTTP requests answered, by route class and status")
        .tags("route", routeOf(path), "status", String.valueOf(status))
        .register(registry)
        .increment();
  }

  void ruleWrite(RuleWrite outcome) {
    ruleWrites(outcome).increment();
  }

  private Counter ruleWrites(RuleWrite outcome) {
    return Counter.builder("avloc.dashboard.rule.writes")
        .description("rule saves and deletes: published, refused by validation, failed")
        .tags("result", outcome.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry);
  }

  /**
   * The class of a request path, for the {@code route} label: one per part of the API ({@code
   * session}, {@code live}, {@code cameras}, {@code frame}, {@code alerts}, {@code snapshot},
   * {@code clip}, {@code rules}, {@code system}), {@code api} for other API paths and {@code page}
   * for the pages and their files. Never the path itself: ids would make a series each.
   */
  static String routeOf(String path) {
    if (!path.startsWith("/api/")) {
      return "page";
    }
    String[] parts = path.split("/");
    String first = parts.length > 2 ? parts[2] : "";
    return switch (first) {
      case "login", "logout", "session" -> "session";
      case "live", "rules", "system" -> first;
      case "cameras" -> path.endsWith("/frame.jpg") ? "frame" : "cameras";
      case "alerts" ->
          path.endsWith("/clip")
              ? "clip"
              : path.endsWith("/snapshot") || path.endsWith("/snapshot.jpg")
                  ? "snapshot"
                  : "alerts";
      default -> "api";
    };
  }

  /** Every metric now, in Prometheus' text format. */
  public String scrape() {
    localizationAge.register(
        fleet.localizationAgeSeconds().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("stream", e.getKey()), e.getValue()))
            .<MultiGauge.Row<?>>map(r -> r)
            .toList(),
        true);
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }
}
