package ai.avloc.stream.job;

import static ai.avloc.stream.job.LocalizationFailoverTest.TOPICS;
import static ai.avloc.stream.job.LocalizationFailoverTest.WINDOWS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Localization;
import ai.avloc.schemas.TopicReader;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live job canceled keeps its last checkpoint; submitted again from it, it publishes every window
 * exactly once: none it had already published comes out a second time, the one still open at the
 * cancellation is restored with its state, and those the cameras sent while no job ran still come.
 */
class LocalizationResubmitTest {
  /** The windows published before the cancellation; the rest come while no job runs. */
  static final int BEFORE = 60;

  @TempDir Path dir;

  @Test
  void aJobResumedFromItsRetainedCheckpointPublishesEveryWindowOnce() throws Exception {
    Path model = JobTestKit.brightSpotModel(dir);
    byte[] jpeg = JobTestKit.frameWithBrightSquare(200, 60);
    Instant t0 = JobTestKit.liveStart();
    long firstWindow = JobTestKit.windowOf(t0);

    try (EmbeddedKafka kafka = JobTestKit.startKafka(TOPICS)) {
      String[] args = liveArgs(kafka, "resubmitted", model);
      Map<Long, Integer> seen = new TreeMap<>();
      try (MiniCluster flink = new MiniCluster(JobTestKit.oneTaskManagerTwoSlots());
          TopicReader<Localization> reader =
              TopicReader.on(kafka.bootstrapServers()).open(TOPICS.localizations())) {
        runFirstPart(flink, args, kafka, reader, seen, t0, jpeg);
        int beforeCancel = LocalizationFailoverTest.countIn(seen, firstWindow);

        // the cameras go on while no job runs
        LocalizationFailoverTest.publish(kafka, t0, jpeg, BEFORE, WINDOWS + 24);
        String retained = newestCheckpoint(dir.resolve("checkpoints"));
        long resubmitted = System.nanoTime();
        submit(flink, args, "--from-savepoint", retained);
        long resumedAfter = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (!seen.containsKey(firstWindow + WINDOWS - 1) && System.nanoTime() < deadline) {
          int before = seen.size();
          JobTestKit.countWindows(reader, seen, firstWindow, -1, Duration.ofMillis(200), null);
          if (resumedAfter < 0 && seen.size() > before) {
            resumedAfter = (System.nanoTime() - resubmitted) / 1_000_000;
          }
        }
        // anything published twice would come within the next seconds
        JobTestKit.countWindows(reader, seen, firstWindow, -1, Duration.ofSeconds(3), null);
        System.out.printf(
            "resumed from the retained checkpoint: %d windows before the cancellation, first window"
                + " of the new job %d ms after its submission, %d of %d windows out%n",
            beforeCancel,
            resumedAfter,
            LocalizationFailoverTest.countIn(seen, firstWindow),
            WINDOWS);
      }
      assertTrue(
          LocalizationFailoverTest.countIn(seen, firstWindow) >= BEFORE, "the first part came");
      for (long w = firstWindow; w < firstWindow + WINDOWS; w++) {
        assertEquals(1, seen.getOrDefault(w, 0), "window " + (w - firstWindow) + " exactly once");
      }
    }
  }

  /**
   * Canceled and submitted again with the same group and no checkpoint, the job starts at the
   * offsets its sources committed with their last checkpoint: no window it published comes out a
   * second time, the cameras' later windows all come, and only the window still open at the
   * cancellation is lost (its first records lie behind those offsets).
   */
  @Test
  void aJobSubmittedAgainWithoutACheckpointPublishesNoWindowTwice() throws Exception {
    Path model = JobTestKit.brightSpotModel(dir);
    byte[] jpeg = JobTestKit.frameWithBrightSquare(200, 60);
    Instant t0 = JobTestKit.liveStart();
    long firstWindow = JobTestKit.windowOf(t0);

    try (EmbeddedKafka kafka = JobTestKit.startKafka(TOPICS)) {
      String[] args = liveArgs(kafka, "submitted-again", model);
      Map<Long, Integer> seen = new TreeMap<>();
      int beforeCancel;
      try (MiniCluster flink = new MiniCluster(JobTestKit.oneTaskManagerTwoSlots());
          TopicReader<Localization> reader =
              TopicReader.on(kafka.bootstrapServers()).open(TOPICS.localizations())) {
        runFirstPart(flink, args, kafka, reader, seen, t0, jpeg);
        // whatever the canceled job had in flight is out by now
        JobTestKit.countWindows(reader, seen, firstWindow, -1, Duration.ofSeconds(1), null);
        beforeCancel = LocalizationFailoverTest.countIn(seen, firstWindow);

        LocalizationFailoverTest.publish(kafka, t0, jpeg, BEFORE, WINDOWS + 24);
        long resubmitted = System.nanoTime();
        submit(flink, args);
        long resumedAfter = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (!seen.containsKey(firstWindow + WINDOWS - 1) && System.nanoTime() < deadline) {
          int before = LocalizationFailoverTest.countIn(seen, firstWindow);
          JobTestKit.countWindows(reader, seen, firstWindow, -1, Duration.ofMillis(200), null);
          if (resumedAfter < 0 && LocalizationFailoverTest.countIn(seen, firstWindow) > before) {
            resumedAfter = (System.nanoTime() - resubmitted) / 1_000_000;
          }
        }
        // anything published twice would come within the next seconds
        JobTestKit.countWindows(reader, seen, firstWindow, -1, Duration.ofSeconds(3), null);
        long twice = seen.values().stream().filter(n -> n > 1).count();
        System.out.printf(
            "submitted again without a checkpoint: %d windows before the cancellation, first"
                + " window of the new job %d ms after its submission, %d of %d windows out, %d"
                + " twice%n",
            beforeCancel,
            resumedAfter,
            LocalizationFailoverTest.countIn(seen, firstWindow),
            WINDOWS,
            twice);
      }
      assertTrue(beforeCancel >= BEFORE - 1, "the first part came: " + beforeCancel);
      for (long w = firstWindow; w < firstWindow + WINDOWS; w++) {
        int n = seen.getOrDefault(w, 0);
        assertTrue(n <= 1, "window " + (w - firstWindow) + " published " + n + " times");
        // the windows the canceled job had closed, and all the new job got from the cameras
        if (w < firstWindow + beforeCancel || w >= firstWindow + BEFORE) {
          assertEquals(1, n, "window " + (w - firstWindow) + " once");
        }
      }
    }
  }

  /**
   * Starts the cluster, submits the job, publishes the first {@link #BEFORE} windows, reads them
   * into {@code seen} (the last one waits for the next frame), lets a checkpoint or two pass after
   * the last record to commit the offsets, as in any stop of a live job, and cancels the job.
   */
  private static void runFirstPart(
      MiniCluster flink,
      String[] args,
      EmbeddedKafka kafka,
      TopicReader<Localization> reader,
      Map<Long, Integer> seen,
      Instant t0,
      byte[] jpeg)
      throws Exception {
    flink.start();
    JobID first = submit(flink, args);
    LocalizationFailoverTest.publish(kafka, t0, jpeg, 0, BEFORE);
    JobTestKit.countWindows(
        reader, seen, JobTestKit.windowOf(t0), BEFORE - 2, Duration.ofSeconds(120), null);
    Thread.sleep(1500);
    flink.cancelJob(first).get();
    while (flink.getJobStatus(first).get() != JobStatus.CANCELED) {
      Thread.sleep(100);
    }
  }

  /** The live job's arguments: consumer group {@code group}, checkpoints every 500 ms. */
  private String[] liveArgs(EmbeddedKafka kafka, String group, Path model) {
    return new String[] {
      "--bootstrap",
      kafka.bootstrapServers(),
      "--topic-prefix",
      "failover.",
      "--group",
      group,
      "--model",
      model.toString(),
      "--max-batch",
      "8",
      "--checkpoint-ms",
      "500",
      "--checkpoint-dir",
      dir.resolve("checkpoints").toUri().toString()
    };
  }

  /** The newest complete checkpoint the canceled job left behind. */
  private static String newestCheckpoint(Path checkpoints) throws Exception {
    assertTrue(Files.isDirectory(checkpoints), "a checkpoint folder at " + checkpoints);
    try (Stream<Path> files = Files.walk(checkpoints, 3)) {
      Path newest =
          files
              .filter(f -> f.getFileName().toString().equals("_metadata"))
              .map(Path::getParent)
              .max(
                  Comparator.comparingLong(
                      chk -> Long.parseLong(chk.getFileName().toString().substring(4))))
              .orElseThrow(() -> new AssertionError("no checkpoint kept in " + checkpoints));
      return newest.toUri().toString();
    }
  }

  private static JobID submit(MiniCluster flink, String[] args, String... more) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobConfig c =
        JobConfig.parse(Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new));
    LocalizationJob.configure(env, c);
    LocalizationJob.build(env, c);
    return flink.submitJob(env.getStreamGraph()).get().getJobID();
  }
}
