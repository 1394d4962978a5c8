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
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Aligns an array camera's chunks into 1/12 s windows of 1024 samples per microphone (keyed by
 * stream id), as {@link WindowAligner} does for mono audio: open windows in MapState, closed by an
 * event-time timer at their last millisecond; late samples go to {@link WindowAligner#REJECTED}.
 * State is bounded as there: at most {@link #MAX_OPEN_WINDOWS} open windows per stream, the last
 * closed window forgotten once the stream has been idle for {@link WindowAligner#IDLE_RETENTION}
 * and the watermark has passed it, and a TTL behind both.
 */
public final class ArrayAligner extends KeyedProcessFunction<String, ArrayEvent, ArrayWindow> {
  /**
   * Open windows one array stream may hold: 30 s, far beyond the out-of-orderness bound, enough for
   * a bounded replay whose sources run apart; a full 128-mic window holds 512 KB.
   */
  public static final int MAX_OPEN_WINDOWS = 12 * 30;

  private final boolean closeWhenComplete;
  private final int maxOpenWindows;
  private transient MapState<Long, OpenArrayWindow> open;
  private transient ValueState<Long> lastClosed;
  private transient Counter lateSamples;
  private transient Counter windows;
  private transient Counter refusedSamples;
  private transient Counter alignmentErrors;

  /**
   * @param closeWhenComplete also close the stream's oldest open window as soon as all its samples
   *     are in, before the watermark passes it; what arrives for it later is late
   */
  public ArrayAligner(boolean closeWhenComplete) {
    this(closeWhenComplete, MAX_OPEN_WINDOWS);
  }

  /** As above, with samples for more than {@code maxOpenWindows} open windows refused. */
  public ArrayAligner(boolean closeWhenComplete, int maxOpenWindows) {
    this.closeWhenComplete = closeWhenComplete;
    this.maxOpenWindows = maxOpenWindows;
  }

  @Override
  public void open(OpenContext context) {
    StateTtlConfig ttl = StateTtlConfig.newBuilder(WindowAligner.STREAM_STATE_TTL).build();
    MapStateDescriptor<Long, OpenArrayWindow> windowsDescriptor =
        new MapStateDescriptor<>("open-array-windows", Long.class, OpenArrayWindow.class);
    // behind the timers: a window whose watermark never comes goes after an hour unwritten
    windowsDescriptor.enableTimeToLive(ttl);
    open = getRuntimeContext().getMapState(windowsDescriptor);
    ValueStateDescriptor<Long> closed = new ValueStateDescriptor<>("last-closed", Long.class);
    closed.enableTimeToLive(ttl);
    lastClosed = getRuntimeContext().getState(closed);
    var metrics = getRuntimeContext().getMetricGroup();
    lateSamples = metrics.counter("lateArraySamples");
    windows = metrics.counter("arrayWindows");
    refusedSamples = metrics.counter("arraySamplesOverOpenWindowCap");
    alignmentErrors = metrics.counter("arrayAlignmentErrors");
  }

  @Override
  public void processElement(ArrayEvent chunk, Context ctx, Collector<ArrayWindow> out)
      throws Exception {
    try {
      align(chunk, ctx, out);
    } catch (RuntimeException e) {
      // one stream's bad chunk must not fail the task every camera of the subtask runs in
      alignmentErrors.inc();
      ctx.output(
          WindowAligner.REJECTED,
          new Rejected(
              chunk.streamId(),
              "array-audio",
              chunk.timestampMicros(),
              "alignment failed: " + WindowAligner.describe(e)));
    }
  }

  private void align(ArrayEvent chunk, Context ctx, Collector<ArrayWindow> out) throws Exception {
    Long closed = lastClosed.value();
    long watermark = ctx.timerService().currentWatermark();
    int[] late = {0};
    int[] refused = {0};
    int[] mismatched = {0};
    int[] openCount = {-1};
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
            if (openCount[0] < 0) {
              openCount[0] = WindowAligner.countUpTo(open.keys(), maxOpenWindows);
            }
            if (openCount[0] >= maxOpenWindows) {
              refused[0] += count;
              return;
            }
            openCount[0]++;
            w = new OpenArrayWindow(chunk.geometryId(), chunk.channels());
            ctx.timerService().registerEventTimeTimer(WindowClock.lastMillis(window));
          } else if (w.channels != chunk.channels() || !w.geometryId.equals(chunk.geometryId())) {
            mismatched[0] += count; // a geometry change mid-window cannot be mixed
            return;
          }
          w.addSamples(offset, chunk.samples(), chunk.samplesPerChannel(), from, count);
          w.ingestMillis = Math.max(w.ingestMillis, chunk.ingestMillis());
          open.put(window, w);
        });
    if (closeWhenComplete) {
      closeCompleteWindows(ctx.getCurrentKey(), out);
    }
    int lost = late[0] + mismatched[0];
    if (lost > 0) {
      lateSamples.inc(lost);
      ctx.output(
          WindowAligner.REJECTED,
          new Rejected(
              chunk.streamId(),
              "array-audio",
              chunk.timestampMicros(),
              "late: "
                  + lost
                  + " of "
                  + chunk.samplesPerChannel()
                  + " samples per channel fell in closed windows"
                  + (mismatched[0] > 0 ? " or windows of another geometry" : "")));
    }
    if (refused[0] > 0) {
      refusedSamples.inc(refused[0]);
      ctx.output(
          WindowAligner.REJECTED,
          new Rejected(
              chunk.streamId(),
              "array-audio",
              chunk.timestampMicros(),
              WindowAligner.overCap(refused[0], chunk.samplesPerChannel(), maxOpenWindows)));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ArrayWindow> out)
      throws Exception {
    long window = WindowClock.windowOf(timestamp * 1000);
    OpenArrayWindow w = ctx.timeDomain() == TimeDomain.EVENT_TIME ? open.get(window) : null;
    if (w != null) {
      close(ctx.getCurrentKey(), window, w, out);
      if (closeWhenComplete) {
        closeCompleteWindows(ctx.getCurrentKey(), out);
      }
    }
    forgetIfIdle(ctx);
  }

  /**
   * Without open windows, the last closed one matters only until the watermark passes it (later
   * samples for it are late either way); cleared on a processing-time timer once that holds.
   */
  private void forgetIfIdle(OnTimerContext ctx) throws Exception {
    Long closed = lastClosed.value();
    if (closed == null || !open.isEmpty()) {
      return;
    }
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME
        && WindowClock.lastMillis(closed) <= ctx.timerService().currentWatermark()) {
      lastClosed.clear();
    } else {
      ctx.timerService()
          .registerProcessingTimeTimer(
              WindowAligner.forgetAt(ctx.timerService().currentProcessingTime()));
    }
  }

  private void close(String streamId, long window, OpenArrayWindow w, Collector<ArrayWindow> out)
      throws Exception {
    out.collect(
        new ArrayWindow(
            streamId, window, w.geometryId, w.channels, w.samples(), w.coverage(), w.ingestMillis));
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
