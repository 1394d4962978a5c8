package ai.avloc.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Running infra/bin scripts from tests: free ports, a script's output, whether a port listens. */
final class Scripts {
  private Scripts() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Runs a command to its end and returns its output; fails the test unless it exits with 0. */
  static String run(String... command) throws Exception {
    Result r = exec(command);
    assertEquals(0, r.exitCode(), String.join(" ", command) + " said: " + r.output());
    return r.output();
  }

  /** Runs a command to its end, whatever its exit code. */
  static Result exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
    return new Result(p.exitValue(), out.strip());
  }

  record Result(int exitCode, String output) {}

  static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
