package ai.avloc.cli.bench;

import ai.avloc.alerts.AlertsApp;
import ai.avloc.infra.LocalKafka;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topic;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.WindowClock;
import ai.avloc.serving.ModelCard;
import ai.avloc.stream.job.ArrayBeamforming;
import ai.avloc.stream.job.BatchingOperator;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import ai.avloc.stream.metrics.StageNanos;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bench stream}: sustained windows/s and latency of the whole job on a real broker (own JVM)
 * and a local Flink cluster (in process), serving the model the job ships unless told otherwise. N
 * simulated cameras publish pre-rendered, pre-encoded events at real time ({@link SceneLoad}); the
 * job localizes; the alerts app (as in the live demo) applies a rule the scene fires once per cycle
 * and camera; a consumer times each localization from the broker's arrival of its window's last
 * event to its arrival on the topic, and each alert's START from its window's end. The load
 * generator's CPU (its thread and its producer's network thread) and the alerts app's are measured
 * apart from the job's; the job's own stage timers ({@link StageNanos}) and its threads' CPU give a
 * per-stage profile. One row per mode and camera count.
 */
public final class StreamBench {
  /**
   * What to measure.
   *
   * @param monoStreams camera counts for the mono path, one row each
   * @param arrayStreams camera counts for the array path, one row each
   * @param warmUp unmeasured start of each row
   * @param measure measured span of each row
   * @param parallelism the job's parallelism
   * @param jobOptions extra job arguments, each option and its value apart
   * @param model the mono path's model directory
   * @param json where to write the rows as JSON, or null
   */
  public record Options(
      int[] monoStreams,
      int[] arrayStreams,
      Duration warmUp,
      Duration measure,
      int parallelism,
      List<String> jobOptions,
      Path model,
      Path json) {}

  /** The generator's thread, and its producer's client id (in its network thread's name). */
  static final String GENERATOR = "bench-generator";

  /** The alerts app's application id prefix, in the names of all its threads. */
  static final String ALERTS_APP = "bench-alerts";

  /**
   * The process's CPU outside its Java threads: TensorFlow's and BLAS's thread pools (where
   * inference and beamforming run), GC and JIT.
   */
  static final String NATIVE_THREADS = "job: native threads (TensorFlow, BLAS), GC, JIT";

  /** A Flink task's thread: the task's name, its subtask and attempt. */
  private static final Pattern TASK_THREAD = Pattern.compile(" \\(\\d+/\\d+\\)#\\d+$");

  /**
   * The bench's rules: sound in the right half of the view, per path. The mono rule's contrast
   * ({@value #MONO_CONTRAST} here) is what uvae-compact@6's main peak on the drone reaches
   * (0.0011-0.0015) and its side peaks do not (at most 0.0008), so the alert ends when the drone
   * leaves the half; {@link #rules} scales it to the served model.
   */
  static final String RULES =
      """
      rules:
        - ruleId: bench-mono-right-half
          name: Sound in the right half (mono)
          zone: [[0.5, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 1.0]]
          minContrast: %s
          minDurationWindows: 6
          cooldownWindows: 12
          mode: mono
        - ruleId: bench-array-right-half
          name: Sound in the right half (array)
          zone: [[0.5, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 1.0]]
          minContrast: 1.0
          minDurationWindows: 6
          cooldownWindows: 12
          mode: array
      """;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Options o;
  private Path workDir;

  public StreamBench(Options o) {
    this.o = o;
  }

  /**
   * One row of the table.
   *
   * @param model the model id (mono) or the beamformer's id (array)
   * @param p50Ms arrival of the localization on its topic less the broker's arrival of its window's
   *     last event
   * @param jobP50Ms the job's emit time less that arrival
   * @param jobCpuCores the process's CPU less the generator's, the alerts app's and the bench's
   *     consumer's (main thread), per second of the measured span
   * @param generatorCpuCores the generator's thread and its producer's network thread
   * @param generatorMaxLateMs the longest the generator sent a window after it was due
   * @param alertP50Ms arrival of an alert's START on the alerts topic less its window's end
   * @param stageMicrosPerWindow the job's stage timers per window localized in the span
   * @param windowsPerBatch the mean batch of the inference or beamforming operator in the span
   * @param threadCores the job's CPU per thread group, per second of the span
   */
  record Result(
      String mode,
      int streams,
      double windowsPerSecond,
      double targetPerSecond,
      double p50Ms,
      double p99Ms,
      double jobP50Ms,
      double jobCpuCores,
      double generatorCpuCores,
      double alertsCpuCores,
      String model,
      long received,
      long silentOrEmpty,
      long deadLetters,
      Map<String, Long> deadLetterReasons,
      double generatorMaxLateMs,
      int alertStarts,
      double alertP50Ms,
      double alertP99Ms,
      double checkpoints,
      double lastCheckpointMs,
      Map<String, Double> stageMicrosPerWindow,
      double windowsPerBatch,
      Map<String, Double> threadCores) {}

  /** Starts a broker, measures every row on it, prints the table and the profile. */
  public int run() throws Exception {
    if (!Files.isRegularFile(o.model().resolve("saved_model.pb"))) {
      System.err.println("avloc bench stream: no SavedModel in " + o.model());
      return 2;
    }
    printHeader();
    prepare();
    List<Result> results = new ArrayList<>();
    try (LocalKafka kafka =
        LocalKafka.start(Path.of("").toAbsolutePath(), workDir.resolve("kafka"))) {
      for (int n : o.monoStreams()) {
        System.out.printf(Locale.ROOT, "  mono x%d ...%n", n);
        results.add(row(kafka.bootstrapServers(), "mono", n));
      }
      for (int n : o.arrayStreams()) {
        System.out.printf(Locale.ROOT, "  array x%d ...%n", n);
        results.add(row(kafka.bootstrapServers(), "array", n));
      }
    }
    System.out.println();
    System.out.print(table(results));
    System.out.println();
    System.out.print(profile(results));
    System.out.print(deadLetters(results));
    if (o.json() != null) {
      writeJson(o.json(), results);
      System.out.println();
      System.out.println("rows written to " + o.json());
    }
    return 0;
  }

  /** A working directory for the rows: the broker's data, the alerts app's state, the rules. */
  void prepare() throws IOException {
    workDir = Files.createTempDirectory("avloc-bench");
    Files.writeString(workDir.resolve("rules.yaml"), rules(ModelCard.read(o.model())));
  }

  static final double MONO_CONTRAST = 0.001;

  /** uvae-compact@6's flat-map contrast, against which {@link #MONO_CONTRAST} was set. */
  static final double COMPACT_FLAT_CONTRAST = 8.13e-4;

  /**
   * The rules for a served model: models differ in how far their peaks rise above the map, so the
   * mono rule's contrast follows the card's {@code flatContrast} (the contrast under which its
   * evaluation found maps to hold no source) in the proportion set on uvae-compact@6; a card
   * without one keeps {@value #MONO_CONTRAST}.
   */
  static String rules(ModelCard card) {
    Double flat = card.metrics() == null ? null : card.metrics().get("flatContrast");
    double contrast =
        flat == null || !(flat > 0) ? MONO_CONTRAST : MONO_CONTRAST * flat / COMPACT_FLAT_CONTRAST;
    return RULES.formatted(String.format(Locale.ROOT, "%.3g", contrast));
  }

  private void printHeader() throws IOException {
    System.out.printf(
        Locale.ROOT,
        "avloc bench stream — %d cores, Java %s; mono model %s (%s), array path %s%n"
            + "Kafka broker in its own JVM, Flink in process (parallelism %d), checkpoints every"
            + " 1 s, exactly-once sinks, the alerts app in process; cameras publish a %d s scene"
            + " cycle rendered and encoded once; latency = arrival on the topic (read_uncommitted)"
            + " minus the broker's arrival of the window's last event; alert = START's arrival"
            + " minus its window's end%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        ModelCard.read(o.model()).id(),
        o.model(),
        arrayModelId(),
        o.parallelism(),
        SceneLoad.CYCLE.toSeconds());
  }

  /** The beamformer's id with the job's settings. */
  private String arrayModelId() {
    JobConfig c = JobConfig.parse(jobArgs("localhost:9092", "x.", "array", 1));
    return new ArrayBeamforming(
            c.hfovDeg(),
            c.vfovDeg(),
            c.lowHz(),
            c.highHz(),
            c.arrayMaxBatch(),
            c.arrayMaxWaitMillis(),
            Topics.defaults().arrayAudio().name(),
            c.arrayImaging(),
            c.arrayBinStride())
        .modelId(SceneLoad.GEOMETRY);
  }

  /** One mode and camera count: the job started on fresh topics, fed, measured and cancelled. */
  Result row(String bootstrap, String mode, int streams) throws Exception {
    String prefix = "bench-" + mode + "-" + streams + ".";
    Topics topics = Topics.withPrefix(prefix);
    TopicAdmin.createMissing(bootstrap, TopicAdmin.standard(topics, 4));
    SceneLoad load = SceneLoad.render(topics, mode, streams, SceneLoad.CYCLE);
    String appId = ALERTS_APP + "-" + mode + "-" + streams;
    AlertsApp alerts =
        AlertsApp.builder()
            .bootstrapServers(bootstrap)
            .applicationId(appId)
            .topicPrefix(prefix)
            .stateDir(workDir.resolve(appId))
            .rulesFile(workDir.resolve("rules.yaml"))
            .build();
    String jobName = "bench " + mode + " x" + streams;
    JobClient job = null;
    AtomicBoolean stop = new AtomicBoolean();
    try (alerts) {
      alerts.start();
      job = startJob(bootstrap, prefix, mode, streams, jobName);
      alerts.awaitRunning(Duration.ofSeconds(60));
      return measure(bootstrap, topics, mode, streams, load, jobName, appId, stop);
    } finally {
      stop.set(true);
      if (job != null) {
        job.cancel().get();
      }
    }
  }

  /** Feeds the running job and alerts app, measures after the warm-up. */
  private Result measure(
      String bootstrap,
      Topics topics,
      String mode,
      int streams,
      SceneLoad load,
      String jobName,
      String appId,
      AtomicBoolean stop)
      throws Exception {
    String client = GENERATOR + "-" + mode + "-" + streams;
    Thread generator = new Thread(() -> publish(bootstrap, client, load, stop), GENERATOR);
    generator.setDaemon(true);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Double> latencies = new ArrayList<>();
    List<Double> inJob = new ArrayList<>();
    List<Double> alertLatencies = new ArrayList<>();
    long received = 0;
    long silentOrEmpty = 0;
    try (TopicReader<Localization> consumer = reader(bootstrap).open(topics.localizations());
        TopicReader<Alert> alertReader = reader(bootstrap).open(topics.alerts())) {
      generator.start();
      long start = System.nanoTime();
      long measureFrom = start + o.warmUp().toNanos();
      long measureTo = measureFrom + o.measure().toNanos();
      Span before = null;
      while (System.nanoTime() < measureTo) {
        List<Localization> records = consumer.poll(Duration.ofMillis(100));
        List<ConsumerRecord<String, Alert>> alertRecords = alertReader.pollRecords(Duration.ZERO);
        long now = System.currentTimeMillis();
        long nano = System.nanoTime();
        if (nano < measureFrom) {
          continue;
        }
        if (before == null) {
          before = Span.now(os, jobName);
        }
        for (Localization l : records) {
          latencies.add((double) (now - l.getIngestTime().toEpochMilli()));
          inJob.add((double) (l.getEmitTime().toEpochMilli() - l.getIngestTime().toEpochMilli()));
          received++;
          if (l.getSilent() || !l.getInferred()) {
            silentOrEmpty++;
          }
        }
        for (ConsumerRecord<String, Alert> r : alertRecords) {
          Alert a = r.value();
          if (a.getState() == AlertState.START) {
            alertLatencies.add(now - WindowClock.endMicros(a.getWindow()) / 1000.0);
          }
        }
      }
      Span after = Span.now(os, jobName);
      long deadLetters = count(bootstrap, topics.deadLetters().name());
      Map<String, Long> deadLetterReasons =
          deadLetterReasons(bootstrap, topics.deadLetters(), deadLetters);
      stop.set(true);
      generator.join(5000);
      return result(
          mode,
          streams,
          before == null ? after : before,
          after,
          appId,
          client,
          latencies,
          inJob,
          alertLatencies,
          received,
          silentOrEmpty,
          deadLetters,
          deadLetterReasons,
          load.maxLate());
    }
  }

  private Result result(
      String mode,
      int streams,
      Span before,
      Span after,
      String appId,
      String generatorClient,
      List<Double> latencies,
      List<Double> inJob,
      List<Double> alertLatencies,
      long received,
      long silentOrEmpty,
      long deadLetters,
      Map<String, Long> deadLetterReasons,
      Duration generatorLate)
      throws IOException {
    double span = o.measure().toNanos();
    Map<String, Long> threads =
        after.threads.since(before.threads, n -> threadGroup(n, appId, generatorClient));
    long generator = threads.getOrDefault("generator", 0L);
    long alerting = threads.getOrDefault("alerts", 0L);
    long bench = threads.getOrDefault("bench", 0L);
    long job = after.processCpu - before.processCpu - generator - alerting - bench;
    Map<String, Double> threadCores = new LinkedHashMap<>();
    long jobThreads = 0;
    for (var e : threads.entrySet()) {
      if (e.getKey().startsWith("job")) {
        threadCores.put(e.getKey(), e.getValue() / span);
        jobThreads += e.getValue();
      }
    }
    threadCores.put(NATIVE_THREADS, (job - jobThreads) / span);
    long windows = after.windows - before.windows;
    Map<String, Double> stages = new LinkedHashMap<>();
    for (String stage : STAGES) {
      long nanos = after.stages.getOrDefault(stage, 0L) - before.stages.getOrDefault(stage, 0L);
      if (after.stages.containsKey(stage)) {
        stages.put(stage, windows == 0 ? Double.NaN : nanos / 1000.0 / windows);
      }
    }
    double[] sorted = sorted(latencies);
    double[] jobSorted = sorted(inJob);
    double[] alertSorted = sorted(alertLatencies);
    return new Result(
        mode,
        streams,
        received / (span / 1e9),
        WindowClock.WINDOWS_PER_SECOND * (double) streams,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        percentile(jobSorted, 0.50),
        job / span,
        generator / span,
        alerting / span,
        mode.equals("mono") ? ModelCard.read(o.model()).id() : arrayModelId(),
        received,
        silentOrEmpty,
        deadLetters,
        deadLetterReasons,
        generatorLate.toNanos() / 1e6,
        alertSorted.length,
        percentile(alertSorted, 0.50),
        percentile(alertSorted, 0.99),
        after.checkpoints - before.checkpoints,
        after.lastCheckpointMillis,
        stages,
        after.batches == before.batches
            ? Double.NaN
            : windows / (double) (after.batches - before.batches),
        threadCores);
  }

  /** The job's stages in the order a window meets them. */
  static final List<String> STAGES =
      List.of(
          StageNanos.DECODE,
          StageNanos.ALIGN,
          StageNanos.BATCH_WAIT,
          StageNanos.LOCALIZE,
          StageNanos.JPEG,
          StageNanos.MFCC,
          StageNanos.INFERENCE,
          StageNanos.PEAKS,
          StageNanos.EMIT,
          StageNanos.CONFIRM,
          StageNanos.ENCODE);

  /** CPU and the job's own counters at one moment. */
  private record Span(
      long processCpu,
      ThreadCpu threads,
      Map<String, Long> stages,
      long windows,
      long batches,
      double checkpoints,
      double lastCheckpointMillis) {
    static Span now(OperatingSystemMXBean os, String job) {
      return new Span(
          os.getProcessCpuTime(),
          ThreadCpu.now(),
          BenchMetrics.stageNanos(job),
          BenchMetrics.count(job, "windowsLocalized"),
          BenchMetrics.count(job, BatchingOperator.BATCHES_METRIC),
          BenchMetrics.gauge(job, "numberOfCompletedCheckpoints"),
          BenchMetrics.gauge(job, "lastCheckpointDuration"));
    }
  }

  /**
   * Who a thread works for: the generator, the alerts app, the bench's consumer (main), or the job
   * (its tasks by name, its Kafka source fetchers and sink producers, its checkpoint threads, the
   * rest).
   */
  static String threadGroup(String name, String alertsApp, String generatorClient) {
    if (name.equals(GENERATOR) || name.endsWith("| " + generatorClient)) {
      return "generator";
    }
    if (name.contains(alertsApp)) {
      return "alerts";
    }
    if (name.equals("main")) {
      return "bench";
    }
    if (name.startsWith("Source Data Fetcher")) {
      return "job: Kafka source fetchers";
    }
    if (name.startsWith("kafka-producer-network-thread")) {
      return "job: Kafka sink producers";
    }
    if (name.startsWith("AsyncOperations")) {
      return "job: checkpoints (async part)";
    }
    if (name.startsWith("OutputFlusher for ")
        || name.startsWith("Time Trigger for ")
        || name.startsWith("System Time Trigger for ")) {
      return "job: timers and output flushers";
    }
    var task = TASK_THREAD.matcher(name);
    if (task.find()) {
      String tasks = name.substring(0, task.start());
      // a chain's name lists all its operators; its start says which it is
      return "job task: " + (tasks.length() <= 60 ? tasks : tasks.substring(0, 57) + "...");
    }
    return "job: other threads (Flink runtime)";
  }

  /** The localization job in this JVM's Flink, on the row's topics, named {@code jobName}. */
  private JobClient startJob(
      String bootstrap, String prefix, String mode, int streams, String jobName) throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            BenchMetrics.install(new Configuration()));
    env.setParallelism(o.parallelism());
    JobConfig config = JobConfig.parse(jobArgs(bootstrap, prefix, mode, streams));
    LocalizationJob.configure(env, config);
    LocalizationJob.build(env, config);
    return env.executeAsync(jobName);
  }

  /** The job's arguments: mono rows serve the model, array rows run the array path alone. */
  private String[] jobArgs(String bootstrap, String prefix, String mode, int streams) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap",
                bootstrap,
                "--topic-prefix",
                prefix,
                "--group",
                "bench-" + mode + "-" + streams,
                "--checkpoint-ms",
                "1000",
                "--model",
                mode.equals("mono") ? o.model().toAbsolutePath().toString() : "none"));
    args.addAll(o.jobOptions());
    return args.toArray(String[]::new);
  }

  /** The generator on its own thread and producer until {@code stop}. */
  private static void publish(String bootstrap, String client, SceneLoad load, AtomicBoolean stop) {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG,
                client,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                2,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                1 << 20),
            new StringSerializer(),
            new ByteArraySerializer())) {
      load.run((topic, key, value) -> producer.send(new ProducerRecord<>(topic, key, value)), stop);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double[] sorted(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  /** Records on a topic so far (end offsets summed). */
  static long count(String bootstrap, String topic) {
    try (TopicReader<byte[]> reader = reader(bootstrap).openBytes(topic)) {
      return reader.endOffsets().values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * The row's dead letters (warm-up included) by stage and error, numbers blanked so that one cause
   * is one line, most frequent first: a row that sheds records says why.
   */
  static Map<String, Long> deadLetterReasons(
      String bootstrap, Topic<DeadLetter> topic, long count) {
    Map<String, Long> reasons = new HashMap<>();
    if (count == 0) {
      return reasons;
    }
    // counted poll by poll: a dead letter carries its record, 512 KB for an array chunk, so
    // thousands of them are not held at once
    long read = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (TopicReader<DeadLetter> reader = TopicReader.on(bootstrap).readUncommitted().open(topic)) {
      while (read < count && System.nanoTime() < deadline) {
        for (DeadLetter d : reader.poll(Duration.ofMillis(200))) {
          String error = d.getError().toString().replaceAll("[0-9][0-9.:TZ-]*", "N");
          reasons.merge(d.getStage() + ": " + error, 1L, Long::sum);
          read++;
        }
      }
    }
    Map<String, Long> ordered = new LinkedHashMap<>();
    reasons.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return ordered;
  }

  /** Readers that start at the end and see a record as soon as it is written. */
  static TopicReader.Options reader(String bootstrap) {
    // read_uncommitted: a record counts as on the topic when written, before its checkpoint commits
    return TopicReader.on(bootstrap)
        .readUncommitted()
        .fromEnd()
        .fetchMaxWait(Duration.ofMillis(20));
  }

  /** The rows as a JSON array, for scripts and the docs' table. */
  static void writeJson(Path file, List<Result> results) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    JSON.writeValue(file.toFile(), results);
  }

  static String table(List<Result> results) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-6s %7s %10s %8s %7s %7s %7s %9s %9s %8s %7s %9s %9s %6s %9s %8s%n",
            "mode",
            "streams",
            "windows/s",
            "target/s",
            "p50 ms",
            "p99 ms",
            "job p50",
            "job cores",
            "gen cores",
            "al cores",
            "gen late",
            "alert p50",
            "alert p99",
            "alerts",
            "silent/no",
            "dead let"));
    for (Result r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-6s %7d %10.1f %8.0f %7.0f %7.0f %7.0f %9.2f %9.2f %8.2f %7.0f %9.0f %9.0f %6d %9d"
                  + " %8d%n",
              r.mode(),
              r.streams(),
              r.windowsPerSecond(),
              r.targetPerSecond(),
              r.p50Ms(),
              r.p99Ms(),
              r.jobP50Ms(),
              r.jobCpuCores(),
              r.generatorCpuCores(),
              r.alertsCpuCores(),
              r.generatorMaxLateMs(),
              r.alertP50Ms(),
              r.alertP99Ms(),
              r.alertStarts(),
              r.silentOrEmpty(),
              r.deadLetters()));
    }
    b.append(
        "job cores: the process less the generator (gen), the alerts app (al) and the bench's"
            + " consumer; gen late: the longest a window was sent after it was due, ms;"
            + " alert p50/p99: window end to its alert's START on the topic, ms\n");
    return b.toString();
  }

  /**
   * The job's stage timers per window, and its CPU per thread group, one column per row: where the
   * time goes.
   */
  /** Each row's dead letters by cause, the three most frequent (nothing when no row has any). */
  static String deadLetters(List<Result> results) {
    StringBuilder b = new StringBuilder();
    for (Result r : results) {
      if (r.deadLetterReasons().isEmpty()) {
        continue;
      }
      if (b.length() == 0) {
        b.append("\ndead letters by cause (numbers shown as N), warm-up included\n");
      }
      b.append(String.format(Locale.ROOT, "%s x%d:%n", r.mode(), r.streams()));
      r.deadLetterReasons().entrySet().stream()
          .limit(3)
          .forEach(
              e ->
                  b.append(
                      String.format(Locale.ROOT, "  %6d  %.160s%n", e.getValue(), e.getKey())));
    }
    return b.toString();
  }

  static String profile(List<Result> results) {
    StringBuilder b = new StringBuilder();
    List<String> columns = results.stream().map(r -> r.mode() + " x" + r.streams()).toList();
    b.append("stage profile: the job's own timers, µs per window localized (wall time on the task");
    b.append(" thread; batchWait is latency, not CPU)\n");
    b.append(String.format(Locale.ROOT, "%-12s", "stage"));
    columns.forEach(c -> b.append(String.format(Locale.ROOT, " %10s", c)));
    b.append('\n');
    for (String stage : STAGES) {
      if (results.stream().noneMatch(r -> r.stageMicrosPerWindow().containsKey(stage))) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "%-12s", stage));
      for (Result r : results) {
        Double v = r.stageMicrosPerWindow().get(stage);
        b.append(v == null ? String.format(Locale.ROOT, " %10s", "-") : cell(v));
      }
      b.append('\n');
    }
    b.append(String.format(Locale.ROOT, "%-12s", "batch (mean)"));
    results.forEach(r -> b.append(String.format(Locale.ROOT, " %10.1f", r.windowsPerBatch())));
    b.append("  (windows per model or beamformer call)\n");
    b.append(String.format(Locale.ROOT, "%-12s", "checkpoints"));
    results.forEach(
        r ->
            b.append(
                String.format(
                    Locale.ROOT,
                    " %10s",
                    String.format(
                        Locale.ROOT, "%.0f, %.0fms", r.checkpoints(), r.lastCheckpointMs()))));
    b.append("  (completed in the span, last one's duration)\n\n");
    b.append("job CPU by thread, cores\n");
    Set<String> groups = new LinkedHashSet<>();
    results.forEach(r -> groups.addAll(new TreeMap<>(r.threadCores()).keySet()));
    int width = groups.stream().mapToInt(String::length).max().orElse(10);
    b.append(String.format(Locale.ROOT, "%-" + width + "s", "thread group"));
    columns.forEach(c -> b.append(String.format(Locale.ROOT, " %10s", c)));
    b.append('\n');
    for (String g : groups) {
      b.append(String.format(Locale.ROOT, "%-" + width + "s", g));
      for (Result r : results) {
        Double v = r.threadCores().get(g);
        b.append(
            String.format(
                Locale.ROOT, " %10s", v == null ? "-" : String.format(Locale.ROOT, "%.2f", v)));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String cell(double micros) {
    return String.format(
        Locale.ROOT,
        " %10s",
        micros >= 100
            ? String.format(Locale.ROOT, "%.0f", micros)
            : String.format(Locale.ROOT, "%.1f", micros));
  }

  /** "1,8,32" to camera counts; "" to none. */
  public static int[] counts(String spec) {
    if (spec.isBlank()) {
      return new int[0];
    }
    return Arrays.stream(spec.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
