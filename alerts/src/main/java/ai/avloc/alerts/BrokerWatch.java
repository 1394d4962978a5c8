package ai.avloc.alerts;

import java.time.Duration;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the log when the app loses the broker and when it has it back: one line each, from the
 * clients' own connection counts, which fall to 0 when every broker connection is gone. The clients
 * keep retrying meanwhile; this only reports.
 */
final class BrokerWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);

  /** How often the connection counts are read. */
  static final Duration PERIOD = Duration.ofSeconds(1);

  /** Consecutive reads without a connection before the outage is reported (ignores blips). */
  static final int DOWN_AFTER = 3;

  private final KafkaStreams streams;
  private final AlertCounters counters;
  private final String bootstrapServers;
  private final Thread thread;
  private volatile boolean running = true;

  BrokerWatch(KafkaStreams streams, AlertCounters counters, String bootstrapServers) {
    this.streams = streams;
    this.counters = counters;
    this.bootstrapServers = bootstrapServers;
    this.thread = new Thread(this::watch, "avloc-alerts-broker-watch");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void watch() {
    int unconnected = 0;
    long downSince = 0;
    while (running) {
      try {
        Thread.sleep(PERIOD.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      KafkaStreams.State state = streams.state();
      if (!state.isRunningOrRebalancing()) {
        unconnected = 0;
        continue;
      }
      if (connections() > 0) {
        if (downSince != 0) {
          LOG.info(
              "broker {} reachable again after {} s; alerts resume from the last commit",
              bootstrapServers,
              (System.currentTimeMillis() - downSince) / 1000);
          downSince = 0;
          counters.brokerBackAt.set(System.currentTimeMillis());
          counters.brokerDownSince.set(0);
        }
        unconnected = 0;
      } else if (++unconnected == DOWN_AFTER) {
        downSince = System.currentTimeMillis() - (DOWN_AFTER - 1) * PERIOD.toMillis();
        counters.brokerDownSince.set(downSince);
        counters.brokerOutages.incrementAndGet();
        LOG.warn(
            "lost the broker {}: no connection for {} s; retrying until it is back (no alerts"
                + " meanwhile, none lost)",
            bootstrapServers,
            DOWN_AFTER * PERIOD.toSeconds());
      }
    }
  }

  /**
   * Open broker connections of the app's clients that are in use. The restore consumers are left
   * out: polled only while a store restores, they keep counting the connections they had when they
   * went idle, through an outage and after it.
   */
  private double connections() {
    double total = 0;
    for (Metric metric : streams.metrics().values()) {
      String client = metric.metricName().tags().getOrDefault("client-id", "");
      if (metric.metricName().name().equals("connection-count")
          && !client.endsWith("-restore-consumer")
          && metric.metricValue() instanceof Number n) {
        total += n.doubleValue();
      }
    }
    return total;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
