package ai.avloc.stream.align;

/** A video frame as the aligner keeps it: when it was shown, and its JPEG. */
public record FrameRef(long timestampMicros, long sequence, int width, int height, byte[] jpeg) {}
