package ai.avloc.cli.replay;

import ai.avloc.infra.LocalKafka;
import ai.avloc.ingest.CameraEvents;
import ai.avloc.ingest.ContainerTime;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.MediaFileSource;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.job.ReplayRange;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.FrameGrabber;

/**
 * A replay of media files from an NVR export, at the time they were recorded: each file is
 * published at its own time (the container's {@code creation_time}, or a start given) to a private
 * Kafka broker started for this replay alone, then the same bounded {@link ReplayRun} as an archive
 * replay runs over the range and writes the same report and clips; the broker is stopped and its
 * folder deleted afterwards, on failure and on Ctrl-C as well.
 *
 * <p>Why a private broker rather than the site's archive: the site's camera topics are stamped with
 * the broker's clock, so a recording of 2018 published today could not be found by its own time,
 * and on topics stamped with event times a retention of days would delete it within minutes. On the
 * private broker the camera topics keep the events' own times ({@code CreateTime}) and nothing is
 * deleted by age.
 */
public final class ExportReplay {
  static {
    // opening a file prints its streams at FFmpeg's info level; errors are enough here
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
  }

  /**
   * The arrival slack on the private broker: records carry their event times, truncated to the
   * millisecond, so a second covers every record of the range.
   */
  static final Duration SLACK = Duration.ofSeconds(1);

  /**
   * Media published between waits for the broker's acknowledgements: the producer's buffer drops
   * events once full, so publishing never runs further ahead of the broker than this.
   */
  static final Duration PUBLISH_STEP = Duration.ofSeconds(10);

  /**
   * One media file of the export and where it lies in time.
   *
   * @param start the wall-clock time of its media time 0
   * @param length its media length as the container gives it (zero when it gives none)
   * @param startFrom where {@code start} comes from: "creation_time" or "--start-time"
   */
  public record Recording(
      Path file, String streamId, Instant start, Duration length, String startFrom) {
    public Instant end() {
      return start.plus(length);
    }
  }

  /**
   * An export replay's settings.
   *
   * @param checkout the avloc checkout, whose {@code infra/bin/kafka-start} starts the broker
   * @param files the media files, one stream each
   * @param streamIds the files' stream ids in order; missing ones are the file names without
   *     extension
   * @param startTime every file's start, or null for each container's {@code creation_time}
   * @param from the range's start, or null for the recordings' first event
   * @param to the range's end (exclusive), or null for the end of the recordings' last window
   * @param runId names the replay's topics on the private broker
   * @param rate seconds of event time per second of wall time in the job, 0 for as fast as it can
   * @param modelDir the mono path's model, or null for the job's default
   * @param out the report folder, or null for none; the broker's folder goes here too
   * @param parallelism the job's parallelism, 0 for the cores
   * @param clips writes each stream's clip into {@code out}; null writes none
   */
  public record Options(
      Path checkout,
      List<Path> files,
      List<String> streamIds,
      Instant startTime,
      RangeBound from,
      RangeBound to,
      String topicPrefix,
      String runId,
      double rate,
      String modelDir,
      Path out,
      int parallelism,
      ClipExport clips) {}

  private final Options o;
  private final PrintStream log;
  private final AtomicBoolean brokerStopped = new AtomicBoolean();
  private LocalKafka kafka;

  public ExportReplay(Options options, PrintStream log) {
    this.o = options;
    this.log = log;
  }

  /**
   * Reads each file's recording start and length, refusing a file without a start.
   *
   * @throws IllegalArgumentException for a missing or unreadable file, a file whose container has
   *     no {@code creation_time} while {@code startTime} is null, or more stream ids than files
   */
  public static List<Recording> recordings(
      List<Path> files, List<String> streamIds, Instant startTime) {
    if (streamIds.size() > files.size()) {
      throw new IllegalArgumentException(
          streamIds.size() + " --stream-id for " + files.size() + " --video file(s)");
    }
    List<Recording> recordings = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      Instant start = startTime;
      if (start == null) {
        start =
            ContainerTime.creationTime(file)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            file
                                + ": its container holds no creation_time; give --start-time,"
                                + " the instant its recording started (e.g."
                                + " 2026-12-04T10:00:00Z)"));
      }
      String id = i < streamIds.size() ? streamIds.get(i).strip() : baseName(file);
      if (!id.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "stream id '" + id + "' of " + file + ": use letters, digits, '.', '_' and '-'");
      }
      if (!used.add(id)) {
        throw new IllegalArgumentException(
            "two files would both be stream " + id + ": give each its own --stream-id");
      }
      recordings.add(
          new Recording(
              file, id, start, length(file), startTime == null ? "creation_time" : "--start-time"));
    }
    return recordings;
  }

  /**
   * The avloc checkout holding {@code dir}, whose {@code infra/bin/kafka-start} starts the private
   * broker: {@code ./avloc} runs in it, a module's tests one folder below.
   */
  public static Path checkout(Path dir) {
    for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isExecutable(d.resolve("infra/bin/kafka-start"))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "--video replays on a private Kafka broker started by infra/bin/kafka-start, and "
            + dir.toAbsolutePath()
            + " is not inside the avloc checkout: run ./avloc from the checkout");
  }

  /** Publishes the files on a private broker, replays the range there and stops the broker. */
  public ReplayRun.Result run() throws Exception {
    List<Recording> recordings = recordings(o.files(), o.streamIds(), o.startTime());
    Instant first = recordings.stream().map(Recording::start).min(Comparator.naturalOrder()).get();
    // a container without a length (zero) leaves the recordings' end open until published
    Instant last =
        recordings.stream().anyMatch(r -> r.length().isZero())
            ? null
            : recordings.stream().map(Recording::end).max(Comparator.naturalOrder()).get();
    for (Recording r : recordings) {
      log.printf(
          Locale.ROOT,
          "%s: %s, recorded from %s (%s)%s%n",
          r.streamId(),
          r.file(),
          r.start(),
          r.startFrom(),
          r.length().isZero()
              ? ", its container gives no length"
              : String.format(
                  Locale.ROOT, " to %s, %.1f s", r.end(), r.length().toMillis() / 1000.0));
    }
    Instant from = o.from() == null ? null : o.from().resolve(first);
    Instant to = o.to() == null ? null : o.to().resolve(first);
    checkRange(from, to, first, last);

    Thread hook = new Thread(this::stopBroker, "replay-broker-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Path parent = o.out() != null ? o.out() : o.checkout().resolve("runs");
      Files.createDirectories(parent);
      // a fresh folder: a broker never starts on the data of an earlier replay
      Path dir = Files.createTempDirectory(parent, "replay-kafka-");
      try {
        kafka = LocalKafka.start(o.checkout(), dir);
      } catch (IOException e) {
        // a node that started but never listened is still stopped by its pid, its folder deleted
        try {
          LocalKafka.Scripts.run(o.checkout(), "infra/bin/kafka-stop", "--dir", dir.toString());
        } catch (IOException stop) {
          e.addSuppressed(stop);
        }
        throw new IllegalStateException(
            "the private Kafka broker did not start: " + e.getMessage(), e);
      }
      String bootstrap = kafka.bootstrapServers();
      log.println("private Kafka broker " + bootstrap + " in " + dir);
      Topics topics = Topics.withPrefix(o.topicPrefix());
      // the replay's topic names depend on its run id only
      ReplayRange names = range(first, first.plusSeconds(1), recordings);
      TopicAdmin.createMissing(bootstrap, topics(o.topicPrefix(), names));

      Published published = publish(bootstrap, topics, recordings, first, to);
      if (from == null) {
        from = published.first();
      } else if (from.isBefore(published.first())) {
        throw new IllegalArgumentException(
            "--from "
                + from
                + " is before the recordings' first event, at "
                + published.first()
                + ": replay from then or later");
      }
      if (to == null) {
        // every window the recordings have an event in
        long window = WindowClock.windowOf(micros(published.last()));
        to = Instant.EPOCH.plus(WindowClock.endMicros(window), ChronoUnit.MICROS);
      }
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("the range is empty: " + from + " is not before " + to);
      }
      return new ReplayRun(
              new ReplayRun.Options(
                  KafkaConnection.plaintext(bootstrap),
                  o.topicPrefix(),
                  range(from, to, recordings),
                  o.modelDir(),
                  o.out(),
                  o.parallelism(),
                  o.clips()),
              log)
          .run();
    } finally {
      stopBroker();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is stopping the broker
      }
    }
  }

  private ReplayRange range(Instant from, Instant to, List<Recording> recordings) {
    return new ReplayRange(
        from,
        to,
        recordings.stream().map(Recording::streamId).toList(),
        o.runId(),
        o.rate(),
        SLACK);
  }

  /** A range that misses the recordings is refused before any broker starts. */
  private static void checkRange(Instant from, Instant to, Instant first, Instant last) {
    String covers = "the recordings cover " + first + " to " + (last == null ? "?" : last);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException(
          "the range is empty: --from " + from + " is not before --to " + to);
    }
    if (from != null && from.isBefore(first)) {
      throw new IllegalArgumentException(
          "--from " + from + " is before the recordings start; " + covers);
    }
    if (from != null && last != null && !from.isBefore(last)) {
      throw new IllegalArgumentException(
          "--from " + from + " is after the recordings end; " + covers);
    }
    if (to != null && !to.isAfter(first)) {
      throw new IllegalArgumentException(
          "--to " + to + " is before the recordings start; " + covers);
    }
  }

  /**
   * Every topic the replay uses: the camera topics with the events' own times as timestamps and no
   * deletion by age or size, the rest as a site has them, and the replay's own topics, also kept
   * however old their windows' times are.
   */
  private static List<NewTopic> topics(String prefix, ReplayRange range) {
    Topics topics = Topics.withPrefix(prefix);
    Map<String, String> archive =
        Map.of(
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1");
    Set<String> camera =
        Set.of(topics.frames().name(), topics.audio().name(), topics.arrayAudio().name());
    List<NewTopic> wanted = new ArrayList<>();
    for (NewTopic t : TopicAdmin.standard(topics, 1)) {
      if (camera.contains(t.name())) {
        wanted.add(new NewTopic(t.name(), 1, (short) 1).configs(archive));
      } else {
        wanted.add(t);
      }
    }
    Map<String, String> kept =
        Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1");
    wanted.add(new NewTopic(range.localizationsTopic(prefix), 1, (short) 1).configs(kept));
    wanted.add(new NewTopic(range.deadLettersTopic(prefix), 1, (short) 1).configs(kept));
    return wanted;
  }

  /** The event times published: the first and the latest. */
  private record Published(Instant first, Instant last) {}

  /**
   * Publishes the files merged by event time, as fast as the broker acknowledges, up to what the
   * range needs ({@code to} plus the last window and the slack; all of it when {@code to} is null).
   */
  private Published publish(
      String bootstrap, Topics topics, List<Recording> recordings, Instant first, Instant to)
      throws IOException, InterruptedException {
    DecodeOptions media =
        new DecodeOptions(
            ModelShapes.FRAME_WIDTH,
            ModelShapes.FRAME_HEIGHT,
            WindowClock.WINDOWS_PER_SECOND,
            0.9f,
            WindowClock.SAMPLES_PER_WINDOW);
    // the window holding to, and the slack the range reads past it
    long stopAt =
        to == null
            ? Long.MAX_VALUE
            : WindowClock.endMicros(WindowClock.windowOf(micros(to))) + SLACK.toNanos() / 1000;
    List<MediaFileSource> cameras = new ArrayList<>();
    Times times;
    Gateway.Progress done;
    try (KafkaCameraEvents events = new KafkaCameraEvents(bootstrap, topics)) {
      times = new Times(events);
      try {
        for (Recording r : recordings) {
          cameras.add(new MediaFileSource(r.file(), r.streamId(), r.start(), media, false));
        }
      } catch (RuntimeException | IOException e) {
        cameras.forEach(MediaFileSource::close);
        throw e;
      }
      try (Gateway gateway = new Gateway(cameras, times, Gateway.Pace.MAX)) {
        // media time counts from the first event, at or after the earliest recording start
        long published = 0;
        long needed = stopAt == Long.MAX_VALUE ? Long.MAX_VALUE : stopAt - micros(first);
        do {
          long step = Math.min(PUBLISH_STEP.toNanos() / 1000, needed - published);
          done = gateway.publish(Duration.of(step, ChronoUnit.MICROS));
          published += step;
          events.flush();
        } while (!gateway.isFinished() && published < needed);
      }
      KafkaCameraEvents.Delivery delivery = events.delivery();
      if (delivery.dropped() > 0 || delivery.failed() > 0) {
        throw new IllegalStateException(
            "the private broker lost "
                + (delivery.dropped() + delivery.failed())
                + " of the recordings' events ("
                + delivery.dropped()
                + " dropped, "
                + delivery.failed()
                + " failed)");
      }
    }
    if (times.first == Long.MAX_VALUE) {
      throw new IllegalArgumentException("the files hold no events to replay");
    }
    log.println("published " + done);
    return new Published(instant(times.first), instant(times.latest));
  }

  /** Passes events on and notes the first and latest event time. */
  private static final class Times implements CameraEvents {
    private final CameraEvents sink;
    long first = Long.MAX_VALUE;
    long latest = Long.MIN_VALUE;

    Times(CameraEvents sink) {
      this.sink = sink;
    }

    @Override
    public void frame(VideoFrame frame) {
      note(frame.getTimestamp());
      sink.frame(frame);
    }

    @Override
    public void audio(AudioChunk chunk) {
      note(chunk.getTimestamp());
      sink.audio(chunk);
    }

    @Override
    public void array(ArrayChunk chunk) {
      note(chunk.getTimestamp());
      sink.array(chunk);
    }

    private void note(Instant t) {
      long m = micros(t);
      first = Math.min(first, m);
      latest = Math.max(latest, m);
    }
  }

  /** Stops the private broker once, by its pid, deleting its folder. */
  private void stopBroker() {
    if (kafka == null || !brokerStopped.compareAndSet(false, true)) {
      return;
    }
    try {
      kafka.close();
      log.println("stopped the private Kafka broker");
    } catch (IOException e) {
      log.println("could not stop the private Kafka broker: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The container's length, zero when it gives none. */
  private static Duration length(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    try (FFmpegFrameGrabber probe = new FFmpegFrameGrabber(file.toFile())) {
      probe.start();
      return Duration.of(Math.max(0, probe.getLengthInTime()), ChronoUnit.MICROS);
    } catch (FrameGrabber.Exception e) {
      throw new IllegalArgumentException(
          file + ": FFmpeg cannot open it as media: " + e.getMessage(), e);
    }
  }

  private static String baseName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
