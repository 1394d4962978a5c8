package ai.avloc.stream.job;

import ai.avloc.schemas.VideoFrame;
import ai.avloc.stream.align.FrameRef;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A video frame inside the job: Avro is decoded once at the source, operators see plain values. */
public record FrameEvent(String streamId, FrameRef frame, long ingestMillis) {
  /**
   * @param ingestMillis the Kafka record's timestamp, as for {@link AudioEvent#of}
   */
  public static FrameEvent of(VideoFrame v, long ingestMillis) {
    byte[] jpeg = new byte[v.getJpeg().remaining()];
    v.getJpeg().duplicate().get(jpeg);
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, v.getTimestamp());
    return new FrameEvent(
        v.getStreamId(),
        new FrameRef(micros, v.getSequence(), v.getWidth(), v.getHeight(), jpeg),
        ingestMillis);
  }

  public long timestampMicros() {
    return frame.timestampMicros();
  }
}
