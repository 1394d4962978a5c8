package ai.avloc.cli;

import ai.avloc.alerts.AlertsApp;
import ai.avloc.alerts.AlertsMetrics;
import ai.avloc.metrics.MetricsEndpoint;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the alerts app (Kafka Streams, exactly-once) until Ctrl-C: localizations in, alerts out.",
      "--rules publishes a YAML rules file to the compacted rules topic first; a running app picks",
      "up rule changes on that topic without a restart. Prints its counters every --every."
    })
final class AlertsCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX)
  String prefix;

  @Option(names = "--rules", description = "YAML rules file to publish on start")
  Path rules;

  @Option(names = "--app-id", defaultValue = "avloc-alerts", description = "application id")
  String applicationId;

  @Option(
      names = "--state-dir",
      defaultValue = "runs/alerts-state",
      description = "local state (default: ${DEFAULT-VALUE})")
  Path stateDir;

  @Option(names = "--every", defaultValue = "10s", description = "counter print interval")
  Duration every;

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Override
  public Integer call() throws Exception {
    KafkaConnection connection = kafka.connection();
    for (String created :
        TopicAdmin.createMissing(connection, TopicAdmin.standard(Topics.withPrefix(prefix), 4))) {
      System.out.println("created topic " + created);
    }
    AlertsApp.Builder builder =
        AlertsApp.builder()
            .connection(connection)
            .applicationId(applicationId)
            .stateDir(stateDir)
            .topicPrefix(prefix);
    if (rules != null) {
      builder.rulesFile(rules);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (AlertsApp app = builder.build()) {
      Thread hook = new Thread(stopped::countDown, "alerts-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      app.start();
      if (!app.awaitRunning(Duration.ofSeconds(60))) {
        throw new IllegalStateException(
            "the alerts app did not start within 60 s: "
                + app.failure().map(Throwable::getMessage).orElse("state " + app.state()));
      }
      System.out.println("alerts app running on " + connection + "; Ctrl-C stops it");
      InetSocketAddress address = metrics.address();
      if (address == null) {
        waitForStop(app, stopped);
      } else {
        try (AlertsMetrics scraped = new AlertsMetrics(app);
            MetricsEndpoint endpoint =
                MetricsEndpoint.start(
                    address.getHostString(), address.getPort(), scraped::scrape)) {
          System.out.println("metrics: " + endpoint.url());
          waitForStop(app, stopped);
        }
      }
    }
    return 0;
  }

  /** Prints the counters every {@code every} until Ctrl-C; a failed app ends it with an error. */
  private void waitForStop(AlertsApp app, CountDownLatch stopped) throws InterruptedException {
    while (!stopped.await(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      if (app.failure().isPresent()) {
        throw new IllegalStateException("alerts app failed: " + app.failure().get().getMessage());
      }
      System.out.println(app.counters());
    }
  }
}
