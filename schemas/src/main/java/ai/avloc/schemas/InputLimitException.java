package ai.avloc.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record refused by {@link InputLimits} before it was decoded: too large, or declaring a field
 * longer than its bound or than the bytes that follow. {@link #limit()} names the limit in a few
 * stable words, for counters; the message says what the record declared.
 */
public final class InputLimitException extends SerializationException {
  private final String limit;

  public InputLimitException(String limit, String message) {
    super(message);
    this.limit = limit;
  }

  /** record-size, field-length, items, union-branch, varint or truncated. */
  public String limit() {
    return limit;
  }
}
