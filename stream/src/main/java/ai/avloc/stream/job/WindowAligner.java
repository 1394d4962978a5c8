package ai.avloc.stream.job;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.align.AudioPlacement;
import ai.avloc.stream.align.OpenWindow;
import ai.avloc.stream.align.StreamState;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Aligns one stream's frames and audio into 1/12 s windows (keyed by stream id). Open windows live
 * in MapState, each closed by an event-time timer at its last millisecond; what arrives for a
 * window the watermark has passed goes to {@link #REJECTED} and a counter, never into a window.
 */
public final class WindowAligner
    extends KeyedCoProcessFunction<String, FrameEvent, AudioEvent, AlignedWindow> {
  public static final OutputTag<Rejected> REJECTED = new OutputTag<>("rejected") {};

  static final Duration STREAM_STATE_TTL = Duration.ofHours(1);

  private final long stalenessMicros;
  private final boolean closeWhenComplete;
  private transient MapState<Long, OpenWindow> open;
  private transient ValueState<StreamState> stream;
  private transient Counter lateSamples;
  private transient Counter lateFrames;
  private transient Counter invalidChunks;
  private transient Counter windows;
  private transient Counter earlyWindows;

  public WindowAligner(long stalenessMicros) {
    this(stalenessMicros, false);
  }

  /**
   * @param closeWhenComplete also close a window before the watermark passes it, once nothing more
   *     can change it: all 1024 samples are in, it has a frame that no later frame could beat (one
   *     at or after its centre, or any once a newer frame has arrived), and it is the stream's
   *     oldest open window. Saves the out-of-orderness bound and a chunk's length of latency; an
   *     event that still arrives for it is late, as after a watermark.
   */
  public WindowAligner(long stalenessMicros, boolean closeWhenComplete) {
    this.stalenessMicros = stalenessMicros;
    this.closeWhenComplete = closeWhenComplete;
  }

  @Override
  public void open(OpenContext context) {
    open =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("open-windows", Long.class, OpenWindow.class));
    ValueStateDescriptor<StreamState> streamDescriptor =
        new ValueStateDescriptor<>("stream", StreamState.class);
    // a camera that stops sending releases its last frame and counters after an idle hour
    streamDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(STREAM_STATE_TTL).build());
    stream = getRuntimeContext().getState(streamDescriptor);
    var metrics = getRuntimeContext().getMetricGroup();
    lateSamples = metrics.counter("lateSamples");
    lateFrames = metrics.counter("lateFrames");
    invalidChunks = metrics.counter("invalidAudioChunks");
    windows = metrics.counter("windows");
    earlyWindows = metrics.counter("windowsClosedComplete");
  }

  private StreamState streamState() throws Exception {
    StreamState s = stream.value();
    return s == null ? new StreamState() : s;
  }

  private boolean isLate(StreamState s, long window, Context ctx) {
    return s.isClosed(window)
        || WindowClock.lastMillis(window) <= ctx.timerService().currentWatermark();
  }

  @Override
  public void processElement1(FrameEvent frame, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    long window = WindowClock.windowOf(frame.timestampMicros());
    if (isLate(streamState(), window, ctx)) {
      lateFrames.inc();
      ctx.output(
          REJECTED,
          new Rejected(
              frame.streamId(),
              "frame",
              frame.timestampMicros(),
              "late: window " + window + " already closed"));
      return;
    }
    OpenWindow w = windowFor(window, ctx);
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

  @Override
  public void processElement2(AudioEvent chunk, Context ctx, Collector<AlignedWindow> out)
      throws Exception {
    if (chunk.sampleRate() != WindowClock.SAMPLE_RATE) {
      invalidChunks.inc();
      ctx.output(
          REJECTED,
          new Rejected(
              chunk.streamId(),
              "audio",
              chunk.timestampMicros(),
              "sample rate "
                  + chunk.sampleRate()
                  + " Hz, the job takes "
                  + WindowClock.SAMPLE_RATE
                  + " Hz"));
      return;
    }
    StreamState s = streamState();
    int[] late = {0};
    AudioPlacement.place(
        chunk.timestampMicros(),
        chunk.samples(),
        (window, offset, from, count) -> {
          if (isLate(s, window, ctx)) {
            late[0] += count;
            return;
          }
          OpenWindow w = windowFor(window, ctx);
          w.addSamples(offset, chunk.samples(), from, count);
          w.ingestMillis = Math.max(w.ingestMillis, chunk.ingestMillis());
          open.put(window, w);
        });
    if (closeWhenComplete) {
      closeCompleteWindows(ctx, out);
    }
    if (late[0] > 0) {
      lateSamples.inc(late[0]);
      ctx.output(
          REJECTED,
          new Rejected(
              chunk.streamId(),
              "audio",
              chunk.timestampMicros(),
              "late: "
                  + late[0]
                  + " of "
                  + chunk.samples().length
                  + " samples fell in closed windows"));
    }
  }

  /** The open window, created with its closing timer on first use. */
  private OpenWindow windowFor(long window, Context ctx) throws Exception {
    OpenWindow w = open.get(window);
    if (w == null) {
      w = new OpenWindow();
      ctx.timerService().registerEventTimeTimer(WindowClock.lastMillis(window));
    }
    return w;
  }

  /** Closes the oldest open windows for as long as each is complete (see the constructor). */
  private void closeCompleteWindows(Context ctx, Collector<AlignedWindow> out) throws Exception {
    while (true) {
      Long oldest = oldest(open.keys());
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
      stream.update(s);
      windows.inc();
      earlyWindows.inc();
    }
  }

  /** The oldest of a stream's open windows, or null when none is open. */
  static Long oldest(Iterable<Long> openWindows) {
    Long oldest = null;
    for (Long window : openWindows) {
      oldest = oldest == null ? window : Math.min(oldest, window);
    }
    return oldest;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlignedWindow> out)
      throws Exception {
    long window = WindowClock.windowOf(timestamp * 1000);
    OpenWindow w = open.get(window);
    if (w == null) {
      return;
    }
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
