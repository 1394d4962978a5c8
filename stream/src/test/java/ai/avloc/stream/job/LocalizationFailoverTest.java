package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a TaskManager failure: a 10 s mono stream arrives while the job runs, one of
 * the two TaskManagers is killed midway, a fresh one takes its place, the job restores from its
 * last checkpoint, and a read_committed consumer still sees every window exactly once.
 */
class LocalizationFailoverTest {
  static final Topics TOPICS = Topics.withPrefix("failover.");
  static final int WINDOWS = 120;

  @TempDir Path dir;

  @Test
  void everyWindowOnceAcrossATaskManagerLoss() throws Exception {
    Path model = JobTestKit.brightSpotModel(dir);
    byte[] jpeg = JobTestKit.frameWithBrightSquare(200, 60);
    Instant t0 = JobTestKit.liveStart();
    long firstWindow = JobTestKit.windowOf(t0);

    try (EmbeddedKafka kafka = JobTestKit.startKafka(TOPICS)) {
      Configuration conf = new Configuration();
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
      MiniClusterConfiguration cluster =
          new MiniClusterConfiguration.Builder()
              .setConfiguration(conf)
              .setNumTaskManagers(2)
              .setNumSlotsPerTaskManager(1)
              .build();
      try (MiniCluster flink = new MiniCluster(cluster)) {
        flink.start();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
        LocalizationJob.build(
            env,
            JobConfig.parse(
                new String[] {
                  "--bootstrap",
                  kafka.bootstrapServers(),
                  "--topic-prefix",
                  "failover.",
                  "--model",
                  model.toString(),
                  "--max-batch",
                  "8"
                }));
        JobID job = flink.submitJob(env.getStreamGraph()).get().getJobID();

        Thread gateway = new Thread(() -> publish(kafka, t0, jpeg), "gateway");
        gateway.start();
        Map<Long, Integer> seen = new TreeMap<>();
        List<Localization> all = new ArrayList<>();
        try (TopicReader<Localization> reader =
            TopicReader.on(kafka.bootstrapServers()).open(TOPICS.localizations())) {
          long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
          boolean killed = false;
          while (countIn(seen, firstWindow) < WINDOWS && System.nanoTime() < deadline) {
            for (Localization l : reader.poll(Duration.ofMillis(200))) {
              all.add(l);
              seen.merge(l.getWindow(), 1, Integer::sum);
            }
            if (!killed && countIn(seen, firstWindow) >= 30) {
              flink.terminateTaskManager(0).get();
              flink.startTaskManager();
              killed = true;
            }
          }
          assertTrue(killed, "the TaskManager was lost midway");
        } finally {
          gateway.join();
        }
        assertEquals(WINDOWS, countIn(seen, firstWindow), "every window arrived: " + seen.keySet());
        for (long w = firstWindow; w < firstWindow + WINDOWS; w++) {
          assertEquals(1, seen.get(w), "window " + (w - firstWindow) + " exactly once");
        }
        assertTrue(all.stream().allMatch(Localization::getInferred));

        // A chunk for window 3, long closed, arrives now: a dead letter, not a second window 3.
        publishLateChunk(kafka, t0);
        var letters =
            JobTestKit.readAll(
                kafka, TOPICS.deadLetters().name(), ai.avloc.schemas.DeadLetter.class);
        assertEquals(1, letters.size(), "dead letters " + letters);
        assertTrue(letters.get(0).getError().toString().startsWith("late: 1024 of 1024"));
        flink.cancelJob(job).get();
      }
    }
  }

  static int countIn(Map<Long, Integer> seen, long firstWindow) {
    return (int)
        seen.keySet().stream().filter(w -> w >= firstWindow && w < firstWindow + WINDOWS).count();
  }

  /** 10 s of one camera at twice real time, then 2 s more so the watermark closes the last ones. */
  static void publish(EmbeddedKafka kafka, Instant t0, byte[] jpeg) {
    publish(kafka, t0, jpeg, 0, WINDOWS + 24);
  }

  /** Windows {@code from} (inclusive) to {@code to} of that camera, at twice real time. */
  static void publish(EmbeddedKafka kafka, Instant t0, byte[] jpeg, int from, int to) {
    Random random = new Random(11 + from);
    try (var producer = JobTestKit.producer(kafka)) {
      for (int k = from; k < to; k++) {
        JobTestKit.sendMonoWindow(producer, TOPICS, "cam", k, t0, jpeg, random);
        producer.flush();
        Thread.sleep(1000 / 24);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void publishLateChunk(EmbeddedKafka kafka, Instant t0) {
    AudioChunk late =
        AudioChunk.newBuilder()
            .setStreamId("cam")
            .setSequence(9999)
            .setTimestamp(t0.plus(JobTestKit.sampleMicros(1024L * 3), ChronoUnit.MICROS))
            .setSampleRate(12_288)
            .setPcm16(ByteBuffer.wrap(new byte[2048]))
            .build();
    try (var producer = JobTestKit.producer(kafka)) {
      JobTestKit.send(producer, TOPICS.audio(), "cam", late);
    }
  }
}
