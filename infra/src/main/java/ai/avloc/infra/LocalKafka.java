package ai.avloc.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real local Kafka cluster, each node (broker and KRaft controller) in its own JVM, started and
 * stopped through {@code infra/bin/kafka-start} and {@code kafka-stop} on free loopback ports: what
 * the demo and the stream bench run on, so the brokers' CPU and memory are not counted as the
 * caller's. A cluster of three or more gives new topics replication factor 3 and {@code
 * min.insync.replicas} 2, so tests can stop, kill and restart single nodes by id (1 to n).
 */
public final class LocalKafka implements AutoCloseable {
  private final Path root;
  private final Path dir;
  private final int brokers;
  private final String bootstrap;
  private final boolean secure;

  private LocalKafka(Path root, Path dir, int brokers, String bootstrap, boolean secure) {
    this.root = root;
    this.dir = dir;
    this.brokers = brokers;
    this.bootstrap = bootstrap;
    this.secure = secure;
  }

  /**
   * Starts one broker whose data, log and pid live in {@code dir}; {@code root} is the checkout.
   */
  public static LocalKafka start(Path root, Path dir) throws IOException, InterruptedException {
    return start(root, dir, 1);
  }

  /** Starts a cluster of {@code brokers} nodes, ids 1 to {@code brokers}, living in {@code dir}. */
  public static LocalKafka start(Path root, Path dir, int brokers)
      throws IOException, InterruptedException {
    return start(root, dir, brokers, false);
  }

  /**
   * Starts one secured broker ({@code kafka-start --secure}): SASL_SSL with SCRAM-SHA-512, ACLs
   * required, one principal per component whose client config {@link #clientConfig} names.
   */
  public static LocalKafka startSecure(Path root, Path dir)
      throws IOException, InterruptedException {
    return start(root, dir, 1, true);
  }

  private static LocalKafka start(Path root, Path dir, int brokers, boolean secure)
      throws IOException, InterruptedException {
    if (brokers < 1) {
      throw new IllegalArgumentException("a cluster needs at least one broker, got " + brokers);
    }
    List<String> ports = new ArrayList<>();
    List<String> controllerPorts = new ArrayList<>();
    for (int n = 0; n < brokers; n++) {
      ports.add("" + freePort());
      controllerPorts.add("" + freePort());
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                "infra/bin/kafka-start",
                "--brokers",
                "" + brokers,
                "--port",
                String.join(",", ports),
                "--controller-port",
                String.join(",", controllerPorts),
                "--dir",
                dir.toString()));
    if (secure) {
      command.add("--secure");
    }
    String bootstrap = Scripts.run(root, command.toArray(String[]::new)).strip();
    return new LocalKafka(root, dir, brokers, bootstrap, secure);
  }

  /**
   * A secured cluster's client config for one principal ({@code admin}, or a {@link
   * KafkaAccessControl.Component}'s user): bootstrap, SASL_SSL, SCRAM credential and the CA.
   */
  public Path clientConfig(String user) {
    if (!secure) {
      throw new IllegalStateException("a plaintext cluster has no client configs");
    }
    return dir.resolve("security").resolve(user + ".properties");
  }

  /**
   * Gives {@code user} (gateway, job, alerts or dashboard) a new password and rewrites its client
   * configs ({@code infra/bin/kafka-rotate}).
   */
  public void rotatePassword(String user) throws IOException, InterruptedException {
    clientConfig(user);
    Scripts.run(root, "infra/bin/kafka-rotate", "--dir", dir.toString(), "--user", user);
  }

  /** The same principal's config for kcat and other librdkafka tools. */
  public Path librdkafkaConfig(String user) {
    return clientConfig(user).resolveSibling(user + ".librdkafka.conf");
  }

  /** Whether clients need SASL_SSL and a principal ({@link #startSecure}). */
  public boolean secure() {
    return secure;
  }

  /** Every node's address, comma-separated. */
  public String bootstrapServers() {
    return bootstrap;
  }

  public int brokers() {
    return brokers;
  }

  /** Stops node {@code node} cleanly (SIGTERM), keeping its data and ports for a restart. */
  public void stopBroker(int node) throws IOException, InterruptedException {
    Scripts.run(root, "infra/bin/kafka-stop", "--dir", dir.toString(), "--node", node(node));
  }

  /** Kills node {@code node} (SIGKILL, as a crash or a pulled plug), keeping its data and ports. */
  public void killBroker(int node) throws IOException, InterruptedException {
    Scripts.run(
        root, "infra/bin/kafka-stop", "--dir", dir.toString(), "--node", node(node), "--kill");
  }

  /** Starts a stopped or killed node again on its own data and ports; returns once it listens. */
  public void restartBroker(int node) throws IOException, InterruptedException {
    Scripts.run(root, "infra/bin/kafka-start", "--dir", dir.toString(), "--node", node(node));
  }

  /**
   * Creates topics with the given partitions and the cluster's default replication (1 on one
   * broker, 3 on three or more), waiting until they exist.
   */
  public void createTopics(int partitions, String... names) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<NewTopic> topics =
          Arrays.stream(names)
              .map(n -> new NewTopic(n, Optional.of(partitions), Optional.empty()))
              .toList();
      admin.createTopics(topics).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics " + List.of(names) + ": " + e.getCause(), e);
    }
  }

  /** Stops every node by its pid and deletes the cluster's folder. */
  @Override
  public void close() throws IOException, InterruptedException {
    Scripts.run(root, "infra/bin/kafka-stop", "--dir", dir.toString());
  }

  private String node(int node) {
    if (node < 1 || node > brokers) {
      throw new IllegalArgumentException(
          "no node " + node + " in a cluster of " + brokers + " (ids 1 to " + brokers + ")");
    }
    return "" + node;
  }

  /** A port nobody listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * A free port whose successor is free too, for flink-start's metrics (the JobManager's on the
   * port, the TaskManager's on the next).
   */
  public static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = freePort();
      if (port + 1 < 65535) {
        try (ServerSocket next = new ServerSocket(port + 1)) {
          return port;
        } catch (IOException taken) {
          // its successor is in use: another pair
        }
      }
    }
    throw new IOException("found no two free ports in a row in 50 tries");
  }

  /** The infra/bin scripts, run from the checkout; their stderr goes to ours. */
  public static final class Scripts {
    private Scripts() {}

    /** Runs {@code command} in {@code root} and returns its standard output. */
    public static String run(Path root, String... command)
        throws IOException, InterruptedException {
      ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(command[0] + " failed (exit " + p.exitValue() + ")");
      }
      return out;
    }
  }
}
