package ai.avloc.stream.job;

import ai.avloc.schemas.ArrayChunk;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An array camera's chunk inside the job: every microphone's samples, channel-major.
 *
 * @param samples channels x samplesPerChannel values
 * @param ingestMillis the Kafka record's timestamp, as for {@link AudioEvent#of}
 */
public record ArrayEvent(
    String streamId,
    long timestampMicros,
    long sequence,
    int sampleRate,
    String geometryId,
    int channels,
    int samplesPerChannel,
    float[] samples,
    long ingestMillis) {

  public static ArrayEvent of(ArrayChunk c, long ingestMillis) {
    FloatBuffer values = c.getFloat32().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] samples = new float[values.remaining()];
    values.get(samples);
    return new ArrayEvent(
        c.getStreamId(),
        ChronoUnit.MICROS.between(Instant.EPOCH, c.getTimestamp()),
        c.getSequence(),
        c.getSampleRate(),
        c.getGeometryId(),
        c.getChannels(),
        c.getSamplesPerChannel(),
        samples,
        ingestMillis);
  }
}
