package ai.avloc.ingest.live;

import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A gateway's cameras as Prometheus series, one per camera ({@code stream} label) and per quantity,
 * read from their statuses at every scrape: connected or not, frames per second in and out, audio
 * level, reconnects, the last outage's length, dropped events and re-anchors, and how many cameras
 * the gateway runs. A camera the gateway stops leaves the next scrape. Served through {@link
 * ai.avloc.metrics.MetricsEndpoint}; docs/operations.md lists the names.
 */
public final class FleetMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Supplier<List<CameraStatus>> statuses;
  private final List<PerCamera> perCamera;

  /** One per-camera quantity: its gauge and how a status gives its value (NaN: none). */
  private record PerCamera(MultiGauge gauge, ToDoubleFunction<CameraStatus> value) {}

  /**
   * @param statuses the gateway's cameras now ({@code CameraFleet::statuses})
   */
  public FleetMetrics(Supplier<List<CameraStatus>> statuses) {
    this.statuses = statuses;
    this.perCamera =
        List.of(
            camera(
                "connected",
                "1 while the camera sends media (CONNECTED), else 0",
                null,
                s -> s.getState() == CameraState.CONNECTED ? 1 : 0),
            camera(
                "fps.in",
                "video frames per second decoded from the camera",
                null,
                s -> s.getFpsIn()),
            camera("fps.out", "video frames per second published", null, s -> s.getFpsOut()),
            camera(
                "audio.level",
                "RMS level of the published audio",
                "dbfs",
                s -> s.getAudioLevelDbfs() == null ? Double.NaN : s.getAudioLevelDbfs()),
            camera(
                "reconnects", "connections made after the first one", null, s -> s.getReconnects()),
            camera("gap", "length of the last outage", "seconds", s -> s.getGapSeconds()),
            camera(
                "dropped.events",
                "events not published: their time was not after the last",
                null,
                s -> s.getDroppedEvents()),
            camera(
                "reanchors",
                "times the stream's timestamps were re-anchored to the wall clock",
                null,
                s -> s.getReanchors()));
    Gauge.builder("avloc.gateway.cameras", this, m -> m.statuses.get().size())
        .description("cameras this gateway runs")
        .register(registry);
  }

  private PerCamera camera(
      String name, String description, String unit, ToDoubleFunction<CameraStatus> value) {
    MultiGauge gauge =
        MultiGauge.builder("avloc.gateway.camera." + name)
            .description(description)
            .baseUnit(unit)
            .register(registry);
    return new PerCamera(gauge, value);
  }

  /** Every camera's series now, in Prometheus' text format. */
  public String scrape() {
    List<CameraStatus> now = statuses.get();
    for (PerCamera p : perCamera) {
      p.gauge()
          .register(
              now.stream()
                  .map(
                      s -> {
                        double v = p.value().applyAsDouble(s);
                        return MultiGauge.Row.of(Tags.of("stream", s.getStreamId().toString()), v);
                      })
                  .map(r -> (MultiGauge.Row<?>) r)
                  .toList(),
              true);
    }
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }
}
