package ai.avloc.stream.job;

/**
 * An event the aligner could not use, with why: late, or invalid. Goes to a side output, counted.
 */
public record Rejected(String streamId, String kind, long timestampMicros, String reason) {}
