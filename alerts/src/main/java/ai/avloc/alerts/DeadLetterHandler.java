package ai.avloc.alerts;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.DeadLetters;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log and continue, as {@code LogAndContinueExceptionHandler}, plus: counts every undecodable
 * record and turns an undecodable localization into a {@link DeadLetter} on the dead-letter topic.
 * The dead letter goes out through the task's producer, so under exactly-once it commits with the
 * task's transaction. Records of the rules topic are only logged and counted: they are read by the
 * global thread, which has no producer.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private final AvroSerde<DeadLetter> serde = new AvroSerde<>(DeadLetter.class);
  private AlertCounters counters = new AlertCounters();
  private String localizationsTopic;
  private String deadLettersTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    Object shared = configs.get(AlertsApp.COUNTERS_CONFIG);
    if (shared instanceof AlertCounters c) {
      counters = c;
    }
    localizationsTopic = (String) configs.get(AlertsApp.LOCALIZATIONS_TOPIC_CONFIG);
    deadLettersTopic = (String) configs.get(AlertsApp.DEAD_LETTERS_TOPIC_CONFIG);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    long count = counters.badRecords.incrementAndGet();
    LOG.warn(
        "skipping undecodable record {}-{}@{} ({} so far): {}",
        record.topic(),
        record.partition(),
        record.offset(),
        count,
        exception.getMessage());
    if (deadLettersTopic == null || !record.topic().equals(localizationsTopic)) {
      return Response.resume();
    }
    DeadLetter letter =
        DeadLetters.of(
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.key(),
            record.value(),
            "decode",
            String.valueOf(exception.getMessage()),
            Instant.now());
    return Response.resume(
        List.of(
            new ProducerRecord<>(
                deadLettersTopic,
                null,
                record.timestamp(),
                record.key(),
                serde.serialize(deadLettersTopic, letter))));
  }
}
