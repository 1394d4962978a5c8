package ai.avloc.stream.job;

/**
 * An event the aligner could not use, with why: late, or invalid. Goes to a side output, counted.
 */
public record Rejected(String streamId, String kind, long timestampMicros, String reason) {
  /** An event whose alignment threw: rejected, so one stream's bad event fails no task. */
  static Rejected alignmentFailed(
      String streamId, String kind, long timestampMicros, RuntimeException e) {
    return new Rejected(
        streamId, kind, timestampMicros, "alignment failed: " + WindowAligner.describe(e));
  }
}
