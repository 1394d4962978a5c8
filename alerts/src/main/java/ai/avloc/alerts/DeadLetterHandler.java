package ai.avloc.alerts;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.DeadLetters;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's handler for records it cannot use; none of them stops the app.
 *
 * <ul>
 *   <li>An undecodable record, on either input topic, is counted, logged and skipped. An
 *       undecodable localization becomes a {@link DeadLetter} through the task's producer, so under
 *       exactly-once it commits with the task's transaction; an undecodable rule goes out through
 *       {@link RuleDeadLetters}, since the global thread that reads rules has no producer.
 *   <li>A localization whose processing throws is skipped and dead-lettered with stage "alert"; the
 *       other streams, and this stream's next windows, go on.
 *   <li>An output record the broker refuses as too large, or that cannot be serialized, is counted,
 *       logged and skipped. Other send errors fail the thread, which the app replaces.
 * </ul>
 */
public final class DeadLetterHandler
    implements DeserializationExceptionHandler,
        ProcessingExceptionHandler,
        ProductionExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private final AvroSerde<DeadLetter> serde = new AvroSerde<>(DeadLetter.class);
  private AlertCounters counters = new AlertCounters();
  private RuleDeadLetters ruleDeadLetters;
  private String localizationsTopic;
  private String rulesTopic;
  private String deadLettersTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    if (configs.get(AlertsApp.COUNTERS_CONFIG) instanceof AlertCounters c) {
      counters = c;
    }
    if (configs.get(AlertsApp.RULE_DEAD_LETTERS_CONFIG) instanceof RuleDeadLetters r) {
      ruleDeadLetters = r;
    }
    localizationsTopic = (String) configs.get(AlertsApp.LOCALIZATIONS_TOPIC_CONFIG);
    rulesTopic = (String) configs.get(AlertsApp.RULES_TOPIC_CONFIG);
    deadLettersTopic = (String) configs.get(AlertsApp.DEAD_LETTERS_TOPIC_CONFIG);
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    long count = counters.badRecords.incrementAndGet();
    LOG.warn(
        "skipping undecodable record {}-{}@{} ({} so far): {}",
        record.topic(),
        record.partition(),
        record.offset(),
        count,
        exception.getMessage());
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
    if (record.topic().equals(rulesTopic) && ruleDeadLetters != null) {
      ruleDeadLetters.send(letter);
      return DeserializationExceptionHandler.Response.resume();
    }
    if (deadLettersTopic == null || !record.topic().equals(localizationsTopic)) {
      return DeserializationExceptionHandler.Response.resume();
    }
    counters.deadLetters.incrementAndGet();
    // the task's producer sends it, under exactly-once within the task's transaction
    return DeserializationExceptionHandler.Response.resume(
        List.of(RuleDeadLetters.record(serde, deadLettersTopic, letter)));
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    long count = counters.processingErrors.incrementAndGet();
    if (record == null || context.topic() == null) {
      // a punctuation threw: there is no record to dead-letter, and the next second retries it
      LOG.error(
          "a punctuation of {} threw ({} errors so far)",
          context.processorNodeId(),
          count,
          exception);
      return ProcessingExceptionHandler.Response.resume();
    }
    if (exception instanceof AlertProcessor.RefusedLocalization) {
      // hostile input, not a bug: no stack trace, and not its key, which may hold a newline
      if (count == 1 || count % 1000 == 0) {
        LOG.warn(
            "refusing localization {}-{}@{}: {} ({} records skipped so far)",
            context.topic(),
            context.partition(),
            context.offset(),
            exception.getMessage(),
            count);
      }
    } else {
      LOG.error(
          "skipping record {}-{}@{} (key {}) whose processing in {} threw ({} so far)",
          context.topic(),
          context.partition(),
          context.offset(),
          record.key(),
          context.processorNodeId(),
          count,
          exception);
    }
    if (deadLettersTopic == null) {
      return ProcessingExceptionHandler.Response.resume();
    }
    counters.deadLetters.incrementAndGet();
    return ProcessingExceptionHandler.Response.resume(
        List.of(
            RuleDeadLetters.record(
                serde,
                deadLettersTopic,
                DeadLetters.of(
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    context.timestamp(),
                    context.sourceRawKey(),
                    context.sourceRawValue(),
                    "alert",
                    exception.getClass().getSimpleName() + ": " + exception.getMessage(),
                    Instant.now()))));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      return skipUnsent(record, exception);
    }
    return ProductionExceptionHandler.Response.fail();
  }

  @Override
  public ProductionExceptionHandler.Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return skipUnsent(record, exception);
  }

  private ProductionExceptionHandler.Response skipUnsent(
      ProducerRecord<?, ?> record, Exception exception) {
    long count = counters.unsentRecords.incrementAndGet();
    LOG.error(
        "skipping a record for {} that cannot be sent ({} so far): {}",
        record.topic(),
        count,
        exception.toString());
    return ProductionExceptionHandler.Response.resume();
  }
}
