package ai.avloc.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * Where a service serves its metrics for Prometheus: {@code --metrics-port}, {@code
 * --metrics-host}.
 */
final class MetricsOptions {
  @Option(
      names = "--metrics-port",
      defaultValue = "0",
      description = "serve Prometheus metrics at http://HOST:PORT/metrics (0: off)")
  int port;

  @Option(
      names = "--metrics-host",
      defaultValue = "127.0.0.1",
      description = "address of the metrics endpoint (0.0.0.0 for a scraper on another host)")
  String host;

  /** The endpoint's address, or null when metrics are off. */
  InetSocketAddress address() {
    return port > 0 ? new InetSocketAddress(host, port) : null;
  }
}
