package ai.avloc.stream.align;

/**
 * One 1/12 s window of an array camera once it closes: 1024 samples of every microphone (zeros
 * where audio was missing).
 *
 * @param samples channels x 1024 values, channel-major
 * @param coverage fraction of the window's samples that arrived
 * @param ingestMillis when the last of its chunks reached Kafka
 */
public record ArrayWindow(
    String streamId,
    long window,
    String geometryId,
    int channels,
    float[] samples,
    double coverage,
    long ingestMillis) {}
