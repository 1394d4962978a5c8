/**
 * The scrape endpoint avloc's own services share ({@link ai.avloc.metrics.MetricsEndpoint}): the
 * gateway, the alerts app and the dashboard serve their metrics in Prometheus' text format on a
 * port of their own; the Flink job's go through Flink's Prometheus reporter instead
 * (docs/operations.md).
 */
package ai.avloc.metrics;
