package ai.avloc.cli;

import ai.avloc.dashboard.Dashboard;
import ai.avloc.dashboard.DashboardConfig;
import ai.avloc.dashboard.access.PasswordHash;
import ai.avloc.metrics.MetricsEndpoint;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topics;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    subcommands = DashboardCommand.HashPassword.class,
    description = {
      "Serves the dashboard (live grid, camera views with zones, alert review, system page) and",
      "its JSON API until Ctrl-C; prints the address to open, with the access token.",
      "See docs/dashboard.md."
    })
final class DashboardCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX)
  String prefix;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only)")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "port (default: ${DEFAULT-VALUE}; 0 takes a free one)")
  int port;

  @Option(
      names = "--token-env",
      description = "environment variable holding the access token (default: a random one)")
  String tokenEnv;

  @Option(
      names = "--users",
      description = "YAML file of users with roles and password hashes (docs/dashboard.md)")
  Path users;

  @Option(names = "--tls-keystore", description = "PKCS#12 key and certificate: serve HTTPS")
  Path tlsKeystore;

  @Option(names = "--tls-password-env", description = "environment variable with its password")
  String tlsPasswordEnv;

  @Option(
      names = "--alerts-since",
      defaultValue = "24h",
      converter = DurationConverter.class,
      description = "how far back the alert review starts (default: ${DEFAULT-VALUE})")
  Duration alertsSince;

  @Override
  public Integer call() throws Exception {
    KafkaConnection connection = kafka.connection();
    DashboardConfig local = DashboardConfig.local(connection);
    DashboardConfig config =
        new DashboardConfig(
            connection,
            prefix,
            bind,
            port,
            tokenEnv == null ? null : env(tokenEnv, "--token-env"),
            users,
            tlsKeystore,
            tlsPasswordEnv == null ? null : env(tlsPasswordEnv, "--tls-password-env"),
            alertsSince,
            local.alertCapacity(),
            local.maxBodyBytes(),
            local.stallLimit());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "dashboard-shutdown"));
    try (Dashboard dashboard = new Dashboard(config).start()) {
      System.out.println("dashboard: " + dashboard.url());
      InetSocketAddress address = metrics.address();
      if (address == null) {
        System.out.println("reading " + prefix + "* on " + connection + "; Ctrl-C stops it");
        stopped.await();
      } else {
        try (MetricsEndpoint endpoint =
            MetricsEndpoint.start(
                address.getHostString(), address.getPort(), dashboard.metrics()::scrape)) {
          System.out.println("metrics: " + endpoint.url());
          System.out.println("reading " + prefix + "* on " + connection + "; Ctrl-C stops it");
          stopped.await();
        }
      }
    }
    return 0;
  }

  private static String env(String name, String option) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          option + ": the environment variable " + name + " is not set");
    }
    return value;
  }

  @Command(
      name = "hash-password",
      mixinStandardHelpOptions = true,
      description = {
        "Reads a password (from the terminal without echo, else one line of standard input) and",
        "prints its PBKDF2-SHA256 hash for the users file."
      })
  static final class HashPassword implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      char[] password;
      Console console = System.console();
      if (console != null) {
        password = console.readPassword("password: ");
      } else {
        String line =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? new char[0] : line.toCharArray();
      }
      if (password == null || password.length < 8) {
        System.err.println("avloc dashboard hash-password: use at least 8 characters");
        return 2;
      }
      System.out.println(PasswordHash.hash(password));
      return 0;
    }
  }
}
