package ai.avloc.ingest;

/**
 * Keeps at most {@code maxFps} video frames a second: time is cut into slots of 1/maxFps s and the
 * first frame of each slot is kept, the others dropped and counted. Frames keep their own times, so
 * a source slower than maxFps loses none.
 */
public final class FrameSlots {
  private final double maxFps;
  private long lastSlot = Long.MIN_VALUE;
  private long dropped;

  public FrameSlots(double maxFps) {
    this.maxFps = maxFps;
  }

  /** Whether the frame at {@code micros} opens a new slot (and is to be kept). */
  public boolean keep(long micros) {
    long slot = (long) Math.floor(micros * maxFps / 1e6);
    if (slot == lastSlot) {
      dropped++;
      return false;
    }
    lastSlot = slot;
    return true;
  }

  /** Starts over on a new timeline: the next frame is kept whatever its time. */
  public void restart() {
    lastSlot = Long.MIN_VALUE;
  }

  /** Frames dropped so far because their slot already had one. */
  public long dropped() {
    return dropped;
  }
}
