package ai.avloc.stream.align;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;

/**
 * Aligns one stream's audio chunks and video frames into 1/12 s windows, in event time and in any
 * arrival order, until the watermark closes them. Pure logic: the Flink operator keeps one per key
 * in state and forwards what it returns.
 *
 * <ul>
 *   <li>Audio is placed sample-exactly on the global 12288 Hz grid, so a chunk may span windows.
 *   <li>A window's frame is the one shown nearest the window's centre; a window without one reuses
 *       the latest earlier frame if it is younger than the staleness bound.
 *   <li>Events for a window already closed are late: they are refused and counted, never merged.
 * </ul>
 */
public final class StreamAligner {
  private final String streamId;
  private final long stalenessMicros;
  private final TreeMap<Long, Assembly> open = new TreeMap<>();
  private long lastClosed = Long.MIN_VALUE;
  private FrameRef latestFrame;
  private long lateSamples;
  private long lateFrames;

  public StreamAligner(String streamId, long stalenessMicros) {
    if (stalenessMicros < 0) {
      throw new IllegalArgumentException(
          "staleness bound must not be negative, got " + stalenessMicros + " us");
    }
    this.streamId = streamId;
    this.stalenessMicros = stalenessMicros;
  }

  private static final class Assembly {
    final float[] samples = new float[WindowClock.SAMPLES_PER_WINDOW];
    final BitSet received = new BitSet(WindowClock.SAMPLES_PER_WINDOW);
    FrameRef frame;
  }

  /**
   * Adds a run of samples whose first sample is at {@code timestampMicros}.
   *
   * @return how many of its samples were late (their window had closed) and were dropped
   */
  public int onAudio(long timestampMicros, float[] samples) {
    long first = WindowClock.sampleAt(timestampMicros);
    int late = 0;
    int i = 0;
    while (i < samples.length) {
      long n = first + i;
      long window = Math.floorDiv(n, WindowClock.SAMPLES_PER_WINDOW);
      int offset = (int) Math.floorMod(n, WindowClock.SAMPLES_PER_WINDOW);
      int count = Math.min(samples.length - i, WindowClock.SAMPLES_PER_WINDOW - offset);
      if (window <= lastClosed) {
        late += count;
      } else {
        Assembly a = open.computeIfAbsent(window, w -> new Assembly());
        System.arraycopy(samples, i, a.samples, offset, count);
        a.received.set(offset, offset + count);
      }
      i += count;
    }
    lateSamples += late;
    return late;
  }

  /** Adds a frame. @return false if its window had closed (late) and it was dropped */
  public boolean onFrame(FrameRef frame) {
    long window = WindowClock.windowOf(frame.timestampMicros());
    if (window <= lastClosed) {
      lateFrames++;
      return false;
    }
    Assembly a = open.computeIfAbsent(window, w -> new Assembly());
    double centre = (WindowClock.startMicros(window) + WindowClock.endMicros(window)) / 2.0;
    if (a.frame == null
        || Math.abs(frame.timestampMicros() - centre)
            < Math.abs(a.frame.timestampMicros() - centre)) {
      a.frame = frame;
    }
    return true;
  }

  /** Closes, in order, every open window that ends at or before the watermark. */
  public List<AlignedWindow> closeUpTo(long watermarkMicros) {
    List<AlignedWindow> closed = new ArrayList<>();
    while (!open.isEmpty() && WindowClock.endMicros(open.firstKey()) <= watermarkMicros + 1) {
      var entry = open.pollFirstEntry();
      long window = entry.getKey();
      Assembly a = entry.getValue();
      FrameRef frame = a.frame;
      long age = 0;
      if (frame == null
          && latestFrame != null
          && WindowClock.startMicros(window) - latestFrame.timestampMicros() <= stalenessMicros) {
        frame = latestFrame;
        age = WindowClock.startMicros(window) - latestFrame.timestampMicros();
      }
      if (a.frame != null
          && (latestFrame == null || a.frame.timestampMicros() > latestFrame.timestampMicros())) {
        latestFrame = a.frame;
      }
      closed.add(
          new AlignedWindow(
              streamId,
              window,
              a.samples,
              a.received.cardinality() / (double) WindowClock.SAMPLES_PER_WINDOW,
              frame,
              frame == null ? -1 : age));
      lastClosed = window;
    }
    return closed;
  }

  /** Windows still waiting for the watermark. */
  public int openWindows() {
    return open.size();
  }

  public long lateSamples() {
    return lateSamples;
  }

  public long lateFrames() {
    return lateFrames;
  }
}
