package ai.avloc.alerts;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * A started alerts app's metrics in Prometheus' text format: its own counters as {@code
 * avloc_alerts_*} (what it processed, skipped and refused, the alerts it raised, broker outages)
 * and Kafka Streams' client metrics as {@code kafka_*} (consumer lag, process rates, commit
 * latency), which Micrometer reads from the running {@code KafkaStreams}. Scraped through a {@link
 * ai.avloc.metrics.MetricsEndpoint}; docs/operations.md lists the names.
 */
public final class AlertsMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final KafkaStreamsMetrics kafka;

  /** Binds to {@code app}, which must have been started. */
  public AlertsMetrics(AlertsApp app) {
    AlertCounters c = app.counters();
    counter(
        "localizations",
        "localizations processed, out-of-order ones included",
        c,
        AlertCounters::localizations);
    counter(
        "out.of.order",
        "localizations ignored: not after their lane's last window",
        c,
        AlertCounters::outOfOrder);
    counter(
        "bad.records",
        "undecodable records on the localization or rules topic",
        c,
        AlertCounters::badRecords);
    counter("invalid.rules", "rule versions refused by validation", c, AlertCounters::invalidRules);
    counter("alerts", "alert records emitted (START, UPDATE and END)", c, AlertCounters::alerts);
    counter(
        "forgotten.lanes",
        "stream lanes forgotten after sending nothing",
        c,
        AlertCounters::forgottenLanes);
    counter("dead.letters", "dead letters written", c, AlertCounters::deadLetters);
    counter(
        "processing.errors",
        "localizations whose processing threw",
        c,
        AlertCounters::processingErrors);
    counter(
        "unsent.records",
        "records the app could not send and skipped",
        c,
        AlertCounters::unsentRecords);
    counter(
        "replaced.threads",
        "stream threads replaced after an unexpected error",
        c,
        AlertCounters::replacedThreads);
    counter(
        "broker.outages",
        "times the app lost every connection to the broker",
        c,
        AlertCounters::brokerOutages);
    Gauge.builder("avloc.alerts.broker.down", c, x -> x.brokerDownSince.get() > 0 ? 1 : 0)
        .description("1 while the broker is unreachable")
        .register(registry);
    kafka = new KafkaStreamsMetrics(app.streams());
    kafka.bindTo(registry);
  }

  private void counter(
      String name, String description, AlertCounters c, ToDoubleFunction<AlertCounters> value) {
    FunctionCounter.builder("avloc.alerts." + name, c, value)
        .description(description)
        .register(registry);
  }

  /** Every metric now, in Prometheus' text format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    kafka.close();
    registry.close();
  }
}
