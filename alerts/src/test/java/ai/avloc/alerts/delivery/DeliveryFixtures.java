package ai.avloc.alerts.delivery;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.WindowClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Alerts and their Kafka records for the delivery tests. */
final class DeliveryFixtures {
  /** A window index of 2026, as real windows are. */
  static final long W0 = 21_172_435_200L;

  static final ObjectMapper JSON = new ObjectMapper();

  private DeliveryFixtures() {}

  /**
   * An alert of rule dock on {@code stream}, started at W0: START at W0+2, UPDATEs after, END with
   * no position and contrast 0.
   */
  static Alert alert(
      String id, String stream, AlertState state, long window, float contrast, float peak) {
    boolean end = state == AlertState.END;
    return Alert.newBuilder()
        .setAlertId(id)
        .setRuleId("dock")
        .setRuleName("Loading dock")
        .setStreamId(stream)
        .setState(state)
        .setStartWindow(W0)
        .setWindow(window)
        .setTimestamp(Instant.EPOCH.plusNanos(WindowClock.startMicros(window) * 1000))
        .setWhere(end ? null : new ImagePoint(0.25f, 0.5f))
        .setContrast(end ? 0f : contrast)
        .setPeakContrast(peak)
        .build();
  }

  /** {@code alert} as the record at {@code offset} of partition 0 of {@code topics}' alerts. */
  static QueuedAlert queued(Topics topics, Alert alert, long offset) {
    String topic = topics.alerts().name();
    byte[] key = alert.getStreamId().getBytes(StandardCharsets.UTF_8);
    byte[] value = topics.alerts().values().serialize(topic, alert);
    return new QueuedAlert(
        alert,
        new ConsumerRecord<>(
            topic,
            0,
            offset,
            1_700_000_000_000L + offset,
            TimestampType.CREATE_TIME,
            key.length,
            value.length,
            key,
            value,
            new RecordHeaders(),
            Optional.empty()));
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
