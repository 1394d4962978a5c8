package ai.avloc.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

class DeadLetterHandlerTest {
  /** What Kafka Streams hands the handler for a punctuation: no record, no topic, no offsets. */
  static ErrorHandlerContext punctuationContext() {
    return (ErrorHandlerContext)
        Proxy.newProxyInstance(
            ErrorHandlerContext.class.getClassLoader(),
            new Class<?>[] {ErrorHandlerContext.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "processorNodeId" -> "alerts";
                  case "partition" -> -1;
                  case "offset", "timestamp" -> -1L;
                  default -> null;
                });
  }

  @Test
  void aPunctuationThatThrowsIsCountedAndSkippedWithoutADeadLetter() {
    AlertCounters counters = new AlertCounters();
    DeadLetterHandler handler = new DeadLetterHandler();
    handler.configure(
        Map.of(
            AlertsApp.COUNTERS_CONFIG, counters, AlertsApp.DEAD_LETTERS_TOPIC_CONFIG, "avloc.dlq"));

    ProcessingExceptionHandler.Response response =
        handler.handleError(
            punctuationContext(),
            (org.apache.kafka.streams.processor.api.Record<?, ?>) null,
            new IllegalStateException("store broke"));

    assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
    assertTrue(response.deadLetterQueueRecords().isEmpty(), "no record to dead-letter");
    assertEquals(1, counters.processingErrors());
  }
}
