package ai.avloc.alerts.delivery;

import ai.avloc.schemas.Alert;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An alert waiting in a sink's queue, with the Kafka record it came from: a sink that gives it up
 * dead-letters that record, bytes and coordinates whole, so it can be replayed.
 */
public record QueuedAlert(Alert alert, ConsumerRecord<byte[], byte[]> source) {
  public QueuedAlert {
    if (alert == null || source == null) {
      throw new IllegalArgumentException("a queued alert needs the alert and its record");
    }
  }
}
