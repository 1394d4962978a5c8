package ai.avloc.stream.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * An operator's series for each camera it has seen, under the key-value group {@value #GROUP}
 * (Flink's Prometheus reporter makes it the label {@code camera="<stream id>"}). A camera's series
 * are made on its first record, not before.
 *
 * <p>Stream ids come from the cameras, so the series are bounded: a subtask keeps at most {@code
 * maxCameras} cameras of its own, and records of further ones share the series of {@value #OTHER}.
 * Flink cannot take a metric back while its operator runs, so a camera that goes quiet keeps its
 * series: its counters stop moving (a rate of 0), and a {@link LastValue} gauge turns to NaN once
 * the camera has sent nothing for {@link #QUIET_MILLIS}, which Prometheus and Grafana show as a gap
 * rather than a stale latency. A restart of the job starts without them.
 *
 * @param <S> what one camera's series are (a record of counters and gauges)
 */
public final class PerCamera<S> {
  /** The key of the per-camera group: the label's name. */
  public static final String GROUP = "camera";

  /** The camera whose series carry the records of cameras past the bound. */
  public static final String OTHER = "other";

  /** Cameras one subtask keeps series for; the job serves far fewer per subtask. */
  public static final int MAX_CAMERAS = 1000;

  /** How long a camera may send nothing before its gauges say NaN. */
  public static final long QUIET_MILLIS = 10 * 60_000L;

  private final MetricGroup parent;
  private final Function<MetricGroup, S> make;
  private final int maxCameras;
  private final Map<String, S> cameras = new HashMap<>();

  /**
   * @param parent the group the camera groups go under (the operator's, or one of its own)
   * @param make a camera's series, registered on its group
   */
  public PerCamera(MetricGroup parent, Function<MetricGroup, S> make) {
    this(parent, make, MAX_CAMERAS);
  }

  PerCamera(MetricGroup parent, Function<MetricGroup, S> make, int maxCameras) {
    this.parent = parent;
    this.make = make;
    this.maxCameras = maxCameras;
  }

  /** The series of {@code streamId}, made now if this is its first record. */
  public S of(String streamId) {
    S series = cameras.get(streamId);
    if (series != null) {
      return series;
    }
    String camera = cameras.size() < maxCameras ? streamId : OTHER;
    return cameras.computeIfAbsent(camera, id -> make.apply(parent.addGroup(GROUP, id)));
  }

  /** Cameras with series on this subtask, {@value #OTHER} included when it is used. */
  public int cameras() {
    return cameras.size();
  }

  /**
   * A gauge of the last value set, NaN before the first and once none has been set for {@link
   * #QUIET_MILLIS}. Set from the task's thread, read from the reporter's.
   */
  public static final class LastValue implements Gauge<Double> {
    private final LongSupplier clock;
    private volatile double value = Double.NaN;
    private volatile long setAt;

    public LastValue() {
      this(System::currentTimeMillis);
    }

    public LastValue(LongSupplier clock) {
      this.clock = clock;
    }

    public void set(double value) {
      this.setAt = clock.getAsLong();
      this.value = value;
    }

    @Override
    public Double getValue() {
      return clock.getAsLong() - setAt > QUIET_MILLIS ? Double.NaN : value;
    }
  }
}
