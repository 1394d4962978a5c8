package ai.avloc.stream.job;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.align.AudioPlacement;
import ai.avloc.stream.align.CameraClock;
import ai.avloc.stream.align.OpenWindow;
import ai.avloc.stream.align.RestartMark;
import ai.avloc.stream.align.StreamState;
import ai.avloc.stream.align.WindowKeeping;
import ai.avloc.stream.metrics.StageNanos;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Aligns one stream's frames and audio into 1/12 s windows (keyed by stream id). Open windows live
 * in MapState. Each camera keeps its own event time ({@link CameraClock}, in its keyed state): a
 * window closes when the camera's own watermark (its newest frame and audio, the older of the two,
 * less the out-of-orderness bound) passes its last millisecond, checked on each of its events, or
 * once the camera has sent nothing for the idleness bound, on a processing-time timer. No other
 * camera, and no Kafka partition's watermark, moves that clock; what arrives for a window the
 * camera has closed or its clock has passed goes to {@link #REJECTED} and a counter, never into a
 * window. An event-time timer at each window's last millisecond remains as the end-of-input flush:
 * the job's sources emit no watermarks but the final one of a bounded read.
 *
 * <p>State is bounded per stream: at most {@link #MAX_OPEN_WINDOWS} open windows (what would open
 * another is refused to {@link #REJECTED}), the stream's memory between windows cleared once it has
 * had no open window and no event for {@link #IDLE_RETENTION}, and a TTL on both as a backstop. An
 * event whose alignment throws is rejected, never fails the task.
 */
public final class WindowAligner
    extends KeyedCoProcessFunction<String, FrameEvent, AudioEvent, AlignedWindow> {
  public static final OutputTag<Rejected> REJECTED = new OutputTag<>("rejected") {};

  static final Duration STREAM_STATE_TTL = Duration.ofHours(1);

  /**
   * How long a stream's memory (last closed window, latest frame, its clock) is kept once it has no
   * open window and has sent nothing, in processing time. A stream that comes back later starts
   * afresh, as it would anyway.
   */
  public static final Duration IDLE_RETENTION = Duration.ofSeconds(60);

  /**
   * Open windows one mono stream may hold: 60 s of windows, far beyond the out-of-orderness bound
   * (about 5 are open at steady state), enough for a bounded replay whose sources run apart.
   */
  public static final int MAX_OPEN_WINDOWS = 12 * 60;

  /**
   * The job's defaults for a camera's clock: {@code --out-of-orderness-ms}, {@code --idleness-ms}.
   */
  public static final Duration OUT_OF_ORDERNESS = Duration.ofMillis(300);

  public static final Duration IDLENESS = Duration.ofSeconds(2);

  private final long stalenessMicros;
  private final boolean closeWhenComplete;
  private final int maxOpenWindows;
  private final long outOfOrdernessMillis;
  private final long idlenessMillis;
  private transient MapState<Long, OpenWindow> open;
  private transient RestartMark restart;
  private transient ValueState<StreamState> stream;
  private transient Counter lateSamples;
  private transient Counter lateFrames;
  private transient Counter invalidChunks;
  private transient Counter windows;
  private transient Counter earlyWindows;
  private transient Counter refused;
  private transient Counter alignmentErrors;
  private transient Counter alignNanos;
  private transient StageNanos.Downstream<AlignedWindow> downstream;

  public WindowAligner(long stalenessMicros) {
    this(stalenessMicros, false);
  }

  /**
   * @param closeWhenComplete also close a window before the camera's clock passes it, once nothing
   *     more can change it: all 1024 samples are in, it has a frame that no later frame could beat
   *     (one at or after its centre, or any once a newer frame has arrived), and it is the stream's
   *     oldest open window. Saves the out-of-orderness bound and a chunk's length of latency; an
   *     event that still arrives for it is late, as after a watermark.
   */
  public WindowAligner(long stalenessMicros, boolean closeWhenComplete) {
    this(stalenessMicros, closeWhenComplete, MAX_OPEN_WINDOWS);
  }

  /** As above, with events for more than {@code maxOpenWindows} open windows refused. */
  public WindowAligner(long stalenessMicros, boolean closeWhenComplete, int maxOpenWindows) {
    this(stalenessMicros, closeWhenComplete, maxOpenWindows, OUT_OF_ORDERNESS, IDLENESS);
  }

  /**
   * As above, with the camera's clock set by {@code outOfOrderness} (how far behind its newest
   * event one of its events may still arrive) and {@code idleness} (how long an input may stay
   * quiet, in processing time, before it no longer holds the camera's windows open; {@link
   * Duration#ZERO}: never, for a bounded replay, which the end of input flushes).
   */
  public WindowAligner(
      long stalenessMicros,
      boolean closeWhenComplete,
      int maxOpenWindows,
      Duration outOfOrderness,
      Duration idleness) {
    this.stalenessMicros = stalenessMicros;
    this.closeWhenComplete = closeWhenComplete;
    this.maxOpenWindows = maxOpenWindows;
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idlenessMillis = idleness.toMillis();
  }

  @Override
  public void open(OpenContext context) {
    restart = new RestartMark();
    open = getRuntimeContext().getMapState(openWindows("open-windows", OpenWindow.class));
    stream = getRuntimeContext().getState(streamMemory("stream", StreamState.class));
    var metrics = getRuntimeContext().getMetricGroup();
    lateSamples = metrics.counter("lateSamples");
    lateFrames = metrics.counter("lateFrames");
    invalidChunks = metrics.counter("invalidAudioChunks");
    windows = metrics.counter("windows");
    earlyWindows = metrics.counter("windowsClosedComplete");
    refused = metrics.counter("eventsOverOpenWindowCap");
    alignmentErrors = metrics.counter("alignmentErrors");
    alignNanos = StageNanos.counter(metrics, StageNanos.ALIGN);
    downstream = new StageNanos.Downstream<>();
  }

  /** The open windows' state, by window number, behind a TTL of {@link #STREAM_STATE_TTL}. */
  static <W> MapStateDescriptor<Long, W> openWindows(String name, Class<W> type) {
    MapStateDescriptor<Long, W> descriptor = new MapStateDescriptor<>(name, Long.class, type);
    // behind the timers: a window that no clock or timer closes goes after an hour unwritten
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(STREAM_STATE_TTL).build());
    return descriptor;
  }

  /** A stream's memory between windows (its clock, last closed window), behind the same TTL. */
  static <S> ValueStateDescriptor<S> streamMemory(String name, Class<S> type) {
    ValueStateDescriptor<S> descriptor = new ValueStateDescriptor<>(name, type);
    // behind the forgetting timer: a camera that stops sending releases its last frame and
    // clock after an idle hour whatever becomes of the timers
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(STREAM_STATE_TTL).build());
    return descriptor;
  }

  private StreamState streamState() throws Exception {
    StreamState s = stream.value();
    return s == null ? new StreamState() : s;
  }

  /** Late for this camera: a window it has closed, or one its own clock has passed. */
  private static boolean isLate(StreamState s, long window) {
    return s.isClosed(window) || WindowClock.lastMillis(window) <= s.clock.watermarkMillis;
  }

  /**
   * Records the event on the camera's clock, closes the windows that clock has passed and makes
   * sure an idleness check is due.
   */
  private void tick(boolean frame, long eventMicros, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    StreamState s = streamState();
    long now = ctx.timerService().currentProcessingTime();
    s.clock.notBefore(restart.at(now));
    s.clock.observe(frame, Math.floorDiv(eventMicros, 1000), now);
    closePassedWindows(s, now, ctx.getCurrentKey(), ctx, out);
    long check =
        WindowKeeping.checkAfterEvent(s.clock, now, idlenessMillis, IDLE_RETENTION.toMillis());
    if (check != CameraClock.NONE) {
      ctx.timerService().registerProcessingTimeTimer(check);
    }
    stream.update(s);
  }

  /** Closes, oldest first, every open window the camera's clock has passed at {@code now}. */
  private void closePassedWindows(
      StreamState s, long now, String streamId, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    long watermark = s.clock.advance(now, outOfOrdernessMillis, idlenessMillis);
    if (watermark == CameraClock.NONE) {
      return;
    }
    for (long window : WindowKeeping.passed(open.keys(), watermark)) {
      out.collect(s.close(streamId, window, open.get(window), stalenessMicros));
      open.remove(window);
      ctx.timerService().deleteEventTimeTimer(WindowClock.lastMillis(window));
      windows.inc();
    }
  }

  @Override
  public void processElement1(FrameEvent frame, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    long start = System.nanoTime();
    try {
      alignFrame(frame, ctx, downstream.to(out));
    } catch (RuntimeException e) {
      // one stream's bad event must not fail the task every camera of the subtask runs in
      alignmentErrors.inc();
      ctx.output(
          REJECTED,
          Rejected.alignmentFailed(frame.streamId(), "frame", frame.timestampMicros(), e));
    } finally {
      alignNanos.inc(System.nanoTime() - start - downstream.take());
    }
  }

  @Override
  public void processElement2(AudioEvent chunk, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    long start = System.nanoTime();
    try {
      alignAudio(chunk, ctx, downstream.to(out));
    } catch (RuntimeException e) {
      alignmentErrors.inc();
      ctx.output(
          REJECTED,
          Rejected.alignmentFailed(chunk.streamId(), "audio", chunk.timestampMicros(), e));
    } finally {
      alignNanos.inc(System.nanoTime() - start - downstream.take());
    }
  }

  /** Sends what could not be aligned to {@link #REJECTED}. */
  private static void reject(
      Context ctx, String streamId, String kind, long timestampMicros, String reason) {
    ctx.output(REJECTED, new Rejected(streamId, kind, timestampMicros, reason));
  }

  private void alignFrame(FrameEvent frame, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    tick(true, frame.timestampMicros(), ctx, out);
    long window = WindowClock.windowOf(frame.timestampMicros());
    if (isLate(streamState(), window)) {
      lateFrames.inc();
      reject(
          ctx,
          frame.streamId(),
          "frame",
          frame.timestampMicros(),
          "late: window " + window + " already closed");
      return;
    }
    OpenWindow w = windowFor(window, ctx, new int[] {-1});
    if (w == null) {
      refused.inc();
      reject(
          ctx,
          frame.streamId(),
          "frame",
          frame.timestampMicros(),
          "window " + window + ": " + overCap(maxOpenWindows));
      return;
    }
    w.offerFrame(frame.frame(), window);
    w.ingestMillis = Math.max(w.ingestMillis, frame.ingestMillis());
    open.put(window, w);
    if (closeWhenComplete) {
      StreamState s = streamState();
      s.newestFrameMicros = Math.max(s.newestFrameMicros, frame.timestampMicros());
      stream.update(s);
      closeCompleteWindows(ctx, out);
    }
  }

  private void alignAudio(AudioEvent chunk, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    if (chunk.sampleRate() != WindowClock.SAMPLE_RATE) {
      invalidChunks.inc();
      reject(
          ctx,
          chunk.streamId(),
          "audio",
          chunk.timestampMicros(),
          "sample rate "
              + chunk.sampleRate()
              + " Hz, the job takes "
              + WindowClock.SAMPLE_RATE
              + " Hz");
      return;
    }
    tick(false, chunk.timestampMicros(), ctx, out);
    StreamState s = streamState();
    int[] late = {0};
    int[] overCap = {0};
    int[] openCount = {-1};
    AudioPlacement.place(
        chunk.timestampMicros(),
        chunk.samples(),
        (window, offset, from, count) -> {
          if (isLate(s, window)) {
            late[0] += count;
            return;
          }
          OpenWindow w = windowFor(window, ctx, openCount);
          if (w == null) {
            overCap[0] += count;
            return;
          }
          w.addSamples(offset, chunk.samples(), from, count);
          w.ingestMillis = Math.max(w.ingestMillis, chunk.ingestMillis());
          open.put(window, w);
        });
    if (closeWhenComplete) {
      closeCompleteWindows(ctx, out);
    }
    if (late[0] > 0) {
      lateSamples.inc(late[0]);
      reject(
          ctx,
          chunk.streamId(),
          "audio",
          chunk.timestampMicros(),
          "late: " + late[0] + " of " + chunk.samples().length + " samples fell in closed windows");
    }
    if (overCap[0] > 0) {
      refused.inc();
      reject(
          ctx,
          chunk.streamId(),
          "audio",
          chunk.timestampMicros(),
          overCap(overCap[0], chunk.samples().length, maxOpenWindows));
    }
  }

  /**
   * The open window, created with its closing timer on first use; null when the stream already has
   * {@code maxOpenWindows} open.
   *
   * @param openCount the stream's open windows, counted on first need ({@code -1} before)
   */
  private OpenWindow windowFor(long window, Context ctx, int[] openCount) throws Exception {
    OpenWindow w = open.get(window);
    if (w == null) {
      if (openCount[0] < 0) {
        openCount[0] = WindowKeeping.countUpTo(open.keys(), maxOpenWindows);
      }
      if (openCount[0] >= maxOpenWindows) {
        return null;
      }
      openCount[0]++;
      w = new OpenWindow();
      ctx.timerService().registerEventTimeTimer(WindowClock.lastMillis(window));
    }
    return w;
  }

  static String overCap(int limit) {
    return "the stream already has "
        + limit
        + " open windows (the cap per stream); events for further windows are refused until the"
        + " camera's clock closes some";
  }

  static String overCap(int samples, int of, int limit) {
    return samples + " of " + of + " samples refused: " + overCap(limit);
  }

  /** An exception in words for a dead letter: its type and message, at most 500 characters. */
  static String describe(Throwable e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }

  /** Closes the oldest open windows for as long as each is complete (see the constructor). */
  private void closeCompleteWindows(Context ctx, Collector<AlignedWindow> out) throws Exception {
    while (true) {
      Long oldest = WindowKeeping.oldest(open.keys());
      if (oldest == null) {
        return;
      }
      OpenWindow w = open.get(oldest);
      StreamState s = streamState();
      boolean complete = w.coverage() == 1.0 && w.frame != null;
      double centre = (WindowClock.startMicros(oldest) + WindowClock.endMicros(oldest)) / 2.0;
      boolean frameFinal =
          complete
              && (w.frame.timestampMicros() >= centre
                  || s.newestFrameMicros > w.frame.timestampMicros());
      if (!frameFinal) {
        return;
      }
      out.collect(s.close(ctx.getCurrentKey(), oldest, w, stalenessMicros));
      open.remove(oldest);
      ctx.timerService().deleteEventTimeTimer(WindowClock.lastMillis(oldest));
      stream.update(s);
      windows.inc();
      earlyWindows.inc();
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlignedWindow> out)
      throws Exception {
    long start = System.nanoTime();
    try {
      fire(timestamp, ctx, downstream.to(out));
    } finally {
      alignNanos.inc(System.nanoTime() - start - downstream.take());
    }
  }

  private void fire(long timestamp, OnTimerContext ctx, Collector<AlignedWindow> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      checkIdle(ctx, out);
      return;
    }
    // the end-of-input flush: only a bounded read's final watermark gets here in the job
    long window = WindowClock.windowOf(timestamp * 1000);
    OpenWindow w = open.get(window);
    if (w != null) {
      StreamState s = streamState();
      out.collect(s.close(ctx.getCurrentKey(), window, w, stalenessMicros));
      open.remove(window);
      stream.update(s);
      windows.inc();
      if (closeWhenComplete) {
        closeCompleteWindows(ctx, out);
      }
    }
  }

  /**
   * The camera's idleness check: an input quiet for the idleness bound no longer holds its clock, a
   * camera wholly quiet has all its windows closed; once it has had no open window and no event for
   * {@link #IDLE_RETENTION}, its memory is cleared.
   */
  private void checkIdle(OnTimerContext ctx, Collector<AlignedWindow> out) throws Exception {
    StreamState s = stream.value();
    if (s == null) {
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    s.clock.notBefore(restart.at(now));
    s.clock.checkAt = CameraClock.NONE;
    closePassedWindows(s, now, ctx.getCurrentKey(), ctx, out);
    long next =
        WindowKeeping.checkAfterIdleCheck(
            s.clock, now, idlenessMillis, IDLE_RETENTION.toMillis(), !open.isEmpty());
    if (next == CameraClock.NONE) {
      stream.clear();
      return;
    }
    ctx.timerService().registerProcessingTimeTimer(next);
    stream.update(s);
  }
}
