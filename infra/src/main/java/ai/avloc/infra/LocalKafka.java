package ai.avloc.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Kafka broker in its own JVM, started and stopped through {@code infra/bin/kafka-start} and
 * {@code kafka-stop} on free loopback ports: what the demo and the stream bench run on, so the
 * broker's CPU and memory are not counted as the caller's.
 */
public final class LocalKafka implements AutoCloseable {
  private final Path root;
  private final Path dir;
  private final String bootstrap;

  private LocalKafka(Path root, Path dir, String bootstrap) {
    this.root = root;
    this.dir = dir;
    this.bootstrap = bootstrap;
  }

  /** Starts a broker whose data, log and pid live in {@code dir}; {@code root} is the checkout. */
  public static LocalKafka start(Path root, Path dir) throws IOException, InterruptedException {
    int port = freePort();
    int controllerPort = freePort();
    Scripts.run(
        root,
        "infra/bin/kafka-start",
        "--port",
        "" + port,
        "--controller-port",
        "" + controllerPort,
        "--dir",
        dir.toString());
    return new LocalKafka(root, dir, "127.0.0.1:" + port);
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  /** Creates topics with the given partitions, replication 1, waiting until they exist. */
  public void createTopics(int partitions, String... names) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<NewTopic> topics =
          Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
      admin.createTopics(topics).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics " + List.of(names) + ": " + e.getCause(), e);
    }
  }

  /** Stops the broker by its pid and deletes its folder. */
  @Override
  public void close() throws IOException, InterruptedException {
    Scripts.run(root, "infra/bin/kafka-stop", "--dir", dir.toString());
  }

  /** A port nobody listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
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
