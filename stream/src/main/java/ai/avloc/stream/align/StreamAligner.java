package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;
import java.util.ArrayList;
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
  private final TreeMap<Long, OpenWindow> open = new TreeMap<>();
  private final StreamState state = new StreamState();
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

  /**
   * Adds a run of samples whose first sample is at {@code timestampMicros}.
   *
   * @return how many of its samples were late (their window had closed) and were dropped
   */
  public int onAudio(long timestampMicros, float[] samples) {
    int[] late = {0};
    AudioPlacement.place(
        timestampMicros,
        samples,
        (window, offset, from, count) -> {
          if (state.isClosed(window)) {
            late[0] += count;
          } else {
            open.computeIfAbsent(window, w -> new OpenWindow())
                .addSamples(offset, samples, from, count);
          }
        });
    lateSamples += late[0];
    return late[0];
  }

  /** Adds a frame. @return false if its window had closed (late) and it was dropped */
  public boolean onFrame(FrameRef frame) {
    long window = WindowClock.windowOf(frame.timestampMicros());
    if (state.isClosed(window)) {
      lateFrames++;
      return false;
    }
    open.computeIfAbsent(window, w -> new OpenWindow()).offerFrame(frame, window);
    return true;
  }

  /** Closes, in order, every open window that ends at or before the watermark. */
  public List<AlignedWindow> closeUpTo(long watermarkMicros) {
    List<AlignedWindow> closed = new ArrayList<>();
    while (!open.isEmpty() && WindowClock.endMicros(open.firstKey()) <= watermarkMicros + 1) {
      var entry = open.pollFirstEntry();
      closed.add(state.close(streamId, entry.getKey(), entry.getValue(), stalenessMicros));
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
