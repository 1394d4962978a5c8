package ai.avloc.stream.job;

import ai.avloc.acoustics.energy.SourceConfirmation;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the localization job is told at submission, as {@code --key value} arguments.
 *
 * @param kafka the brokers ({@code --bootstrap}) with the client settings of {@code --client-config
 *     FILE} (or the file named by {@code AVLOC_KAFKA_CONFIG}): security protocol, SASL credential,
 *     trust store, for every source and sink; plaintext without a file. The file is read where
 *     {@code main} runs, so no secret is on the command line; its {@code bootstrap.servers} stands
 *     in for {@code --bootstrap}
 * @param modelDir SavedModel directory for the mono path; null runs the array path only. Without
 *     {@code --model} the shipped model {@value #SHIPPED_MODEL} is used when the working directory
 *     holds it; {@code --model none} turns the mono path off
 * @param bounded read the topics up to their current end and stop (tests, replays)
 * @param outOfOrderness how far behind a camera's newest event one of its events may still arrive:
 *     each camera's own clock is its newest event less this ({@link WindowAligner})
 * @param idleness how long a camera (or one of its inputs) may send nothing, in processing time,
 *     before its open windows close without it; not used by a bounded read, whose end flushes
 * @param arrayMaxBatch the array path batches more than the mono path: its beamformer turns its
 *     steering weights from bin to bin once per batch, which costs as much as one window's cgemm
 * @param arrayMaxWaitMillis how long an array window may wait for its batch to fill
 * @param arrayBinStride the array map sums every K-th bin of the band (K Hann sub-frames per
 *     window, their band powers averaged): the beamformer's cost per batch falls K times, so
 *     batches can go sooner; 1 is the exact map (docs/beamform.md has the tolerance)
 * @param arrayImaging which implementation beamforms array windows: {@code auto} (the TensorFlow
 *     graph when TensorFlow sees a GPU, else the Java sgemm one, the faster on a CPU), {@code java}
 *     or {@code tensorflow}; chosen once per task at open and logged
 * @param checkpointDir where checkpoints go (a URI; array windows are too big for the JobManager's
 *     memory). The last one is kept when the job is canceled or its cluster lost, to resume from;
 *     the default {@value #CHECKPOINTS}, resolved against the working directory of the process that
 *     runs {@code main} (the submitting client), lies outside the folders {@code flink-stop}
 *     deletes
 * @param closeCompleteWindows close a window as soon as nothing can change it, not only when the
 *     camera's own clock passes it (see {@link WindowAligner#WindowAligner(long, boolean)} and
 *     {@link ArrayAligner#ArrayAligner(boolean)})
 * @param unalignedCheckpoints checkpoint in-flight records instead of aligning barriers: with 32
 *     cameras on 2 cores, aligned checkpoints put p99 at 2–6 s, unaligned ones at 130–155 ms
 * @param watermarkIntervalMillis the longest a record waits in a network buffer (and the interval
 *     of the watermarks the sources would emit; they emit none, each camera keeps its own clock)
 * @param restartFailures the most restarts within {@code restartInterval} (Flink's failure-rate
 *     strategy); a failure beyond that fails the job for good instead of restarting it forever
 * @param restartInterval the sliding interval over which restarts are counted
 * @param restartDelay the pause before each restart
 * @param fromSavepoint a savepoint or retained checkpoint to resume from (job state and source
 *     offsets), or null; on a session cluster {@code flink-submit --from-savepoint} does the same
 * @param replay a replay's range and streams, or null for the live job: the sources then read the
 *     range's records by their timestamps (the job must be {@code bounded}), keep the range's
 *     events of its streams, and publish to the replay's own topics ({@link #localizationsTopic},
 *     {@link #deadLettersTopic}), never the live ones
 */
public record JobConfig(
    ai.avloc.schemas.KafkaConnection kafka,
    String topicPrefix,
    String groupId,
    String modelDir,
    boolean bounded,
    Duration outOfOrderness,
    Duration idleness,
    Duration staleness,
    Duration checkpointInterval,
    int maxBatch,
    long maxWaitMillis,
    double silenceDbfs,
    double monoMaxFlatness,
    String monoConfirm,
    double hfovDeg,
    double vfovDeg,
    double lowHz,
    double highHz,
    int arrayMaxBatch,
    long arrayMaxWaitMillis,
    int arrayBinStride,
    String arrayImaging,
    String checkpointDir,
    long watermarkIntervalMillis,
    boolean closeCompleteWindows,
    boolean unalignedCheckpoints,
    int restartFailures,
    Duration restartInterval,
    Duration restartDelay,
    String fromSavepoint,
    ReplayRange replay)
    implements Serializable {

  public JobConfig {
    if (replay != null && !bounded) {
      throw new IllegalArgumentException(
          "a replay (--replay-from) runs bounded: add --bounded true");
    }
  }

  /** The brokers, {@code host:port[,host:port...]}. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Where the localizations go: the live topic, or the replay's. */
  public String localizationsTopic() {
    return replay == null
        ? ai.avloc.schemas.Topics.withPrefix(topicPrefix).localizations().name()
        : replay.localizationsTopic(topicPrefix);
  }

  /** Where the dead letters go: the live topic, or the replay's. */
  public String deadLettersTopic() {
    return replay == null
        ? ai.avloc.schemas.Topics.withPrefix(topicPrefix).deadLetters().name()
        : replay.deadLettersTopic(topicPrefix);
  }

  /** The default checkpoint directory, relative to the working directory. */
  public static final String CHECKPOINTS = "runs/checkpoints";

  /** The trained compact U-VAE committed with the project, relative to the repository root. */
  public static final String SHIPPED_MODEL = "models/uvae-compact";

  /** What `--help` of the job prints. */
  public static final String USAGE =
      "--bootstrap HOST:PORT [--client-config FILE] [--topic-prefix avloc.] [--group avloc-localization] [--model DIR|none]"
          + " [--bounded true] [--out-of-orderness-ms 300] [--idleness-ms 2000] [--staleness-ms"
          + " 500] [--checkpoint-ms 2000] [--max-batch 32] [--max-wait-ms 20] [--silence-dbfs -70]"
          + " [--mono-max-flatness model] [--mono-confirm model] [--fov 65x50] [--band 500:5000]"
          + " [--array-max-batch 32] [--array-max-wait-ms 150] [--array-bin-stride 4]"
          + " [--array-imaging auto|java|tensorflow] [--checkpoint-dir URI]"
          + " [--watermark-interval-ms 20] [--close-complete-windows true]"
          + " [--unaligned-checkpoints true] [--restart-failures 3] [--restart-interval-s 300]"
          + " [--restart-delay-s 5] [--from-savepoint PATH] [--replay-from INSTANT --replay-to"
          + " INSTANT --replay-streams ID,ID --replay-run NAME [--replay-rate 0|1|4]"
          + " [--replay-arrival-slack-ms 10000]]";

  /** "model": the model card's threshold (NaN here), else a number. */
  static double flatness(String value) {
    return value.equals("model") ? Double.NaN : Double.parseDouble(value);
  }

  /** "model": the model card's rule; else NEEDED/WINDOWS, checked here. */
  static String confirmation(String value) {
    if (!value.equals("model")) {
      try {
        SourceConfirmation.parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--mono-confirm: " + e.getMessage(), e);
      }
    }
    return value;
  }

  /** The model to serve: the one given, none, or the shipped one when it is here. */
  public static String modelDir(String given) {
    if ("none".equals(given)) {
      return null;
    }
    if (given != null) {
      return given;
    }
    java.nio.file.Path shipped = java.nio.file.Path.of(SHIPPED_MODEL);
    return java.nio.file.Files.isRegularFile(shipped.resolve("saved_model.pb"))
        ? shipped.toAbsolutePath().toString()
        : null;
  }

  public static JobConfig parse(String[] args) {
    return parse(args, null);
  }

  /**
   * The job's options with {@code kafka} (when not null) in place of {@code --bootstrap} and {@code
   * --client-config}, which {@code args} must then not hold: for callers that already connect, such
   * as a replay.
   */
  public static JobConfig parse(String[] args, ai.avloc.schemas.KafkaConnection kafka) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs: " + USAGE);
      }
      a.put(args[i].substring(2), args[++i]);
    }
    String bootstrap = a.remove("bootstrap");
    String clientConfig = a.remove("client-config");
    if (kafka != null && (bootstrap != null || clientConfig != null)) {
      throw new IllegalArgumentException(
          "the connection is given: no --bootstrap or --client-config here");
    }
    if (kafka == null
        && bootstrap == null
        && clientConfig == null
        && System.getenv(ai.avloc.schemas.KafkaConnection.ENVIRONMENT) == null) {
      throw new IllegalArgumentException("--bootstrap is required: " + USAGE);
    }
    if (kafka == null) {
      kafka =
          ai.avloc.schemas.KafkaConnection.resolve(
              bootstrap, clientConfig == null ? null : java.nio.file.Path.of(clientConfig));
    }
    String[] fov = take(a, "fov", "65x50").toLowerCase().split("x");
    String[] band = take(a, "band", "500:5000").split(":");
    JobConfig c;
    try {
      c =
          new JobConfig(
              kafka,
              take(a, "topic-prefix", "avloc."),
              take(a, "group", "avloc-localization"),
              modelDir(a.remove("model")),
              Boolean.parseBoolean(take(a, "bounded", "false")),
              Duration.ofMillis(Long.parseLong(take(a, "out-of-orderness-ms", "300"))),
              Duration.ofMillis(Long.parseLong(take(a, "idleness-ms", "2000"))),
              Duration.ofMillis(Long.parseLong(take(a, "staleness-ms", "500"))),
              Duration.ofMillis(Long.parseLong(take(a, "checkpoint-ms", "2000"))),
              Integer.parseInt(take(a, "max-batch", "32")),
              Long.parseLong(take(a, "max-wait-ms", "20")),
              Double.parseDouble(take(a, "silence-dbfs", "-70")),
              flatness(take(a, "mono-max-flatness", "model")),
              confirmation(take(a, "mono-confirm", "model")),
              Double.parseDouble(fov[0]),
              Double.parseDouble(fov[1]),
              Double.parseDouble(band[0]),
              Double.parseDouble(band[1]),
              Integer.parseInt(take(a, "array-max-batch", "32")),
              Long.parseLong(take(a, "array-max-wait-ms", "150")),
              ArrayBeamforming.checkBinStride(Integer.parseInt(take(a, "array-bin-stride", "4"))),
              ai.avloc.serving.beamforming.ImagingBackend.check(take(a, "array-imaging", "auto")),
              take(
                  a,
                  "checkpoint-dir",
                  java.nio.file.Path.of(CHECKPOINTS).toAbsolutePath().toUri().toString()),
              Long.parseLong(take(a, "watermark-interval-ms", "20")),
              Boolean.parseBoolean(take(a, "close-complete-windows", "true")),
              Boolean.parseBoolean(take(a, "unaligned-checkpoints", "true")),
              Integer.parseInt(take(a, "restart-failures", "3")),
              Duration.ofSeconds(Long.parseLong(take(a, "restart-interval-s", "300"))),
              Duration.ofSeconds(Long.parseLong(take(a, "restart-delay-s", "5"))),
              a.remove("from-savepoint"),
              replay(a));
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "a numeric option is not a number (--fov takes HxV, --band LO:HI): "
              + e.getMessage()
              + "; "
              + USAGE,
          e);
    }
    if (!a.isEmpty()) {
      throw new IllegalArgumentException("unknown option(s) " + a.keySet() + ": " + USAGE);
    }
    return c;
  }

  /** The replay the {@code --replay-*} options describe, or null when there is none. */
  static ReplayRange replay(Map<String, String> a) {
    String from = a.remove("replay-from");
    String to = a.remove("replay-to");
    String streams = a.remove("replay-streams");
    String run = a.remove("replay-run");
    String rate = a.remove("replay-rate");
    String slack = a.remove("replay-arrival-slack-ms");
    if (from == null && to == null && streams == null && run == null) {
      if (rate != null || slack != null) {
        throw new IllegalArgumentException(
            "--replay-rate and --replay-arrival-slack-ms need --replay-from");
      }
      return null;
    }
    if (from == null || to == null || streams == null || run == null) {
      throw new IllegalArgumentException(
          "a replay needs --replay-from, --replay-to, --replay-streams and --replay-run: " + USAGE);
    }
    try {
      return new ReplayRange(
          java.time.Instant.parse(from),
          java.time.Instant.parse(to),
          java.util.Arrays.stream(streams.split(","))
              .map(String::strip)
              .filter(s -> !s.isEmpty())
              .toList(),
          run,
          rate == null ? 0 : Double.parseDouble(rate),
          slack == null ? ReplayRange.ARRIVAL_SLACK : Duration.ofMillis(Long.parseLong(slack)));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--replay-from/--replay-to take ISO-8601 instants: " + e.getMessage(), e);
    }
  }

  /** The option's value, removed from {@code a} so that what is left over is unknown. */
  private static String take(Map<String, String> a, String key, String fallback) {
    String value = a.remove(key);
    return value == null ? fallback : value;
  }
}
