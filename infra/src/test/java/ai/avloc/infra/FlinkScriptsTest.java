package ai.avloc.infra;

import static ai.avloc.infra.Scripts.exec;
import static ai.avloc.infra.Scripts.freePort;
import static ai.avloc.infra.Scripts.listening;
import static ai.avloc.infra.Scripts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/flink-start, flink-submit, flink-cancel and flink-stop: a session cluster in two JVMs runs a
 * job from a jar it has never seen, cancels another, then stops without leaving a process or port.
 */
class FlinkScriptsTest {
  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldRunAndCancelJobsOnAClusterAndStopItLeavingNothingBehind() throws Exception {
    int restPort = freePort();
    int rpcPort = freePort();
    Path dir = tmp.resolve("flink");
    String started =
        run(
            "bin/flink-start",
            "--dir",
            dir.toString(),
            "--rest-port",
            "" + restPort,
            "--rpc-port",
            "" + rpcPort,
            "--slots",
            "3");
    long jobManager = pid(dir, "jobmanager");
    long taskManager = pid(dir, "taskmanager");
    try {
      String rest = "http://127.0.0.1:" + restPort;
      assertEquals(rest, lastLine(started));
      String overview = get(rest + "/overview");
      assertEquals(1, number(overview, "taskmanagers"), overview);
      assertEquals(3, number(overview, "slots-total"), overview);
      assertEquals(3, number(overview, "slots-available"), overview);

      Path jar = jobJar();
      Path result = tmp.resolve("sum.txt");
      String sumJob = submit(dir, jar, result.toString(), "1000");
      assertEquals("FINISHED", awaitState(rest, sumJob, "FINISHED"));
      assertEquals("500500", Files.readString(result));

      String endless = submit(dir, jar, tmp.resolve("never.txt").toString(), "forever");
      assertEquals("RUNNING", awaitState(rest, endless, "RUNNING"));
      run("bin/flink-cancel", "--dir", dir.toString(), endless);
      assertEquals("CANCELED", state(rest, endless));
      assertFalse(Files.exists(tmp.resolve("never.txt")), "a canceled job writes no sum");
    } finally {
      // Without its pid file, flink-stop must still find the TaskManager by its conf dir.
      Files.deleteIfExists(dir.resolve("taskmanager.pid"));
      run("bin/flink-stop", "--dir", dir.toString());
    }
    assertFalse(alive(taskManager), "TaskManager " + taskManager + " is gone");
    assertFalse(alive(jobManager), "JobManager " + jobManager + " is gone");
    assertFalse(listening(restPort), "REST port " + restPort + " is free again");
    assertFalse(listening(rpcPort), "RPC port " + rpcPort + " is free again");
    assertFalse(Files.exists(dir.resolve("jobmanager.pid")), "pid file removed");
    assertTrue(Files.exists(dir.resolve("log/jobmanager.log")), "logs kept");
  }

  @Test
  void shouldRefuseAPortInUseWithoutStartingAnything() throws Exception {
    Path dir = tmp.resolve("flink");
    try (ServerSocket taken = new ServerSocket(0)) {
      Scripts.Result r =
          exec(
              "bin/flink-start",
              "--dir",
              dir.toString(),
              "--rest-port",
              "" + taken.getLocalPort(),
              "--rpc-port",
              "" + freePort());
      assertNotEquals(0, r.exitCode());
      assertTrue(r.output().contains("port " + taken.getLocalPort() + " is in use"), r.output());
    }
    assertFalse(Files.exists(dir.resolve("jobmanager.pid")), "nothing started");
  }

  private static String submit(Path dir, Path jar, String... jobArgs) throws Exception {
    List<String> command =
        Stream.concat(
                Stream.of(
                    "bin/flink-submit", "--dir", dir.toString(), "--jar", jar.toString(), "--"),
                Stream.of(jobArgs))
            .toList();
    String jobId = lastLine(run(command.toArray(String[]::new)));
    assertTrue(jobId.matches("[0-9a-f]{32}"), "a JobID: " + jobId);
    return jobId;
  }

  /** A jar of SumJob's classes alone: the cluster's classpath does not hold the test classes. */
  private Path jobJar() throws Exception {
    Path classes =
        Path.of(SumJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String pkg = SumJob.class.getPackageName().replace('.', '/');
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, SumJob.class.getName());
    Path jar = tmp.resolve("sum-job.jar");
    int entries = 0;
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.list(classes.resolve(pkg))) {
      for (Path c : files.filter(p -> p.getFileName().toString().startsWith("SumJob")).toList()) {
        out.putNextEntry(new JarEntry(pkg + "/" + c.getFileName()));
        out.write(Files.readAllBytes(c));
        out.closeEntry();
        entries++;
      }
    }
    assertTrue(entries >= 2, "SumJob and its sink in the jar");
    return jar;
  }

  private String awaitState(String rest, String jobId, String wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = state(rest, jobId);
      if (state.equals(wanted)) {
        return state;
      }
      if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
        fail("job " + jobId + " ended " + state + ", expected " + wanted);
      }
      Thread.sleep(200);
    }
    return state;
  }

  private String state(String rest, String jobId) throws Exception {
    Matcher m = Pattern.compile("\"state\":\"(\\w+)\"").matcher(get(rest + "/jobs/" + jobId));
    assertTrue(m.find(), "job " + jobId + " has a state");
    return m.group(1);
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + " said: " + r.body());
    return r.body();
  }

  private static int number(String json, String field) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\":(\\d+)").matcher(json);
    assertTrue(m.find(), field + " in " + json);
    return Integer.parseInt(m.group(1));
  }

  private static long pid(Path dir, String name) throws Exception {
    return Long.parseLong(Files.readString(dir.resolve(name + ".pid")).strip());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static String lastLine(String output) {
    String[] lines = output.split("\n");
    return lines[lines.length - 1].strip();
  }
}
