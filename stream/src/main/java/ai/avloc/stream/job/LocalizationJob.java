package ai.avloc.stream.job;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.kafka.DeadLetters;
import ai.avloc.stream.kafka.Decoded;
import ai.avloc.stream.kafka.EventDecoder;
import ai.avloc.stream.kafka.Split;
import ai.avloc.stream.kafka.Validation;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The parts of the localization job's graph, as static functions that take their inputs from
 * outside (Kafka in production, in-memory streams in tests). Built so far: event-time watermarks
 * and the 1/12 s alignment. Features, inference and the sinks come next.
 */
public final class LocalizationJob {
  private LocalizationJob() {}

  /**
   * Watermarks for frames: bounded out-of-orderness, and idleness so a quiet partition never stalls
   * the job.
   */
  public static WatermarkStrategy<FrameEvent> frameWatermarks(
      Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<FrameEvent>forBoundedOutOfOrderness(outOfOrderness)
        .withTimestampAssigner((e, previous) -> Math.floorDiv(e.timestampMicros(), 1000))
        .withIdleness(idleness);
  }

  /** Watermarks for audio, on the chunk's first sample. */
  public static WatermarkStrategy<AudioEvent> audioWatermarks(
      Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<AudioEvent>forBoundedOutOfOrderness(outOfOrderness)
        .withTimestampAssigner((e, previous) -> Math.floorDiv(e.timestampMicros(), 1000))
        .withIdleness(idleness);
  }

  /**
   * Frames from Kafka, decoded and validated; failures stay in the stream as {@link Decoded}
   * failures.
   */
  public static KafkaSource<Decoded<FrameEvent>> frameSource(
      String bootstrapServers, String topic, String groupId, boolean bounded) {
    return source(
        bootstrapServers,
        topic,
        groupId,
        bounded,
        new EventDecoder<>(
            VideoFrame.class,
            Validation::frame,
            TypeInformation.of(new TypeHint<Decoded<FrameEvent>>() {})));
  }

  /** Audio chunks from Kafka, decoded and validated. */
  public static KafkaSource<Decoded<AudioEvent>> audioSource(
      String bootstrapServers, String topic, String groupId, boolean bounded) {
    return source(
        bootstrapServers,
        topic,
        groupId,
        bounded,
        new EventDecoder<>(
            AudioChunk.class,
            Validation::audio,
            TypeInformation.of(new TypeHint<Decoded<AudioEvent>>() {})));
  }

  private static <E> KafkaSource<Decoded<E>> source(
      String bootstrapServers,
      String topic,
      String groupId,
      boolean bounded,
      EventDecoder<?, E> decoder) {
    KafkaSourceBuilder<Decoded<E>> builder =
        KafkaSource.<Decoded<E>>builder()
            .setBootstrapServers(bootstrapServers)
            .setTopics(topic)
            .setGroupId(groupId)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setProperty("isolation.level", "read_committed")
            .setDeserializer(decoder);
    if (bounded) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /**
   * Per-partition watermarks at the source, on event time (a failure carries its record's time, so
   * bad input never holds a watermark back).
   */
  public static <E> WatermarkStrategy<Decoded<E>> decodedWatermarks(
      SerializableTimestamp<E> eventMicros, Duration outOfOrderness, Duration idleness) {
    return WatermarkStrategy.<Decoded<E>>forBoundedOutOfOrderness(outOfOrderness)
        .withTimestampAssigner(
            (d, previous) ->
                d.event() != null
                    ? Math.floorDiv(eventMicros.applyAsLong(d.event()), 1000)
                    : d.failure().timestampMillis())
        .withIdleness(idleness);
  }

  /** A serializable event-time getter, in microseconds. */
  public interface SerializableTimestamp<E>
      extends java.util.function.ToLongFunction<E>, java.io.Serializable {}

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
   * WindowAligner#REJECTED}.
   */
  public static SingleOutputStreamOperator<AlignedWindow> alignWindows(
      DataStream<FrameEvent> frames, DataStream<AudioEvent> audio, Duration staleness) {
    return frames
        .connect(audio)
        .keyBy(FrameEvent::streamId, AudioEvent::streamId)
        .process(new WindowAligner(staleness.toNanos() / 1000))
        .uid("window-aligner")
        .name("align 1/12 s windows");
  }
}
