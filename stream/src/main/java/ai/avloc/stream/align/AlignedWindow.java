package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;

/**
 * Everything one 1/12 s window of one stream holds once it closes: exactly 1024 samples (zeros
 * where audio was missing), how many of them arrived, and the frame chosen for it.
 *
 * @param samples 1024 mono samples at 12288 Hz, PCM16 scale
 * @param coverage fraction of the 1024 samples that arrived
 * @param frame the frame shown in or, within the staleness bound, before this window; null if none
 * @param frameAgeMicros window start minus the frame's time when it came from an earlier window, 0
 *     when the window had its own frame, -1 when there is no frame
 * @param ingestMillis when the last of its events reached Kafka (the latency clock's start)
 */
public record AlignedWindow(
    String streamId,
    long window,
    float[] samples,
    double coverage,
    FrameRef frame,
    long frameAgeMicros,
    long ingestMillis) {

  public long startMicros() {
    return WindowClock.startMicros(window);
  }

  public boolean hasFrame() {
    return frame != null;
  }
}
