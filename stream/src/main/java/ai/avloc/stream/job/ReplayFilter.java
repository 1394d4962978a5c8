package ai.avloc.stream.job;

import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A replay's events: those of its streams in its event-time range ({@link ReplayRange#keeps}),
 * paced by event time when the replay has a rate. Pacing holds each event until {@code (event time
 * - eventsFrom) / rate} of wall time has passed since the subtask opened, so {@code 1x} reads the
 * archive as fast as the cameras recorded it and {@code 4x} four times as fast; it slows the read,
 * never the analysis.
 */
public final class ReplayFilter<E> extends RichFlatMapFunction<E, E> {
  /** An event's stream id. */
  public interface StreamOf<E> extends Serializable {
    String streamId(E event);
  }

  /** An event's time, microseconds since the epoch. */
  public interface TimeOf<E> extends Serializable {
    long micros(E event);
  }

  private final ReplayRange range;
  private final StreamOf<E> streamOf;
  private final TimeOf<E> timeOf;
  private transient long openedNanos;
  private transient long originMicros;

  public ReplayFilter(ReplayRange range, StreamOf<E> streamOf, TimeOf<E> timeOf) {
    this.range = range;
    this.streamOf = streamOf;
    this.timeOf = timeOf;
  }

  @Override
  public void open(OpenContext context) {
    openedNanos = System.nanoTime();
    originMicros = ReplayRange.micros(range.eventsFrom());
  }

  @Override
  public void flatMap(E event, Collector<E> out) throws InterruptedException {
    long micros = timeOf.micros(event);
    if (!range.keeps(streamOf.streamId(event), micros)) {
      return;
    }
    if (range.rate() > 0) {
      long dueNanos = openedNanos + (long) ((micros - originMicros) * 1000 / range.rate());
      long wait = dueNanos - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    out.collect(event);
  }
}
