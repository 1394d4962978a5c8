package ai.avloc.stream.align;

/**
 * One camera's own event time, kept in the aligner's keyed state so that no other camera can move
 * it: its watermark is the newest event time seen on each of its inputs (frames, audio) less the
 * out-of-orderness bound, the lower of the two, and never goes back. An input that has sent nothing
 * for the idleness bound (in processing time) no longer holds the camera back; a camera none of
 * whose inputs has sent anything for that long is idle, and its open windows may all close. An
 * idleness bound of 0 turns idleness off (a replay, whose processing time says nothing about its
 * event time).
 *
 * <p>A POJO for Flink's ValueState (public fields, no-argument constructor); times in ms.
 */
public final class CameraClock {
  public static final long NONE = Long.MIN_VALUE;

  /** Whether the camera sends frames as well as audio (mono); array cameras send audio only. */
  public boolean hasFrames;

  public long newestFrameMillis = NONE;
  public long newestAudioMillis = NONE;

  /** Processing time the camera's first event arrived, and each input's latest. */
  public long startedAt = NONE;

  public long frameSeenAt = NONE;
  public long audioSeenAt = NONE;

  /** The camera's watermark so far: windows ending at or before it are closed or late. */
  public long watermarkMillis = NONE;

  /** Processing time of the next idleness check already asked for, or {@link #NONE}. */
  public long checkAt = NONE;

  public CameraClock() {}

  public CameraClock(boolean hasFrames) {
    this.hasFrames = hasFrames;
  }

  /**
   * Counts the camera as seen no earlier than {@code resumedAt}, the processing time its operator
   * (re)started. A clock restored from a checkpoint carries the arrival times of the run before the
   * failure; the job was down in between, so they say nothing about the camera's idleness now, and
   * left as they are they would close its open windows as idle the moment the job is back, while
   * the sources still replay their events.
   */
  public void notBefore(long resumedAt) {
    startedAt = startedAt == NONE ? NONE : Math.max(startedAt, resumedAt);
    frameSeenAt = frameSeenAt == NONE ? NONE : Math.max(frameSeenAt, resumedAt);
    audioSeenAt = audioSeenAt == NONE ? NONE : Math.max(audioSeenAt, resumedAt);
  }

  /** Records an event of the camera at {@code eventMillis}, arrived at {@code nowMillis}. */
  public void observe(boolean frame, long eventMillis, long nowMillis) {
    if (startedAt == NONE) {
      startedAt = nowMillis;
    }
    if (frame) {
      newestFrameMillis = Math.max(newestFrameMillis, eventMillis);
      frameSeenAt = nowMillis;
    } else {
      newestAudioMillis = Math.max(newestAudioMillis, eventMillis);
      audioSeenAt = nowMillis;
    }
  }

  /**
   * Advances and returns the camera's watermark at processing time {@code nowMillis}: {@link
   * Long#MAX_VALUE} once the whole camera is idle, so that every open window may close.
   */
  public long advance(long nowMillis, long outOfOrdernessMillis, long idlenessMillis) {
    if (startedAt == NONE) {
      return watermarkMillis;
    }
    if (idle(nowMillis, idlenessMillis)) {
      return Long.MAX_VALUE;
    }
    long audio = inputWatermark(newestAudioMillis, audioSeenAt, nowMillis, idlenessMillis);
    long frames =
        hasFrames
            ? inputWatermark(newestFrameMillis, frameSeenAt, nowMillis, idlenessMillis)
            : Long.MAX_VALUE;
    long candidate = Math.min(audio, frames);
    if (candidate != Long.MAX_VALUE && candidate != NONE) {
      watermarkMillis = Math.max(watermarkMillis, candidate - outOfOrdernessMillis);
    }
    return watermarkMillis;
  }

  /**
   * What an input lets the camera's clock reach: its newest event; {@link Long#MAX_VALUE} when it
   * has been quiet for the idleness bound (or, never heard from, since the camera started); {@link
   * #NONE} while it has not been heard from but may still come.
   */
  private long inputWatermark(long newest, long seenAt, long nowMillis, long idlenessMillis) {
    long since = seenAt == NONE ? startedAt : seenAt;
    if (idlenessMillis > 0 && nowMillis - since >= idlenessMillis) {
      return Long.MAX_VALUE;
    }
    return newest;
  }

  /** Whether nothing at all has come from the camera for the idleness bound. */
  public boolean idle(long nowMillis, long idlenessMillis) {
    return idlenessMillis > 0 && startedAt != NONE && nowMillis - lastSeenAt() >= idlenessMillis;
  }

  /** Processing time the latest event of the camera arrived. */
  public long lastSeenAt() {
    return Math.max(startedAt, Math.max(frameSeenAt, audioSeenAt));
  }

  /**
   * When the clock can next move without a new event: when the first input still heard from goes
   * quiet for the idleness bound.
   */
  public long nextIdleCheck(long nowMillis, long idlenessMillis) {
    long next = Long.MAX_VALUE;
    if (idlenessMillis <= 0) {
      return next;
    }
    for (long seen : hasFrames ? new long[] {frameSeenAt, audioSeenAt} : new long[] {audioSeenAt}) {
      long at = (seen == NONE ? startedAt : seen) + idlenessMillis;
      if (at > nowMillis) {
        next = Math.min(next, at);
      }
    }
    return next;
  }
}
