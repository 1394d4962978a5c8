package ai.avloc.cli.replay;

import ai.avloc.alerts.RuleReplay;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.serving.ModelCard;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import ai.avloc.stream.job.ReplayRange;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One replay: checks the archive ({@link ArchiveRange}), runs the localization job bounded over the
 * range in this JVM's Flink with a fresh consumer group, publishing to the replay's own topics,
 * prints progress, and reports: {@code DIR/localizations.jsonl}, {@code DIR/summary.json} (with the
 * alerts the current rules would have raised, {@link RuleReplay}) and, through {@link ClipExport},
 * each stream's clip.
 */
public final class ReplayRun {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE = new ObjectMapper();

  /**
   * A replay's settings.
   *
   * @param modelDir the mono path's model; null: the job's default (the shipped model when the
   *     working directory holds it, else the array path only)
   * @param out the report folder, or null for none
   * @param parallelism the job's parallelism; 0 for Flink's default (the cores)
   * @param clips writes each stream's clip into {@code out}; null writes none
   */
  public record Options(
      KafkaConnection bootstrap,
      String topicPrefix,
      ReplayRange range,
      String modelDir,
      Path out,
      int parallelism,
      ClipExport clips) {}

  /**
   * What a replay did.
   *
   * @param localizations the replayed windows, by stream and window
   * @param alerts every alert (START, UPDATE, END) the rules would have raised
   */
  public record Result(
      String localizationsTopic,
      String deadLettersTopic,
      String modelId,
      List<Localization> localizations,
      long deadLetters,
      Duration wall,
      List<Alert> alerts,
      Map<String, Object> summary) {
    public double windowsPerSecond() {
      return localizations.size() / Math.max(1e-9, wall.toNanos() / 1e9);
    }
  }

  private final Options o;
  private final PrintStream log;

  public ReplayRun(Options options, PrintStream log) {
    this.o = options;
    this.log = log;
  }

  public Result run() throws Exception {
    Topics topics = Topics.withPrefix(o.topicPrefix());
    ReplayRange range = o.range();
    ArchiveRange archive = ArchiveRange.check(o.bootstrap(), topics, range);
    String model = o.modelDir() == null ? JobConfig.modelDir(null) : o.modelDir();
    String modelId = model == null ? "none (array path only)" : ModelCard.read(Path.of(model)).id();
    String localizationsTopic = range.localizationsTopic(o.topicPrefix());
    String deadLettersTopic = range.deadLettersTopic(o.topicPrefix());
    TopicAdmin.createMissing(
        o.bootstrap(),
        List.of(
            new NewTopic(localizationsTopic, Optional.empty(), Optional.empty()),
            new NewTopic(deadLettersTopic, Optional.empty(), Optional.empty())));
    log.printf(
        "replay %s of %s, %s to %s (archive %s to %s, %d records to read), model %s -> %s%n",
        range.runId(),
        String.join(",", range.streams()),
        range.from(),
        range.to(),
        archive.earliest(),
        archive.latest(),
        archive.records(),
        modelId,
        localizationsTopic);

    List<String> args =
        new ArrayList<>(
            List.of(
                "--topic-prefix",
                o.topicPrefix(),
                // a fresh group: the live job's offsets stay as they are, a rerun reads afresh
                "--group",
                "avloc-replay-"
                    + range.runId()
                    + "-"
                    + UUID.randomUUID().toString().substring(0, 8),
                "--bounded",
                "true",
                // no checkpoints: a replay that fails is run again, not resumed
                "--checkpoint-ms",
                "0",
                "--model",
                model == null ? "none" : model,
                "--replay-from",
                range.from().toString(),
                "--replay-to",
                range.to().toString(),
                "--replay-streams",
                String.join(",", range.streams()),
                "--replay-run",
                range.runId(),
                "--replay-rate",
                Double.toString(range.rate()),
                "--replay-arrival-slack-ms",
                Long.toString(range.arrivalSlack().toMillis())));
    JobConfig config = JobConfig.parse(args.toArray(String[]::new), o.bootstrap());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (o.parallelism() > 0) {
      env.setParallelism(o.parallelism());
    }
    Configuration noRestarts = new Configuration();
    noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(noRestarts);
    LocalizationJob.configure(env, config);
    LocalizationJob.build(env, config);

    List<Localization> localizations = new ArrayList<>();
    long started = System.nanoTime();
    try (KafkaConsumer<String, byte[]> consumer = consumer(o.bootstrap())) {
      List<TopicPartition> partitions = partitions(consumer, localizationsTopic);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position); // the topic's end before the job: only this run's
      JobClient job = env.executeAsync("avloc replay " + range.runId());
      CompletableFuture<JobExecutionResult> done = job.getJobExecutionResult();
      long lastPrint = System.nanoTime();
      while (!done.isDone()) {
        read(consumer, topics, localizationsTopic, localizations);
        if (System.nanoTime() - lastPrint > 2_000_000_000L) {
          lastPrint = System.nanoTime();
          log.println(progress(localizations, range, started));
        }
      }
      try {
        done.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "the replay job failed: " + rootCause(e).getMessage(), rootCause(e));
      }
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        read(consumer, topics, localizationsTopic, localizations);
      }
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - started);
    localizations.sort(
        Comparator.comparing(Localization::getStreamId)
            .thenComparingLong(Localization::getWindow)
            .thenComparing(l -> l.getMode().name()));
    long deadLetters = count(o.bootstrap(), deadLettersTopic);
    RuleReplay.Rules rules = RuleReplay.validate(rules(o.bootstrap(), topics));
    List<Alert> alerts = RuleReplay.alerts(rules.usable(), localizations);
    Map<String, Object> summary =
        summary(
            archive,
            modelId,
            model,
            localizationsTopic,
            deadLettersTopic,
            localizations,
            deadLetters,
            wall,
            topics.alertRules().name(),
            rules,
            alerts);
    Result result =
        new Result(
            localizationsTopic,
            deadLettersTopic,
            modelId,
            localizations,
            deadLetters,
            wall,
            alerts,
            summary);
    if (o.out() != null) {
      write(result, topics);
    }
    log.printf(
        "replayed %d windows of %s in %.1f s wall (%.1f windows/s), %d with sources, %d alert(s)"
            + " the rules would have raised, %d dead letter(s) -> %s%s%n",
        localizations.size(),
        String.join(",", range.streams()),
        wall.toNanos() / 1e9,
        result.windowsPerSecond(),
        localizations.stream().filter(ReplayRun::hasSources).count(),
        alerts.stream().filter(a -> a.getState() == AlertState.START).count(),
        deadLetters,
        localizationsTopic,
        o.out() == null ? "" : ", report in " + o.out());
    return result;
  }

  private String progress(List<Localization> done, ReplayRange range, long started) {
    Instant newest =
        done.stream().map(Localization::getWindowStart).max(Comparator.naturalOrder()).orElse(null);
    double seconds = (System.nanoTime() - started) / 1e9;
    String at = "";
    if (newest != null) {
      double span = Duration.between(range.from(), range.to()).toMillis();
      double reached = Duration.between(range.from(), newest).toMillis();
      at = String.format(" up to %s (%.0f%% of the range)", newest, 100 * reached / span);
    }
    return String.format(
        "replay: %d windows%s, %.0f s, %.1f windows/s",
        done.size(), at, seconds, done.size() / seconds);
  }

  private void write(Result result, Topics topics) throws IOException {
    Files.createDirectories(o.out());
    try (BufferedWriter w = Files.newBufferedWriter(o.out().resolve("localizations.jsonl"))) {
      for (Localization l : result.localizations()) {
        w.write(JSON_LINE.writeValueAsString(line(l)));
        w.newLine();
      }
    }
    JSON.writeValue(o.out().resolve("summary.json").toFile(), result.summary());
    if (o.clips() != null) {
      Map<String, List<Localization>> byStream = new TreeMap<>();
      result
          .localizations()
          .forEach(l -> byStream.computeIfAbsent(l.getStreamId(), s -> new ArrayList<>()).add(l));
      for (String stream : o.range().streams()) {
        Path mp4 = o.out().resolve(clipName(stream));
        o.clips()
            .write(
                new ClipExport.Stream(
                    o.bootstrap(),
                    topics,
                    o.range(),
                    stream,
                    byStream.getOrDefault(stream, List.of()),
                    mp4));
        log.println("wrote " + mp4);
      }
    }
  }

  /**
   * The clip's file name: a stream id may hold any character but control ones ({@code site/gate-1},
   * {@code ..}), so what a file name cannot hold becomes {@code _} and the clip stays in the output
   * folder.
   */
  static String clipName(String streamId) {
    String name = streamId.replaceAll("[^A-Za-z0-9._-]", "_");
    return (name.matches("\\.*") ? "_" + name : name) + ".mp4";
  }

  /** One line of {@code localizations.jsonl}: the window and its peaks, not the energy map. */
  static Map<String, Object> line(Localization l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stream", l.getStreamId());
    m.put("window", l.getWindow());
    m.put("windowStart", l.getWindowStart().toString());
    m.put("mode", l.getMode().name());
    m.put("modelId", l.getModelId());
    m.put("silent", l.getSilent());
    m.put("inferred", l.getInferred());
    List<Map<String, Object>> peaks = new ArrayList<>();
    for (SourcePeak p : l.getPeaks()) {
      Map<String, Object> peak = new LinkedHashMap<>();
      peak.put("u", p.getPosition().getU());
      peak.put("v", p.getPosition().getV());
      peak.put("row", p.getRow());
      peak.put("col", p.getCol());
      peak.put("value", p.getValue());
      peak.put("contrast", p.getContrast());
      peaks.add(peak);
    }
    m.put("peaks", peaks);
    return m;
  }

  /** A window that publishes sources: not silent, inferred, with peaks. */
  static boolean hasSources(Localization l) {
    return !l.getSilent() && l.getInferred() && !l.getPeaks().isEmpty();
  }

  private Map<String, Object> summary(
      ArchiveRange archive,
      String modelId,
      String modelDir,
      String localizationsTopic,
      String deadLettersTopic,
      List<Localization> localizations,
      long deadLetters,
      Duration wall,
      String rulesTopic,
      RuleReplay.Rules rules,
      List<Alert> alerts) {
    ReplayRange range = o.range();
    Map<String, Long> windows = new TreeMap<>();
    Map<String, Long> withSources = new TreeMap<>();
    Map<String, Long> episodes = new TreeMap<>();
    Map<String, Long> lastSourceWindow = new HashMap<>();
    for (String stream : range.streams()) {
      windows.put(stream, 0L);
      withSources.put(stream, 0L);
      episodes.put(stream, 0L);
    }
    for (Localization l : localizations) { // sorted by stream and window
      String s = l.getStreamId();
      windows.merge(s, 1L, Long::sum);
      if (hasSources(l)) {
        withSources.merge(s, 1L, Long::sum);
        Long last = lastSourceWindow.get(s);
        // an episode: consecutive windows with sources; a window without them ends it
        if (last == null || last < l.getWindow() - 1) {
          episodes.merge(s, 1L, Long::sum);
        }
        lastSourceWindow.put(s, l.getWindow());
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", range.runId());
    m.put("from", range.from().toString());
    m.put("to", range.to().toString());
    m.put("streams", range.streams());
    m.put("rate", range.rate() == 0 ? "max" : range.rate() + "x");
    m.put("modelId", modelId);
    m.put("modelDir", modelDir);
    m.put("localizationsTopic", localizationsTopic);
    m.put("deadLettersTopic", deadLettersTopic);
    m.put(
        "archive",
        Map.of("earliest", archive.earliest().toString(), "latest", archive.latest().toString()));
    m.put("recordsInRange", archive.records());
    m.put("windows", localizations.size());
    m.put("windowsPerStream", windows);
    m.put("windowsWithSources", withSources);
    m.put("sourceEpisodes", episodes);
    m.put("deadLetters", deadLetters);
    m.put("wallSeconds", Math.round(wall.toMillis()) / 1000.0);
    m.put(
        "windowsPerSecond",
        Math.round(10 * localizations.size() / Math.max(1e-9, wall.toNanos() / 1e9)) / 10.0);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("rulesTopic", rulesTopic);
    a.put("rules", rules.usable().stream().map(AlertRule::getRuleId).toList());
    a.put("invalidRules", rules.invalid());
    List<Map<String, Object>> raised = new ArrayList<>();
    Map<String, Alert> ends = new HashMap<>();
    alerts.stream()
        .filter(x -> x.getState() == AlertState.END)
        .forEach(x -> ends.put(x.getAlertId(), x));
    for (Alert start : alerts) {
      if (start.getState() != AlertState.START) {
        continue;
      }
      Alert end = ends.get(start.getAlertId());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("alertId", start.getAlertId());
      r.put("ruleId", start.getRuleId());
      r.put("ruleName", start.getRuleName());
      r.put("stream", start.getStreamId());
      r.put("startWindow", start.getStartWindow());
      r.put("start", start.getTimestamp().toString());
      r.put("end", end == null ? null : end.getTimestamp().toString());
      r.put("peakContrast", end == null ? start.getPeakContrast() : end.getPeakContrast());
      raised.add(r);
    }
    a.put("raised", raised.size());
    a.put("alerts", raised);
    m.put("alerts", a);
    return m;
  }

  private static KafkaConsumer<String, byte[]> consumer(KafkaConnection bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(
        bootstrap.config(config), new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<String, byte[]> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
    if (infos == null || infos.isEmpty()) {
      return List.of();
    }
    return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private static void read(
      KafkaConsumer<String, byte[]> consumer,
      Topics topics,
      String topic,
      List<Localization> into) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
      into.add(topics.localizations().values().deserialize(topic, r.value()));
    }
  }

  /** How many committed records a topic holds. */
  private static long count(KafkaConnection bootstrap, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
      return partitions.stream().mapToLong(p -> ends.get(p) - starts.get(p)).sum();
    }
  }

  /** The rules on the rules topic now: each key's newest value, deletions applied. */
  public static List<AlertRule> rules(String bootstrap, Topics topics) {
    return rules(KafkaConnection.plaintext(bootstrap), topics);
  }

  /** As above, with the connection's security settings and principal. */
  public static List<AlertRule> rules(KafkaConnection bootstrap, Topics topics) {
    String topic = topics.alertRules().name();
    Map<String, AlertRule> byId = new TreeMap<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      if (partitions.isEmpty()) {
        return List.of();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          if (r.value() == null) {
            byId.remove(r.key());
          } else {
            try {
              byId.put(r.key(), topics.alertRules().values().deserialize(topic, r.value()));
            } catch (RuntimeException e) {
              byId.remove(r.key()); // the alerts app sends an undecodable rule to dead letters
            }
          }
        }
      }
    }
    return List.copyOf(byId.values());
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
