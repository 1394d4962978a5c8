package ai.avloc.stream.job;

import ai.avloc.stream.align.AlignedWindow;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
