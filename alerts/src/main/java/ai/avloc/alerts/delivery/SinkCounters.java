package ai.avloc.alerts.delivery;

import java.util.concurrent.atomic.AtomicLong;

/** What one sink did with the alerts handed to it, since it started. */
public final class SinkCounters {
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong retried = new AtomicLong();
  final AtomicLong deadLettered = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();

  /** Events the peer accepted (webhook: a 2xx answer; MQTT: every message of the event acked). */
  public long delivered() {
    return delivered.get();
  }

  /** Tries after the first: a webhook request sent again, an MQTT publish repeated. */
  public long retried() {
    return retried.get();
  }

  /** Events given up and written to the dead-letter topic (webhook only). */
  public long deadLettered() {
    return deadLettered.get();
  }

  /** Events dropped unsent, each logged: the oldest when the MQTT queue was full, or at close. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public String toString() {
    return String.format(
        "delivered=%d retried=%d deadLettered=%d dropped=%d",
        delivered(), retried(), deadLettered(), dropped());
  }
}
