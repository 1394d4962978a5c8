package ai.avloc.stream.align;

/**
 * What an array stream remembers between windows: the last window it closed (anything at or before
 * it is late) and the camera's own clock. A POJO for Flink's ValueState.
 */
public final class ArrayStreamState {
  public long lastClosed = Long.MIN_VALUE;

  /** The camera's own event time, from its chunks. */
  public CameraClock clock = new CameraClock(false);

  public ArrayStreamState() {}

  public boolean isClosed(long window) {
    return window <= lastClosed;
  }
}
