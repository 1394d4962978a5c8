package ai.avloc.stream.job;

import ai.avloc.schemas.AudioChunk;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** An audio chunk inside the job, samples as floats in PCM16 scale (the MFCC chain's input). */
public record AudioEvent(
    String streamId,
    long timestampMicros,
    long sequence,
    int sampleRate,
    float[] samples,
    long ingestMillis) {
  /**
   * @param ingestMillis the Kafka record's timestamp: when the broker took it in on topics with
   *     LogAppendTime, else the gateway's event time
   */
  public static AudioEvent of(AudioChunk c, long ingestMillis) {
    ShortBuffer pcm = c.getPcm16().duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    float[] samples = new float[pcm.remaining()];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = pcm.get(i);
    }
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, c.getTimestamp());
    return new AudioEvent(
        c.getStreamId(), micros, c.getSequence(), c.getSampleRate(), samples, ingestMillis);
  }
}
