package ai.avloc.stream.job;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.ArrayStreamState;
import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.align.AudioPlacement;
import ai.avloc.stream.align.CameraClock;
import ai.avloc.stream.align.OpenArrayWindow;
import ai.avloc.stream.align.RestartMark;
import ai.avloc.stream.align.WindowKeeping;
import ai.avloc.stream.metrics.StageNanos;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Aligns an array camera's chunks into 1/12 s windows of 1024 samples per microphone (keyed by
 * stream id), as {@link WindowAligner} does for mono audio: open windows in MapState, closed when
 * the camera's own clock ({@link CameraClock}: its newest chunk less the out-of-orderness bound)
 * passes their last millisecond or the camera has been quiet for the idleness bound, with an
 * event-time timer at their last millisecond as the end-of-input flush; late samples go to {@link
 * WindowAligner#REJECTED}. State is bounded as there: at most {@link #MAX_OPEN_WINDOWS} open
 * windows per stream, the stream's memory forgotten once it has had no open window and no chunk for
 * {@link WindowAligner#IDLE_RETENTION}, and a TTL behind both.
 */
public final class ArrayAligner extends KeyedProcessFunction<String, ArrayEvent, ArrayWindow> {
  /**
   * Open windows one array stream may hold: 30 s, far beyond the out-of-orderness bound, enough for
   * a bounded replay whose sources run apart; a full 128-mic window holds 512 KB.
   */
  public static final int MAX_OPEN_WINDOWS = 12 * 30;

  private final boolean closeWhenComplete;
  private final int maxOpenWindows;
  private final long outOfOrdernessMillis;
  private final long idlenessMillis;
  private transient MapState<Long, OpenArrayWindow> open;
  private transient RestartMark restart;
  private transient ValueState<ArrayStreamState> stream;
  private transient Counter lateSamples;
  private transient Counter windows;
  private transient Counter refusedSamples;
  private transient Counter alignmentErrors;
  private transient Counter alignNanos;
  private transient StageNanos.Downstream<ArrayWindow> downstream;

  /**
   * @param closeWhenComplete also close the stream's oldest open window as soon as all its samples
   *     are in, before the camera's clock passes it; what arrives for it later is late
   */
  public ArrayAligner(boolean closeWhenComplete) {
    this(closeWhenComplete, MAX_OPEN_WINDOWS);
  }

  /** As above, with samples for more than {@code maxOpenWindows} open windows refused. */
  public ArrayAligner(boolean closeWhenComplete, int maxOpenWindows) {
    this(closeWhenComplete, maxOpenWindows, WindowAligner.OUT_OF_ORDERNESS, WindowAligner.IDLENESS);
  }

  /**
   * As above, with the camera's clock set by {@code outOfOrderness} and {@code idleness} (see
   * {@link WindowAligner#WindowAligner(long, boolean, int, Duration, Duration)}).
   */
  public ArrayAligner(
      boolean closeWhenComplete, int maxOpenWindows, Duration outOfOrderness, Duration idleness) {
    this.closeWhenComplete = closeWhenComplete;
    this.maxOpenWindows = maxOpenWindows;
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idlenessMillis = idleness.toMillis();
  }

  @Override
  public void open(OpenContext context) {
    restart = new RestartMark();
    open =
        getRuntimeContext()
            .getMapState(WindowAligner.openWindows("open-array-windows", OpenArrayWindow.class));
    stream =
        getRuntimeContext()
            .getState(WindowAligner.streamMemory("array-stream", ArrayStreamState.class));
    var metrics = getRuntimeContext().getMetricGroup();
    lateSamples = metrics.counter("lateArraySamples");
    windows = metrics.counter("arrayWindows");
    refusedSamples = metrics.counter("arraySamplesOverOpenWindowCap");
    alignmentErrors = metrics.counter("arrayAlignmentErrors");
    alignNanos = StageNanos.counter(metrics, StageNanos.ALIGN);
    downstream = new StageNanos.Downstream<>();
  }

  @Override
  public void processElement(ArrayEvent chunk, Context ctx, Collector<ArrayWindow> out)
      throws Exception {
    long start = System.nanoTime();
    try {
      align(chunk, ctx, downstream.to(out));
    } catch (RuntimeException e) {
      // one stream's bad chunk must not fail the task every camera of the subtask runs in
      alignmentErrors.inc();
      ctx.output(
          WindowAligner.REJECTED,
          Rejected.alignmentFailed(chunk.streamId(), "array-audio", chunk.timestampMicros(), e));
    } finally {
      alignNanos.inc(System.nanoTime() - start - downstream.take());
    }
  }

  private ArrayStreamState streamState() throws Exception {
    ArrayStreamState s = stream.value();
    return s == null ? new ArrayStreamState() : s;
  }

  private void align(ArrayEvent chunk, Context ctx, Collector<ArrayWindow> out) throws Exception {
    ArrayStreamState s = streamState();
    long now = ctx.timerService().currentProcessingTime();
    s.clock.notBefore(restart.at(now));
    s.clock.observe(false, Math.floorDiv(chunk.timestampMicros(), 1000), now);
    closePassedWindows(s, now, ctx.getCurrentKey(), ctx, out);
    long check =
        WindowKeeping.checkAfterEvent(
            s.clock, now, idlenessMillis, WindowAligner.IDLE_RETENTION.toMillis());
    if (check != CameraClock.NONE) {
      ctx.timerService().registerProcessingTimeTimer(check);
    }
    stream.update(s);
    long closed = s.lastClosed;
    long watermark = s.clock.watermarkMillis;
    int[] late = {0};
    int[] refused = {0};
    int[] mismatched = {0};
    int[] openCount = {-1};
    AudioPlacement.place(
        chunk.timestampMicros(),
        chunk.samplesPerChannel(),
        (window, offset, from, count) -> {
          // late for this camera only: a window it closed or its own clock passed
          if (window <= closed || WindowClock.lastMillis(window) <= watermark) {
            late[0] += count;
            return;
          }
          OpenArrayWindow w = open.get(window);
          if (w == null) {
            if (openCount[0] < 0) {
              openCount[0] = WindowKeeping.countUpTo(open.keys(), maxOpenWindows);
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
      closeCompleteWindows(ctx.getCurrentKey(), ctx, out);
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
    long start = System.nanoTime();
    try {
      fire(timestamp, ctx, downstream.to(out));
    } finally {
      alignNanos.inc(System.nanoTime() - start - downstream.take());
    }
  }

  private void fire(long timestamp, OnTimerContext ctx, Collector<ArrayWindow> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      checkIdle(ctx, out);
      return;
    }
    // the end-of-input flush: only a bounded read's final watermark gets here in the job
    long window = WindowClock.windowOf(timestamp * 1000);
    OpenArrayWindow w = open.get(window);
    if (w != null) {
      ArrayStreamState s = streamState();
      close(s, ctx.getCurrentKey(), window, w, ctx, out);
      stream.update(s);
      if (closeWhenComplete) {
        closeCompleteWindows(ctx.getCurrentKey(), ctx, out);
      }
    }
  }

  /**
   * The camera's idleness check: quiet for the idleness bound, all its windows close; with no open
   * window and no chunk for {@link WindowAligner#IDLE_RETENTION}, its memory is cleared.
   */
  private void checkIdle(OnTimerContext ctx, Collector<ArrayWindow> out) throws Exception {
    ArrayStreamState s = stream.value();
    if (s == null) {
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    s.clock.notBefore(restart.at(now));
    s.clock.checkAt = CameraClock.NONE;
    closePassedWindows(s, now, ctx.getCurrentKey(), ctx, out);
    long next =
        WindowKeeping.checkAfterIdleCheck(
            s.clock, now, idlenessMillis, WindowAligner.IDLE_RETENTION.toMillis(), !open.isEmpty());
    if (next == CameraClock.NONE) {
      stream.clear();
      return;
    }
    ctx.timerService().registerProcessingTimeTimer(next);
    stream.update(s);
  }

  /** Closes, oldest first, every open window the camera's clock has passed at {@code now}. */
  private void closePassedWindows(
      ArrayStreamState s, long now, String streamId, Context ctx, Collector<ArrayWindow> out)
      throws Exception {
    long watermark = s.clock.advance(now, outOfOrdernessMillis, idlenessMillis);
    if (watermark == CameraClock.NONE) {
      return;
    }
    for (long window : WindowKeeping.passed(open.keys(), watermark)) {
      close(s, streamId, window, open.get(window), ctx, out);
    }
  }

  private void close(
      ArrayStreamState s,
      String streamId,
      long window,
      OpenArrayWindow w,
      Context ctx,
      Collector<ArrayWindow> out)
      throws Exception {
    out.collect(
        new ArrayWindow(
            streamId, window, w.geometryId, w.channels, w.samples(), w.coverage(), w.ingestMillis));
    open.remove(window);
    ctx.timerService().deleteEventTimeTimer(WindowClock.lastMillis(window));
    s.lastClosed = Math.max(s.lastClosed, window);
    windows.inc();
  }

  /** Closes the oldest open windows for as long as each holds all its samples. */
  private void closeCompleteWindows(String streamId, Context ctx, Collector<ArrayWindow> out)
      throws Exception {
    ArrayStreamState s = streamState();
    while (true) {
      Long oldest = WindowKeeping.oldest(open.keys());
      if (oldest == null || open.get(oldest).coverage() < 1.0) {
        break;
      }
      close(s, streamId, oldest, open.get(oldest), ctx, out);
    }
    stream.update(s);
  }
}
