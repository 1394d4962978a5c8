package ai.avloc.stream.job;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.align.AudioPlacement;
import ai.avloc.stream.align.OpenArrayWindow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Aligns an array camera's chunks into 1/12 s windows of 1024 samples per microphone (keyed by
 * stream id), as {@link WindowAligner} does for mono audio: open windows in MapState, closed by an
 * event-time timer at their last millisecond; late samples go to {@link WindowAligner#REJECTED}.
 */
public final class ArrayAligner extends KeyedProcessFunction<String, ArrayEvent, ArrayWindow> {
  private final boolean closeWhenComplete;
  private transient MapState<Long, OpenArrayWindow> open;
  private transient ValueState<Long> lastClosed;
  private transient Counter lateSamples;
  private transient Counter windows;

  /**
   * @param closeWhenComplete also close the stream's oldest open window as soon as all its samples
   *     are in, before the watermark passes it; what arrives for it later is late
   */
  public ArrayAligner(boolean closeWhenComplete) {
    this.closeWhenComplete = closeWhenComplete;
  }

  @Override
  public void open(OpenContext context) {
    open =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("open-array-windows", Long.class, OpenArrayWindow.class));
    ValueStateDescriptor<Long> closed = new ValueStateDescriptor<>("last-closed", Long.class);
    closed.enableTimeToLive(StateTtlConfig.newBuilder(WindowAligner.STREAM_STATE_TTL).build());
    lastClosed = getRuntimeContext().getState(closed);
    lateSamples = getRuntimeContext().getMetricGroup().counter("lateArraySamples");
    windows = getRuntimeContext().getMetricGroup().counter("arrayWindows");
  }

  @Override
  public void processElement(ArrayEvent chunk, Context ctx, Collector<ArrayWindow> out)
      throws Exception {
    Long closed = lastClosed.value();
    long watermark = ctx.timerService().currentWatermark();
    int[] late = {0};
    AudioPlacement.place(
        chunk.timestampMicros(),
        chunk.samplesPerChannel(),
        (window, offset, from, count) -> {
          if ((closed != null && window <= closed) || WindowClock.lastMillis(window) <= watermark) {
            late[0] += count;
            return;
          }
          OpenArrayWindow w = open.get(window);
          if (w == null) {
            w = new OpenArrayWindow(chunk.geometryId(), chunk.channels());
            ctx.timerService().registerEventTimeTimer(WindowClock.lastMillis(window));
          } else if (w.channels != chunk.channels() || !w.geometryId.equals(chunk.geometryId())) {
            late[0] += count; // a geometry change mid-window cannot be mixed; counted as lost
            return;
          }
          w.addSamples(offset, chunk.samples(), chunk.samplesPerChannel(), from, count);
          w.ingestMillis = Math.max(w.ingestMillis, chunk.ingestMillis());
          open.put(window, w);
        });
    if (closeWhenComplete) {
      closeCompleteWindows(ctx.getCurrentKey(), out);
    }
    if (late[0] > 0) {
      lateSamples.inc(late[0]);
      ctx.output(
          WindowAligner.REJECTED,
          new Rejected(
              chunk.streamId(),
              "array-audio",
              chunk.timestampMicros(),
              "late: "
                  + late[0]
                  + " of "
                  + chunk.samplesPerChannel()
                  + " samples per channel fell in closed windows"));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ArrayWindow> out)
      throws Exception {
    long window = WindowClock.windowOf(timestamp * 1000);
    OpenArrayWindow w = open.get(window);
    if (w == null) {
      return;
    }
    close(ctx.getCurrentKey(), window, w, out);
    if (closeWhenComplete) {
      closeCompleteWindows(ctx.getCurrentKey(), out);
    }
  }

  private void close(String streamId, long window, OpenArrayWindow w, Collector<ArrayWindow> out)
      throws Exception {
    out.collect(
        new ArrayWindow(
            streamId, window, w.geometryId, w.channels, w.samples, w.coverage(), w.ingestMillis));
    open.remove(window);
    Long closed = lastClosed.value();
    lastClosed.update(closed == null ? window : Math.max(closed, window));
    windows.inc();
  }

  /** Closes the oldest open windows for as long as each holds all its samples. */
  private void closeCompleteWindows(String streamId, Collector<ArrayWindow> out) throws Exception {
    while (true) {
      Long oldest = WindowAligner.oldest(open.keys());
      if (oldest == null) {
        return;
      }
      OpenArrayWindow w = open.get(oldest);
      if (w.coverage() < 1.0) {
        return;
      }
      close(streamId, oldest, w, out);
    }
  }
}
