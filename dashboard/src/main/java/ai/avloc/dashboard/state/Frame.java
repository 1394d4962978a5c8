package ai.avloc.dashboard.state;

/** One frame kept for display: its number, presentation time (ms) and JPEG. */
public record Frame(long sequence, long timestamp, byte[] jpeg) {}
