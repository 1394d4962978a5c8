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
 * bin/flink-start, flink-submit, flink-cancel, flink-savepoint and flink-stop: a session cluster in
 * two JVMs runs a job from a jar it has never seen, cancels another, then stops without leaving a
 * process or port; a job stopped with a savepoint, or whose JobManager was killed, resumes from its
 * savepoint or retained checkpoint and counts every number once.
 */
class FlinkScriptsTest {
  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldRunAndCancelJobsOnAClusterAndStopItLeavingNothingBehind() throws Exception {
    int restPort = freePort();
    int rpcPort = freePort();
    int metricsPort = LocalKafka.freePortPair();
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
            "--metrics-port",
            "" + metricsPort,
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
      assertTrue(
          started.contains("metrics http://127.0.0.1:" + metricsPort + "/metrics (JobManager)"),
          started);
      String jobManagerMetrics = get("http://127.0.0.1:" + metricsPort + "/metrics");
      assertTrue(
          Pattern.compile("(?m)^flink_jobmanager_numRegisteredTaskManagers\\{.*} 1\\.0$")
              .matcher(jobManagerMetrics)
              .find(),
          "the JobManager's Prometheus endpoint counts its TaskManager:\n" + jobManagerMetrics);

      Path jar = jobJar();
      Path result = tmp.resolve("sum.txt");
      String sumJob = submit(dir, jar, result.toString(), "1000");
      assertEquals("FINISHED", awaitState(rest, sumJob, "FINISHED"));
      assertEquals("500500", Files.readString(result));

      String endless = submit(dir, jar, tmp.resolve("never.txt").toString(), "forever");
      assertEquals("RUNNING", awaitState(rest, endless, "RUNNING"));
      assertTrue(
          awaitMetric(metricsPort + 1, "flink_taskmanager_job_task_numRecordsOut"),
          "the TaskManager's endpoint carries the running job's task metrics");
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
    assertFalse(listening(metricsPort), "metrics port " + metricsPort + " is free again");
    assertFalse(listening(metricsPort + 1), "metrics port " + (metricsPort + 1) + " is free again");
    assertFalse(Files.exists(dir.resolve("jobmanager.pid")), "pid file removed");
    assertTrue(Files.exists(dir.resolve("log/jobmanager.log")), "logs kept");
  }

  @Test
  void shouldStopAJobWithASavepointAndResumeItWithoutLosingOrRepeatingANumber() throws Exception {
    Path dir = tmp.resolve("flink");
    // a production cluster: the scripts work, the web UI uploads no jar and cancels no job
    String rest = start(dir, "--production");
    try {
      Path jar = jobJar();
      Path result = tmp.resolve("sum.txt");
      String first = submit(dir, jar, result.toString(), "1000", "slow");
      assertEquals("RUNNING", awaitState(rest, first, "RUNNING"));
      int upload =
          http.send(
                  HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                      .POST(HttpRequest.BodyPublishers.ofString("x"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      assertEquals(404, upload, "no jar upload on a production cluster");
      // the web UI hides its cancel button (the REST API itself still cancels: loopback only)
      String features = get(rest + "/config");
      assertTrue(features.contains("\"web-submit\":false"), features);
      assertTrue(features.contains("\"web-cancel\":false"), features);
      Thread.sleep(3000);
      Path savepoints = tmp.resolve("kept-savepoints");
      String savepoint =
          lastLine(
              run(
                  "bin/flink-cancel",
                  "--dir",
                  dir.toString(),
                  "--with-savepoint",
                  "--target",
                  savepoints.toString(),
                  first));
      assertTrue(savepoint.startsWith(savepoints + "/savepoint-"), savepoint);
      assertTrue(Files.exists(Path.of(savepoint, "_metadata")), "a whole savepoint " + savepoint);
      assertEquals("FINISHED", state(rest, first));
      assertFalse(Files.exists(result), "a job stopped with a savepoint has not ended its input");

      // a savepoint of a running job, which goes on
      String second =
          lastLine(
              run(
                  "bin/flink-submit",
                  "--dir",
                  dir.toString(),
                  "--jar",
                  jar.toString(),
                  "--from-savepoint",
                  savepoint,
                  "--",
                  result.toString(),
                  "1000",
                  "slow"));
      assertEquals("RUNNING", awaitState(rest, second, "RUNNING"));
      String another = lastLine(run("bin/flink-savepoint", "--dir", dir.toString(), second));
      assertTrue(another.startsWith(dir.resolve("savepoints") + "/savepoint-"), another);
      assertEquals("RUNNING", state(rest, second));

      assertEquals("FINISHED", awaitState(rest, second, "FINISHED"));
      String[] sumAndSeen = Files.readString(result).split(" ");
      assertEquals("500500", sumAndSeen[0], "every number once across the stop");
      long seen = Long.parseLong(sumAndSeen[1]);
      assertTrue(seen > 0 && seen < 1000, "the second run resumed, adding " + seen + " of 1000");
    } finally {
      run("bin/flink-stop", "--dir", dir.toString());
    }
    assertTrue(Files.isDirectory(tmp.resolve("kept-savepoints")), "savepoints outlive the cluster");
  }

  @Test
  void shouldResumeFromTheRetainedCheckpointAfterTheJobManagerIsKilled() throws Exception {
    Path dir = tmp.resolve("flink");
    Path checkpoints = tmp.resolve("checkpoints");
    Path result = tmp.resolve("sum.txt");
    Path jar = jobJar();
    String rest = start(dir);
    try {
      String job = submit(dir, jar, result.toString(), "1000", "slow", checkpoints.toString());
      assertEquals("RUNNING", awaitState(rest, job, "RUNNING"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (newestCheckpoint(checkpoints) < 3 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(newestCheckpoint(checkpoints) >= 3, "checkpoints in " + checkpoints);
      long jobManager = pid(dir, "jobmanager");
      assertEquals(0, exec("kill", "-9", "" + jobManager).exitCode());
      long lost = System.nanoTime();
      run("bin/flink-stop", "--dir", dir.toString(), "--grace", "5");
      assertFalse(Files.exists(result), "the lost job never finished");

      rest = start(dir);
      String resumed =
          lastLine(
              run(
                  "bin/flink-submit",
                  "--dir",
                  dir.toString(),
                  "--jar",
                  jar.toString(),
                  "--from-latest-checkpoint",
                  checkpoints.toString(),
                  "--",
                  result.toString(),
                  "1000",
                  "slow",
                  checkpoints.toString()));
      assertEquals("RUNNING", awaitState(rest, resumed, "RUNNING"));
      System.out.printf(
          "JobManager killed: resumed from the retained checkpoint %.1f s later%n",
          (System.nanoTime() - lost) / 1e9);
      assertEquals("FINISHED", awaitState(rest, resumed, "FINISHED"));
      String[] sumAndSeen = Files.readString(result).split(" ");
      assertEquals("500500", sumAndSeen[0], "every number once across the JobManager's loss");
      long seen = Long.parseLong(sumAndSeen[1]);
      assertTrue(seen > 0 && seen < 1000, "the resumed run added " + seen + " of 1000");
    } finally {
      run("bin/flink-stop", "--dir", dir.toString());
    }
  }

  /** Starts a cluster on free ports and returns its REST address. */
  private static String start(Path dir, String... options) throws Exception {
    int restPort = freePort();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "bin/flink-start",
                "--dir",
                dir.toString(),
                "--rest-port",
                "" + restPort,
                "--rpc-port",
                "" + freePort(),
                "--metrics-port",
                "0",
                "--slots",
                "3"));
    command.addAll(List.of(options));
    String started = run(command.toArray(String[]::new));
    String rest = "http://127.0.0.1:" + restPort;
    assertEquals(rest, lastLine(started));
    return rest;
  }

  /** N of the newest complete chk-N under the checkpoint folder (Flink keeps only that one). */
  private static long newestCheckpoint(Path checkpoints) throws Exception {
    if (!Files.isDirectory(checkpoints)) {
      return 0;
    }
    // Flink deletes the subsumed chk-N while we walk: a folder can vanish under the walk
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> files = Files.walk(checkpoints, 3)) {
        return files
            .filter(f -> f.getFileName().toString().equals("_metadata"))
            .map(f -> f.getParent().getFileName().toString())
            .filter(chk -> chk.startsWith("chk-"))
            .mapToLong(chk -> Long.parseLong(chk.substring(4)))
            .max()
            .orElse(0);
      } catch (java.io.UncheckedIOException vanished) {
        if (attempt == 20) {
          throw vanished;
        }
        Thread.sleep(50);
      }
    }
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

  /** Whether the metrics endpoint on {@code port} names {@code metric} within 30 s. */
  private boolean awaitMetric(int port, String metric) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (get("http://127.0.0.1:" + port + "/metrics").contains(metric)) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
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
