package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.infra.LocalKafka;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.serving.BrightSpotModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job (exactly-once sinks, checkpoints every 500 ms, its own restart strategy) on real
 * brokers in their own JVMs, under a camera publishing in real time: a single broker stopped and
 * restarted on its data, and the leader of three killed. Every window the camera sent before,
 * during and after the fault is on the localizations topic exactly once (read_committed).
 */
class LocalizationBrokerFaultTest {
  /** The checkout: the tests run in stream/. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  static final Topics TOPICS = Topics.withPrefix("brokers.");

  /** 25 s of one mono camera at real time (12 windows a second). */
  static final int WINDOWS = 12 * 25;

  /** Windows out before the fault is injected. */
  static final int BEFORE_FAULT = 36;

  static final String CAMERA = "cam";

  @TempDir Path dir;

  @Test
  void everyWindowOnceAcrossARestartOfTheOnlyBroker() throws Exception {
    try (LocalKafka kafka = LocalKafka.start(ROOT, dir.resolve("kafka"))) {
      Result r =
          run(
              kafka,
              "single",
              () -> {
                kafka.stopBroker(1);
                Thread.sleep(10_000);
                kafka.restartBroker(1);
              });
      r.assertEveryWindowOnce();
    }
  }

  @Test
  void everyWindowOnceWhenTheLeaderOfThreeBrokersIsKilled() throws Exception {
    try (LocalKafka kafka = LocalKafka.start(ROOT, dir.resolve("kafka"), 3)) {
      Result r = run(kafka, "three", () -> kafka.killBroker(leaderOfTheCamerasFrames(kafka)));
      r.assertEveryWindowOnce();
    }
  }

  interface Fault {
    void inject() throws Exception;
  }

  /** How often each window came, and how many of the camera's records the brokers never took. */
  record Result(Map<Long, Integer> seen, long firstWindow, long failed) {
    void assertEveryWindowOnce() {
      assertEquals(0, failed, "every input record was acknowledged by the brokers");
      for (long w = firstWindow; w < firstWindow + WINDOWS; w++) {
        assertEquals(
            1, seen.getOrDefault(w, 0), "window " + (w - firstWindow) + " exactly once: " + seen);
      }
    }
  }

  /**
   * Runs the job and the camera on {@code kafka}, injects {@code fault} once windows flow, and
   * reads the localizations until the camera's last window has come (and 3 s longer).
   */
  private Result run(LocalKafka kafka, String name, Fault fault) throws Exception {
    Path model = dir.resolve("bright-spot");
    BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    byte[] jpeg = JobTestKit.frameWithBrightSquare(200, 60);
    kafka.createTopics(
        2,
        TOPICS.frames().name(),
        TOPICS.audio().name(),
        TOPICS.arrayAudio().name(),
        TOPICS.localizations().name(),
        TOPICS.deadLetters().name());
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    long firstWindow = Math.floorDiv(ChronoUnit.MICROS.between(Instant.EPOCH, t0) * 12, 1_000_000);
    String[] args = {
      "--bootstrap",
      kafka.bootstrapServers(),
      "--topic-prefix",
      "brokers.",
      "--group",
      "broker-fault-" + name,
      "--model",
      model.toString(),
      "--max-batch",
      "8",
      "--checkpoint-ms",
      "500",
      "--checkpoint-dir",
      dir.resolve("checkpoints").toUri().toString()
    };
    Configuration conf = new Configuration();
    // any free port for the REST endpoint: other builds on this machine may hold 8081
    conf.set(RestOptions.BIND_PORT, "0");
    MiniClusterConfiguration cluster =
        new MiniClusterConfiguration.Builder()
            .setConfiguration(conf)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(2)
            .build();
    Map<Long, Integer> seen = new TreeMap<>();
    AtomicLong failed = new AtomicLong();
    try (MiniCluster flink = new MiniCluster(cluster)) {
      flink.start();
      JobID job = submit(flink, args);
      Thread camera = camera(kafka.bootstrapServers(), t0, jpeg, failed);
      try (TopicReader<Localization> reader =
          TopicReader.on(kafka.bootstrapServers()).open(TOPICS.localizations())) {
        JobTestKit.countWindows(
            reader, seen, firstWindow, BEFORE_FAULT, Duration.ofSeconds(60), CAMERA);
        assertTrue(seen.containsKey(firstWindow + BEFORE_FAULT), "windows flow before the fault");
        long faultStart = System.nanoTime();
        long faultStartMillis = System.currentTimeMillis();
        int beforeFault = countIn(seen, firstWindow);
        fault.inject();
        long faultEnd = System.nanoTime();
        int atFaultEnd = countIn(seen, firstWindow);
        long flowing = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!seen.containsKey(firstWindow + WINDOWS - 1) && System.nanoTime() < deadline) {
          JobTestKit.countWindows(reader, seen, firstWindow, -1, Duration.ofMillis(200), CAMERA);
          if (flowing < 0 && countIn(seen, firstWindow) > atFaultEnd) {
            flowing = System.nanoTime();
          }
        }
        camera.join(30_000);
        // anything published twice would come within the next seconds
        JobTestKit.countWindows(reader, seen, firstWindow, -1, Duration.ofSeconds(3), CAMERA);
        long twice = seen.values().stream().filter(n -> n > 1).count();
        // when the job last restarted, 0 when it never did
        long restarted =
            flink.getExecutionGraph(job).get().getStatusTimestamp(JobStatus.RESTARTING);
        System.out.printf(
            Locale.ROOT,
            "LocalizationBrokerFaultTest[%s]: fault lasted %.1f s; %d windows out before it,"
                + " first window after it %.1f s after its end; %d of %d windows out, %d twice;"
                + " job %s, %s; %d input records failed%n",
            name,
            (faultEnd - faultStart) / 1e9,
            beforeFault,
            flowing < 0 ? Double.NaN : (flowing - faultEnd) / 1e9,
            countIn(seen, firstWindow),
            WINDOWS,
            twice,
            flink.getJobStatus(job).get(),
            restarted == 0
                ? "never restarted"
                : String.format(
                    Locale.ROOT,
                    "restarted (last %.1f s after the fault began)",
                    (restarted - faultStartMillis) / 1e3),
            failed.get());
        assertEquals(JobStatus.RUNNING, flink.getJobStatus(job).get(), "the job still runs");
        assertTrue(
            flowing > 0 && flowing - faultEnd < Duration.ofSeconds(30).toNanos(),
            "windows flow again within 30 s of the fault's end");
      }
      flink.cancelJob(job).get();
    }
    return new Result(seen, firstWindow, failed.get());
  }

  /** The node leading the partition that holds the camera's frames. */
  private static int leaderOfTheCamerasFrames(LocalKafka kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      TopicDescription frames =
          admin
              .describeTopics(List.of(TOPICS.frames().name()))
              .allTopicNames()
              .get()
              .get(TOPICS.frames().name());
      int partition = Utils.toPositive(Utils.murmur2(CAMERA.getBytes(StandardCharsets.UTF_8)));
      var camerasPartition = frames.partitions().get(partition % frames.partitions().size());
      assertEquals(3, camerasPartition.replicas().size(), "replication factor 3");
      return camerasPartition.leader().id();
    }
  }

  private static JobID submit(MiniCluster flink, String[] args) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobConfig c = JobConfig.parse(args);
    LocalizationJob.configure(env, c);
    LocalizationJob.build(env, c);
    return flink.submitJob(env.getStreamGraph()).get().getJobID();
  }

  /**
   * One mono camera in real time, window by window from {@code t0}, then 2 s more so the watermark
   * closes the last ones. Sends do not wait for the brokers: during an outage the producer holds
   * the records and delivers them once a broker is back, as the gateway does; any record the
   * brokers never took counts in {@code failed}.
   */
  private static Thread camera(String bootstrap, Instant t0, byte[] jpeg, AtomicLong failed) {
    Thread t =
        new Thread(
            () -> {
              Random random = new Random(11);
              try (var producer =
                  new KafkaProducer<>(
                      Map.<String, Object>of(
                          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                          bootstrap,
                          ProducerConfig.ACKS_CONFIG,
                          "all",
                          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                          true),
                      new StringSerializer(),
                      new ByteArraySerializer())) {
                String frames = TOPICS.frames().name();
                String audio = TOPICS.audio().name();
                for (int k = 0; k < WINDOWS + 24; k++) {
                  Instant start = t0.plus(JobTestKit.sampleMicros(1024L * k), ChronoUnit.MICROS);
                  long wait = Duration.between(Instant.now(), start).toMillis();
                  if (wait > 0) {
                    Thread.sleep(wait);
                  }
                  byte[] frame =
                      TOPICS
                          .frames()
                          .values()
                          .serialize(
                              frames, JobTestKit.frame(CAMERA, k, start.plusMillis(1), jpeg));
                  byte[] chunk =
                      TOPICS
                          .audio()
                          .values()
                          .serialize(audio, JobTestKit.noiseChunk(CAMERA, k, start, random));
                  producer.send(
                      new ProducerRecord<>(frames, CAMERA, frame),
                      (m, e) -> {
                        if (e != null) {
                          failed.incrementAndGet();
                        }
                      });
                  producer.send(
                      new ProducerRecord<>(audio, CAMERA, chunk),
                      (m, e) -> {
                        if (e != null) {
                          failed.incrementAndGet();
                        }
                      });
                }
                producer.flush();
              } catch (Exception e) {
                e.printStackTrace();
                failed.incrementAndGet();
              }
            },
            "camera");
    t.setDaemon(true);
    t.start();
    return t;
  }

  static int countIn(Map<Long, Integer> seen, long firstWindow) {
    return (int)
        seen.keySet().stream().filter(w -> w >= firstWindow && w < firstWindow + WINDOWS).count();
  }
}
