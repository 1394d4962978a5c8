package ai.avloc.cli;

import ai.avloc.cli.replay.ArchiveClips;
import ai.avloc.cli.replay.ExportReplay;
import ai.avloc.cli.replay.RangeBound;
import ai.avloc.cli.replay.ReplayRun;
import ai.avloc.schemas.Topics;
import ai.avloc.serving.ModelCard;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.ReplayRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-analyses archived camera streams: reads the camera topics for a time",
      "range (offsetsForTimes), runs the localization job over it bounded in this",
      "JVM with the events' own times, and publishes to",
      "<prefix>localizations.replay.<suffix>, never to the live topic. With --out:",
      "localizations.jsonl, summary.json and an evidence clip <stream>.mp4.",
      "An empty range, an unknown stream or a range older than the archive's",
      "retention is refused (exit 2).",
      "Times: ISO-8601 (2026-12-04T10:00:00Z), now, or before now (-10m, -2h, -1d).",
      "NVR exports (--video instead of --stream): the files replay at their own",
      "time (the container's creation_time or --start-time) on a private broker",
      "started for the replay; --from/--to may then be times after their start",
      "(+30s) and default to the whole recording.",
      ""
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--stream",
      split = ",",
      description = "the stream id(s) to replay, comma separated or repeated")
  List<String> streams;

  @Option(
      names = "--video",
      description = "a media file of an NVR export to replay instead of the archive (repeatable)")
  List<Path> videos;

  @Option(
      names = "--stream-id",
      description = "with --video: each file's stream id in order (default: the file's name)")
  List<String> streamIds;

  @Option(
      names = "--start-time",
      description =
          "with --video: when the files' recording started, an ISO instant, or creation-time:"
              + " each container's creation_time (default: creation-time)")
  String startTime;

  @Option(
      names = "--from",
      converter = RangeBoundConverter.class,
      description = "start of the range; with --video also +30s after the recording's start")
  RangeBound from;

  @Option(
      names = "--to",
      converter = RangeBoundConverter.class,
      description = "end of the range (exclusive); with --video also +30s after the start")
  RangeBound to;

  @Option(
      names = "--rate",
      defaultValue = "max",
      description =
          "max: as fast as it can; 1x: the archive read at the speed it was recorded (event time"
              + " paces the read); 4x: four times that (default: ${DEFAULT-VALUE})")
  String rate;

  @Option(
      names = "--model",
      description =
          "re-analyse with this model (A/B against the live one); default: the job's default model")
  Path model;

  @Option(
      names = "--out",
      description = "write localizations.jsonl and summary.json (and the clips) into this folder")
  Path out;

  @Option(
      names = "--topic-suffix",
      description =
          "names the replay's topics <prefix>localizations.replay.<suffix> (default: the start time"
              + " of the replay and the model, e.g. 20261204-101500-bright-spot-1)")
  String suffix;

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX)
  String prefix;

  @Option(
      names = "--arrival-slack",
      description =
          "how much later than its event time a camera record's Kafka timestamp may be (topics"
              + " stamped with the broker's clock) (default: 10s)")
  Duration arrivalSlack;

  @Option(
      names = "--parallelism",
      defaultValue = "0",
      description = "the job's parallelism (default: the cores)")
  int parallelism;

  @Override
  public Integer call() throws Exception {
    boolean export = videos != null;
    if (export && streams != null) {
      throw new IllegalArgumentException(
          "--video and --stream exclude each other: --video replays media files of an export,"
              + " --stream the archive on --bootstrap");
    }
    if (!export && streams == null) {
      throw new IllegalArgumentException(
          "give --stream (streams of the archive on --bootstrap) or --video (media files of an"
              + " NVR export)");
    }
    if (export) {
      for (String archiveOnly : List.of("--bootstrap", "--client-config", "--arrival-slack")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(archiveOnly)) {
          throw new IllegalArgumentException(
              archiveOnly
                  + " is for the archive (--stream); --video replays on a private broker of its"
                  + " own");
        }
      }
    } else {
      for (String exportOnly : List.of("--stream-id", "--start-time")) {
        if (spec.commandLine().getParseResult().hasMatchedOption(exportOnly)) {
          throw new IllegalArgumentException(exportOnly + " goes with --video (an NVR export)");
        }
      }
    }
    if (model != null && !Files.isRegularFile(model.resolve("saved_model.pb"))) {
      throw new IllegalArgumentException("--model " + model + " holds no saved_model.pb");
    }
    String modelDir = model == null ? null : model.toAbsolutePath().toString();
    if (export) {
      return exportReplay(modelDir);
    }
    if (from == null || to == null) {
      throw new IllegalArgumentException("--stream needs --from and --to: the range to replay");
    }
    Instant start = instant(from, "--from");
    Instant end = instant(to, "--to");
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException(
          "the range is empty: --from " + start + " is not before --to " + end);
    }
    List<String> ids = streams.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("--stream names no stream");
    }
    String runId = suffix != null ? suffix : defaultSuffix(modelDir);
    ReplayRange range =
        new ReplayRange(
            start,
            end,
            ids,
            runId,
            rate(rate),
            arrivalSlack == null ? ReplayRange.ARRIVAL_SLACK : arrivalSlack);
    new ReplayRun(
            new ReplayRun.Options(
                kafka.connection(),
                prefix,
                range,
                modelDir,
                out,
                parallelism,
                new ArchiveClips(System.out)),
            System.out)
        .run();
    return 0;
  }

  /** --video: the files at their own time on a private broker, the same replay over them. */
  private int exportReplay(String modelDir) throws Exception {
    Instant start = null;
    if (startTime != null && !startTime.strip().equalsIgnoreCase("creation-time")) {
      try {
        start = new InstantConverter().convert(startTime);
      } catch (picocli.CommandLine.TypeConversionException e) {
        throw new IllegalArgumentException(
            "--start-time '"
                + startTime
                + "': expected creation-time or an ISO-8601 instant such as"
                + " 2026-12-04T10:00:00Z");
      }
    }
    new ExportReplay(
            new ExportReplay.Options(
                ExportReplay.checkout(Path.of("").toAbsolutePath()),
                videos,
                streamIds == null ? List.of() : streamIds,
                start,
                from,
                to,
                prefix,
                suffix != null ? suffix : defaultSuffix(modelDir),
                rate(rate),
                modelDir,
                out,
                parallelism,
                new ArchiveClips(System.out)),
            System.out)
        .run();
    return 0;
  }

  /** An archive replay's bound: an instant; a time after a recording's start has no meaning. */
  private static Instant instant(RangeBound bound, String option) {
    if (bound.relative()) {
      throw new IllegalArgumentException(
          option
              + " "
              + bound
              + ": a time after the recording's start is for --video; the archive takes an"
              + " instant or a time before now (-10m)");
    }
    return bound.instant();
  }

  /**
   * "max", "1x", "4x", "0.5x" (or a bare factor): seconds of event time per second of wall time.
   */
  static double rate(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("max")) {
      return 0;
    }
    try {
      double factor = Double.parseDouble(t.endsWith("x") ? t.substring(0, t.length() - 1) : t);
      if (factor > 0 && !Double.isInfinite(factor)) {
        return factor;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--rate '" + text + "': expected max, 1x, 4x or another factor");
  }

  /** The replay's start time and its model: a topic name that says when and with what. */
  static String defaultSuffix(String modelDir) throws java.io.IOException {
    String shipped = modelDir != null ? modelDir : JobConfig.modelDir(null);
    String model = shipped == null ? "array" : ModelCard.read(Path.of(shipped)).id();
    String slug =
        Arrays.stream(model.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"))
            .filter(s -> !s.isEmpty())
            .reduce((a, b) -> a + "-" + b)
            .orElse("model");
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now())
        + "-"
        + slug;
  }
}
