package ai.avloc.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The one way to build a {@link DeadLetter}: the job's dead-letter sink and the alerts app's
 * deserialization handler both describe an unusable Kafka record with it, so the two agree on every
 * field. The record's key and value are kept whole, never trimmed, so it can be replayed.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * A dead letter for the record at {@code topic}-{@code partition}@{@code offset}.
   *
   * @param recordTimestampMillis the Kafka record's own timestamp, ms since the epoch
   * @param key the original key bytes, or null
   * @param value the original value bytes, or null; wrapped, not copied
   * @param stage where it failed: decode, validate, align, infer, ...
   * @param error what was wrong, in words a user can act on; not null
   * @param failedAt wall-clock time of the failure
   */
  public static DeadLetter of(
      String topic,
      int partition,
      long offset,
      long recordTimestampMillis,
      byte[] key,
      byte[] value,
      String stage,
      String error,
      Instant failedAt) {
    return DeadLetter.newBuilder()
        .setTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setRecordTimestamp(Instant.ofEpochMilli(recordTimestampMillis))
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setStage(stage)
        .setError(error)
        .setFailedAt(failedAt)
        .build();
  }
}
