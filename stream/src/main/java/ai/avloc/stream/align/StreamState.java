package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;

/**
 * What a stream remembers between windows: the last window it closed (anything at or before it is
 * late), the latest frame it has shown (reused by frameless windows within the staleness bound) and
 * the camera's own clock. A POJO for Flink's ValueState.
 */
public final class StreamState {
  public long lastClosed = Long.MIN_VALUE;
  public FrameRef latestFrame;

  /** Time of the newest frame that has arrived, in any window (µs); frames come in order. */
  public long newestFrameMicros = Long.MIN_VALUE;

  /** The camera's own event time, from its frames and audio. */
  public CameraClock clock = new CameraClock(true);

  public StreamState() {}

  public boolean isClosed(long window) {
    return window <= lastClosed;
  }

  /** Turns an open window into its final form and remembers what later windows need. */
  public AlignedWindow close(String streamId, long window, OpenWindow open, long stalenessMicros) {
    FrameRef frame = open.frame;
    long age = 0;
    long start = WindowClock.startMicros(window);
    if (frame == null
        && latestFrame != null
        && start - latestFrame.timestampMicros() <= stalenessMicros) {
      frame = latestFrame;
      age = start - latestFrame.timestampMicros();
    }
    if (open.frame != null
        && (latestFrame == null || open.frame.timestampMicros() > latestFrame.timestampMicros())) {
      latestFrame = open.frame;
    }
    lastClosed = Math.max(lastClosed, window);
    return new AlignedWindow(
        streamId,
        window,
        open.samples(),
        open.coverage(),
        frame,
        frame == null ? -1 : age,
        open.ingestMillis);
  }
}
