package ai.avloc.stream.align;

/**
 * The processing time of an operator's first callback since it (re)started: what {@link
 * CameraClock#notBefore} counts a restored camera's inputs from. Made anew in each {@code open()},
 * since a restore deserializes the operator and its transient fields.
 */
public final class RestartMark {
  private long at = CameraClock.NONE;

  /** The mark, taken at {@code now} on the first call. */
  public long at(long now) {
    if (at == CameraClock.NONE) {
      at = now;
    }
    return at;
  }
}
