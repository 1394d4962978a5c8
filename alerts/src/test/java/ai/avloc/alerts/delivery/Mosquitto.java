package ai.avloc.alerts.delivery;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker for the tests, a child process on a free port of 127.0.0.1, anonymous,
 * with its persistence file in a temporary folder (so a persistent subscriber's session and queued
 * messages survive a {@link #stop} and {@link #start}). Fails naming the Debian package when the
 * broker is not installed.
 */
final class Mosquitto implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/sbin/mosquitto");

  private final Path dir;
  private final int port;
  private Process process;

  Mosquitto(Path dir) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install the Debian package mosquitto (apt-get install mosquitto)");
    }
    this.dir = dir;
    try (ServerSocket probe = new ServerSocket(0)) {
      this.port = probe.getLocalPort();
    }
    Files.writeString(
        dir.resolve("mosquitto.conf"),
        String.join(
            "\n",
            "listener " + port + " 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            "persistence_location " + dir.toAbsolutePath() + File.separator,
            "log_dest stderr",
            ""));
  }

  /** Starts the broker and waits until it takes connections. */
  Mosquitto start() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "mosquitto exited with " + process.exitValue() + ": " + log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return this;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("mosquitto did not listen on " + port + " in 10 s: " + log());
  }

  /** Stops the broker (SIGTERM: it saves its persistence file first). */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("mosquitto.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
