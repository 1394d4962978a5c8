package ai.avloc.stream.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;

/**
 * Wall time the job's operators spend per stage, in nanoseconds: one Flink counter per stage under
 * the operator's metric group {@value #GROUP}, advanced by {@link System#nanoTime()} deltas (two
 * clock reads per record or batch, a few tens of nanoseconds). Divided by the windows localized in
 * the same span, a counter gives the stage's time per window; {@code bench stream} prints that
 * profile. Times are on the task's thread, so they include time the thread waited for a core.
 */
public final class StageNanos {
  /** The metric group of the stage counters, under each operator's group. */
  public static final String GROUP = "stageNanos";

  /** Avro decoding of an input record and its conversion to a job event (sources). */
  public static final String DECODE = "decode";

  /** Placing events into their windows and closing windows (aligners), without what follows. */
  public static final String ALIGN = "align";

  /** The time a window waits in its batch for the batch to fill or time out (latency, no CPU). */
  public static final String BATCH_WAIT = "batchWait";

  /** JPEG decoding of a window's frame to the model's pixels. */
  public static final String JPEG = "jpeg";

  /** The window's normalized MFCC. */
  public static final String MFCC = "mfcc";

  /** The model call of a batch. */
  public static final String INFERENCE = "inference";

  /**
   * A batch's whole localization: for mono windows JPEG, MFCC, inference and peaks; for array
   * windows the band-power maps (beamforming) and their peaks.
   */
  public static final String LOCALIZE = "localize";

  /** Per window: the map's check, flatness, peaks and the Localization record. */
  public static final String PEAKS = "peaks";

  /** Handing records to the next operator: its network buffers, or itself when chained. */
  public static final String EMIT = "emit";

  /** Source confirmation of a mono window (its keyed history), without what follows. */
  public static final String CONFIRM = "confirm";

  /** Avro encoding of a Localization in the Kafka sink. */
  public static final String ENCODE = "encode";

  private StageNanos() {}

  /** The counter of {@code stage} under {@code group}'s {@value #GROUP} group. */
  public static Counter counter(MetricGroup group, String stage) {
    return group.addGroup(GROUP).counter(stage);
  }

  /**
   * A collector that times what it hands on, so an operator whose successors are chained to it
   * (they run inside its {@code collect}) can count its own time without theirs. One per operator,
   * reused for every record.
   */
  public static final class Downstream<T> implements Collector<T> {
    private Collector<T> out;
    private long nanos;

    /** Hands records on to {@code out} from now on; returns this. */
    public Downstream<T> to(Collector<T> out) {
      this.out = out;
      return this;
    }

    @Override
    public void collect(T record) {
      long start = System.nanoTime();
      try {
        out.collect(record);
      } finally {
        nanos += System.nanoTime() - start;
      }
    }

    @Override
    public void close() {
      out.close();
    }

    /** Nanoseconds spent downstream since the last call. */
    public long take() {
      long n = nanos;
      nanos = 0;
      return n;
    }
  }
}
