package ai.avloc.stream.kafka;

/**
 * A decoded record that breaks the input contract: {@link #reason()} names the rule in a few stable
 * words (for counters), the message says what the record held.
 */
public final class InvalidEvent extends IllegalArgumentException {
  private final String reason;

  public InvalidEvent(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** stream-id, timestamp, sample-rate, jpeg, image-size, geometry, channels, samples, ... */
  public String reason() {
    return reason;
  }
}
