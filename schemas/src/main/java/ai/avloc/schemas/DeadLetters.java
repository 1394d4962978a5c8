package ai.avloc.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The one way to build a {@link DeadLetter}: the job's dead-letter sink and the alerts app's
 * deserialization handler both describe an unusable Kafka record with it, so the two agree on every
 * field. {@link #of} keeps the record's key and value whole, so it can be replayed; {@link
 * #fitting} cuts a letter that would not fit a topic's default 1 MiB, saying so in its error.
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

  /**
   * {@code letter} as it fits a topic that takes 1 MiB: a value over {@link
   * InputLimits#MAX_DEAD_LETTER_VALUE_BYTES} keeps its first bytes, a key over {@link
   * InputLimits#MAX_DEAD_LETTER_KEY_BYTES} likewise, an error text over {@link
   * InputLimits#MAX_DEAD_LETTER_ERROR_CHARS} its start; the error then says what was cut and the
   * original sizes. A letter that fits is returned as it is.
   */
  public static DeadLetter fitting(DeadLetter letter) {
    StringBuilder note = new StringBuilder();
    ByteBuffer key = cut(letter.getKey(), InputLimits.MAX_DEAD_LETTER_KEY_BYTES, "key", note);
    ByteBuffer value =
        cut(letter.getValue(), InputLimits.MAX_DEAD_LETTER_VALUE_BYTES, "value", note);
    String error = letter.getError();
    int room = InputLimits.MAX_DEAD_LETTER_ERROR_CHARS - 200;
    if (error.length() > InputLimits.MAX_DEAD_LETTER_ERROR_CHARS) {
      note.append(String.format("; error text cut to %d of %d characters", room, error.length()));
      error = error.substring(0, room);
    }
    if (note.length() == 0) {
      return letter;
    }
    return DeadLetter.newBuilder(letter)
        .setKey(key)
        .setValue(value)
        .setError(error + " [dead letter truncated" + note + "]")
        .build();
  }

  private static ByteBuffer cut(ByteBuffer bytes, int most, String what, StringBuilder note) {
    if (bytes == null || bytes.remaining() <= most) {
      return bytes;
    }
    note.append(
        String.format("; %s cut to its first %d of %d bytes", what, most, bytes.remaining()));
    ByteBuffer head = bytes.duplicate();
    head.limit(head.position() + most);
    return head.slice();
  }
}
