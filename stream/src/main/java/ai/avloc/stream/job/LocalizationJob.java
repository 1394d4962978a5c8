package ai.avloc.stream.job;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.kafka.CommittingKafkaSource;
import ai.avloc.stream.kafka.DeadLetters;
import ai.avloc.stream.kafka.Decoded;
import ai.avloc.stream.kafka.EventDecoder;
import ai.avloc.stream.kafka.Failed;
import ai.avloc.stream.kafka.LocalizationSink;
import ai.avloc.stream.kafka.Split;
import ai.avloc.stream.kafka.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The localization job: Kafka sources, 1/12 s alignment per stream on each camera's own clock, the
 * mono path (MFCC + a contract model through DJL) and the array path (beamforming), and
 * exactly-once sinks for localizations and dead letters. The parts are static functions that take
 * their inputs from outside, so tests can feed them in-memory streams; {@link #build} wires them to
 * Kafka and {@link #main} submits that graph.
 */
public final class LocalizationJob {
  private LocalizationJob() {}

  /**
   * What the sources give for event time: no watermarks. A watermark is per source split (a Kafka
   * partition) and the operator downstream takes the lowest of its inputs, so one camera could
   * close or hold back the windows of every camera that shares its partition or subtask; each
   * camera keeps its own clock in the aligners instead ({@link WindowAligner}, {@link
   * ArrayAligner}). A bounded read still ends with the final watermark, which flushes every window
   * left open.
   */
  public static <E> WatermarkStrategy<E> perCameraEventTime() {
    return WatermarkStrategy.noWatermarks();
  }

  /**
   * Frames from Kafka, decoded and validated; failures stay in the stream as {@link Decoded}
   * failures.
   */
  public static Source<Decoded<FrameEvent>, ?, ?> frameSource(
      String bootstrapServers, String topic, String groupId, boolean bounded) {
    return frameSource(KafkaConnection.plaintext(bootstrapServers), topic, groupId, bounded, null);
  }

  /** As above; a replay's source reads only its range's records (see {@link ReplayRange}). */
  public static Source<Decoded<FrameEvent>, ?, ?> frameSource(
      KafkaConnection kafka, String topic, String groupId, boolean bounded, ReplayRange replay) {
    return source(
        kafka,
        topic,
        groupId,
        bounded,
        replay,
        new EventDecoder<>(
            VideoFrame.class,
            Validation::frame,
            TypeInformation.of(new TypeHint<Decoded<FrameEvent>>() {})));
  }

  /** Audio chunks from Kafka, decoded and validated. */
  public static Source<Decoded<AudioEvent>, ?, ?> audioSource(
      String bootstrapServers, String topic, String groupId, boolean bounded) {
    return audioSource(KafkaConnection.plaintext(bootstrapServers), topic, groupId, bounded, null);
  }

  /** As above; a replay's source reads only its range's records (see {@link ReplayRange}). */
  public static Source<Decoded<AudioEvent>, ?, ?> audioSource(
      KafkaConnection kafka, String topic, String groupId, boolean bounded, ReplayRange replay) {
    return source(
        kafka,
        topic,
        groupId,
        bounded,
        replay,
        new EventDecoder<>(
            AudioChunk.class,
            Validation::audio,
            TypeInformation.of(new TypeHint<Decoded<AudioEvent>>() {})));
  }

  private static <E> Source<Decoded<E>, ?, ?> source(
      KafkaConnection kafka,
      String topic,
      String groupId,
      boolean bounded,
      ReplayRange replay,
      EventDecoder<?, E> decoder) {
    KafkaSourceBuilder<Decoded<E>> builder =
        KafkaSource.<Decoded<E>>builder()
            // the client config's security settings first; the job's own below override them
            .setProperties(kafka.settingsAsProperties())
            .setBootstrapServers(kafka.bootstrapServers())
            .setTopics(topic)
            .setGroupId(groupId)
            // a live job resumes where its consumer group left off, so a resubmission without a
            // checkpoint does not publish its windows again; a replay reads the topic as it is
            .setStartingOffsets(
                replay != null
                    ? OffsetsInitializer.timestamp(replay.readFrom().toEpochMilli())
                    : bounded
                        ? OffsetsInitializer.earliest()
                        : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setProperty("isolation.level", "read_committed")
            // offsets go to the group with each completed checkpoint, as the sinks' transactions do
            .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "true")
            .setDeserializer(decoder);
    if (replay != null) {
      // a partition with nothing at or after the timestamp stops at its end as it is now
      return builder
          .setBounded(OffsetsInitializer.timestamp(replay.readTo().toEpochMilli()))
          .build();
    }
    if (bounded) {
      return builder.setBounded(OffsetsInitializer.latest()).build();
    }
    // the connector alone leaves a quiet topic's commits waiting up to 10 s (decisions.md,
    // "Source offsets reach the group with each checkpoint")
    return new CommittingKafkaSource<>(builder.build());
  }

  /**
   * Splits decoded records: events continue, failures go to the {@link DeadLetters#TAG} side
   * output.
   */
  public static <E> SingleOutputStreamOperator<E> splitFailures(
      DataStream<Decoded<E>> decoded, Class<E> type, String uid) {
    return decoded.process(new Split<E>()).returns(type).uid(uid).name(uid);
  }

  /**
   * One {@link AlignedWindow} per stream and 1/12 s; rejected events on {@link
   * WindowAligner#REJECTED}. Each camera's clock has the job's default out-of-orderness and
   * idleness bounds.
   */
  public static SingleOutputStreamOperator<AlignedWindow> alignWindows(
      DataStream<FrameEvent> frames, DataStream<AudioEvent> audio, Duration staleness) {
    return alignWindows(
        frames, audio, staleness, false, WindowAligner.OUT_OF_ORDERNESS, WindowAligner.IDLENESS);
  }

  /**
   * As above; {@code closeWhenComplete} see {@link WindowAligner#WindowAligner(long, boolean)},
   * {@code outOfOrderness} and {@code idleness} set each camera's clock.
   */
  public static SingleOutputStreamOperator<AlignedWindow> alignWindows(
      DataStream<FrameEvent> frames,
      DataStream<AudioEvent> audio,
      Duration staleness,
      boolean closeWhenComplete,
      Duration outOfOrderness,
      Duration idleness) {
    return frames
        .connect(audio)
        .keyBy(FrameEvent::streamId, AudioEvent::streamId)
        .process(
            new WindowAligner(
                staleness.toNanos() / 1000,
                closeWhenComplete,
                WindowAligner.MAX_OPEN_WINDOWS,
                outOfOrderness,
                idleness))
        .uid("window-aligner")
        .name("align 1/12 s windows");
  }

  /** Array chunks from Kafka, decoded and validated. */
  public static Source<Decoded<ArrayEvent>, ?, ?> arraySource(
      String bootstrapServers, String topic, String groupId, boolean bounded) {
    return arraySource(KafkaConnection.plaintext(bootstrapServers), topic, groupId, bounded, null);
  }

  /** As above; a replay's source reads only its range's records (see {@link ReplayRange}). */
  public static Source<Decoded<ArrayEvent>, ?, ?> arraySource(
      KafkaConnection kafka, String topic, String groupId, boolean bounded, ReplayRange replay) {
    return source(
        kafka,
        topic,
        groupId,
        bounded,
        replay,
        new EventDecoder<>(
            ArrayChunk.class,
            Validation::array,
            TypeInformation.of(new TypeHint<Decoded<ArrayEvent>>() {})));
  }

  /**
   * One {@link ArrayWindow} per array stream and 1/12 s; see {@link
   * ArrayAligner#ArrayAligner(boolean)}; {@code outOfOrderness} and {@code idleness} set each
   * camera's clock.
   */
  public static SingleOutputStreamOperator<ArrayWindow> alignArrays(
      DataStream<ArrayEvent> chunks,
      boolean closeWhenComplete,
      Duration outOfOrderness,
      Duration idleness) {
    return chunks
        .keyBy(ArrayEvent::streamId)
        .process(
            new ArrayAligner(
                closeWhenComplete, ArrayAligner.MAX_OPEN_WINDOWS, outOfOrderness, idleness))
        .uid("array-aligner")
        .name("align array windows");
  }

  /** The mono path's inference, batched across the streams of a subtask. */
  public static SingleOutputStreamOperator<Localization> monoInference(
      DataStream<AlignedWindow> windows, JobConfig c) {
    return windows
        .transform(
            "mono inference",
            TypeInformation.of(Localization.class),
            new MonoInference(
                c.modelDir(),
                Topics.withPrefix(c.topicPrefix()).frames().name(),
                c.silenceDbfs(),
                c.monoMaxFlatness(),
                c.maxBatch(),
                c.maxWaitMillis()))
        .uid("mono-inference");
  }

  /**
   * The mono path's sources confirmed per stream over consecutive windows ({@link
   * SourceConfirmer}): a lone window whose map stands out is published silent.
   */
  public static SingleOutputStreamOperator<Localization> confirmSources(
      DataStream<Localization> inferred, JobConfig c) {
    return inferred
        .keyBy(Localization::getStreamId)
        .process(new SourceConfirmer(c.monoConfirm(), c.modelDir()))
        .uid("mono-source-confirmation")
        .name("confirm sources");
  }

  /** The array path's beamforming, batched per geometry. */
  public static SingleOutputStreamOperator<Localization> arrayBeamforming(
      DataStream<ArrayWindow> windows, JobConfig c) {
    return windows
        .transform(
            "array beamforming",
            TypeInformation.of(Localization.class),
            new ArrayBeamforming(
                c.hfovDeg(),
                c.vfovDeg(),
                c.lowHz(),
                c.highHz(),
                c.arrayMaxBatch(),
                c.arrayMaxWaitMillis(),
                Topics.withPrefix(c.topicPrefix()).arrayAudio().name(),
                c.arrayImaging(),
                c.arrayBinStride()))
        .uid("array-beamforming");
  }

  /** Rejected events (late, invalid) as dead letters, so nothing is dropped unseen. */
  public static SingleOutputStreamOperator<Failed> rejectedAsDeadLetters(
      DataStream<Rejected> rejected, Topics t) {
    String frames = t.frames().name();
    String arrays = t.arrayAudio().name();
    String audio = t.audio().name();
    return rejected
        .map(
            r ->
                new Failed(
                    switch (r.kind()) {
                      case "frame" -> frames;
                      case "array-audio" -> arrays;
                      default -> audio;
                    },
                    -1,
                    -1,
                    Math.floorDiv(r.timestampMicros(), 1000),
                    r.streamId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    null,
                    "align",
                    r.reason()))
        .returns(Failed.class)
        .name("rejected to dead letters");
  }

  /** The whole graph on Kafka: three sources, two paths, two exactly-once sinks. */
  public static void build(StreamExecutionEnvironment env, JobConfig c) {
    Topics t = Topics.withPrefix(c.topicPrefix());
    KafkaConnection kafka = c.kafka();
    Duration lag = c.outOfOrderness();
    // a replay's processing time says nothing about its event time: a source that falls a few
    // seconds behind another must not count as a quiet camera; its end of input flushes instead
    Duration idle = c.bounded() ? Duration.ZERO : c.idleness();
    ReplayRange replay = c.replay();
    List<DataStream<Failed>> failures = new ArrayList<>();
    List<DataStream<Localization>> localizations = new ArrayList<>();

    if (c.modelDir() != null) {
      var frames =
          splitFailures(
              env.fromSource(
                      frameSource(kafka, t.frames().name(), c.groupId(), c.bounded(), replay),
                      perCameraEventTime(),
                      "frames")
                  .uid("frame-source"),
              FrameEvent.class,
              "split-frames");
      var audio =
          splitFailures(
              env.fromSource(
                      audioSource(kafka, t.audio().name(), c.groupId(), c.bounded(), replay),
                      perCameraEventTime(),
                      "audio")
                  .uid("audio-source"),
              AudioEvent.class,
              "split-audio");
      var windows =
          alignWindows(
              inRange(
                  frames,
                  replay,
                  FrameEvent.class,
                  FrameEvent::streamId,
                  FrameEvent::timestampMicros),
              inRange(
                  audio,
                  replay,
                  AudioEvent.class,
                  AudioEvent::streamId,
                  AudioEvent::timestampMicros),
              c.staleness(),
              c.closeCompleteWindows(),
              lag,
              idle);
      var mono = monoInference(windows, c);
      failures.add(frames.getSideOutput(DeadLetters.TAG));
      failures.add(audio.getSideOutput(DeadLetters.TAG));
      failures.add(
          rejectedAsDeadLetters(windows.getSideOutput(WindowAligner.REJECTED), t)
              .uid("rejected-windows-to-dead-letters"));
      failures.add(mono.getSideOutput(DeadLetters.TAG));
      localizations.add(confirmSources(mono, c));
    }

    var arrays =
        splitFailures(
            env.fromSource(
                    arraySource(kafka, t.arrayAudio().name(), c.groupId(), c.bounded(), replay),
                    perCameraEventTime(),
                    "array audio")
                .uid("array-source"),
            ArrayEvent.class,
            "split-arrays");
    var arrayWindows =
        alignArrays(
            inRange(
                arrays,
                replay,
                ArrayEvent.class,
                ArrayEvent::streamId,
                ArrayEvent::timestampMicros),
            c.closeCompleteWindows(),
            lag,
            idle);
    var beamformed = arrayBeamforming(arrayWindows, c);
    failures.add(arrays.getSideOutput(DeadLetters.TAG));
    failures.add(
        rejectedAsDeadLetters(arrayWindows.getSideOutput(WindowAligner.REJECTED), t)
            .uid("rejected-arrays-to-dead-letters"));
    failures.add(beamformed.getSideOutput(DeadLetters.TAG));
    localizations.add(beamformed);

    DeliveryGuarantee guarantee =
        c.checkpointInterval().isZero()
            ? DeliveryGuarantee.AT_LEAST_ONCE
            : DeliveryGuarantee.EXACTLY_ONCE;
    DataStream<Localization> published = union(localizations);
    if (replay != null) {
      published =
          published
              .filter(l -> replay.publishes(l.getWindowStart()))
              .name("windows in the replay's range");
    }
    published
        .sinkTo(
            LocalizationSink.sink(
                kafka, c.localizationsTopic(), guarantee, c.groupId() + "-localizations"))
        .uid("localization-sink")
        .name("localizations to Kafka");
    union(failures)
        .sinkTo(
            DeadLetters.sink(kafka, c.deadLettersTopic(), guarantee, c.groupId() + "-dead-letters"))
        .uid("dead-letter-sink")
        .name("dead letters to Kafka");
  }

  /** A replay's events of {@code events} ({@link ReplayFilter}); the events as they are live. */
  private static <E> DataStream<E> inRange(
      DataStream<E> events,
      ReplayRange replay,
      Class<E> type,
      ReplayFilter.StreamOf<E> streamOf,
      ReplayFilter.TimeOf<E> timeOf) {
    if (replay == null) {
      return events;
    }
    String name = "replay range of " + type.getSimpleName();
    return events
        .flatMap(new ReplayFilter<>(replay, streamOf, timeOf))
        .returns(type)
        .name(name)
        .uid(name);
  }

  private static <T> DataStream<T> union(List<DataStream<T>> streams) {
    DataStream<T> all = streams.get(0);
    for (int i = 1; i < streams.size(); i++) {
      all = all.union(streams.get(i));
    }
    return all;
  }

  /**
   * Checkpoints (exactly once, on the file system: an array window's state is half a megabyte, past
   * the JobManager's 5 MB in-memory limit with a few streams, and kept when the job is canceled so
   * it can resume from them), the restart strategy, the savepoint to resume from, and the watermark
   * cadence. A restart strategy the environment already has (a test's, the cluster's) is left as it
   * is.
   */
  public static void configure(StreamExecutionEnvironment env, JobConfig c) {
    Configuration conf = new Configuration();
    if (!c.checkpointInterval().isZero()) {
      env.enableCheckpointing(c.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.checkpointDir());
    }
    if (env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
      // Flink's default with checkpoints retries forever: a record that fails the job every time
      // would hold every camera down for good, without the job ever showing as failed
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL,
          c.restartFailures());
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL,
          c.restartInterval());
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, c.restartDelay());
    }
    if (c.fromSavepoint() != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, c.fromSavepoint());
    }
    env.configure(conf);
    if (!c.checkpointInterval().isZero()) {
      // a canceled job or a lost cluster leaves its last checkpoint to resume from (Flink deletes
      // it on cancellation otherwise); a job that fails for good keeps it as well
      env.getCheckpointConfig()
          .setExternalizedCheckpointRetention(
              ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
      if (c.unalignedCheckpoints()) {
        // aligning barriers blocks the aligner's faster input until the slower one's barrier
        // arrives; under load that stalled every window for seconds after each checkpoint
        env.getCheckpointConfig().enableUnalignedCheckpoints();
      }
    }
    // the defaults (200 ms watermarks, 100 ms network flushes) would each hold windows back that
    // long
    env.getConfig().setAutoWatermarkInterval(c.watermarkIntervalMillis());
    env.setBufferTimeout(c.watermarkIntervalMillis());
  }

  /** Submits the job: {@code --bootstrap HOST:PORT [--model DIR] ...} (see {@link JobConfig}). */
  public static void main(String[] args) throws Exception {
    JobConfig c = JobConfig.parse(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    configure(env, c);
    build(env, c);
    env.execute("avloc localization");
  }
}
