package ai.avloc.stream.kafka;

/** A Kafka record the job could not use, kept whole with the reason; becomes a DeadLetter. */
public record Failed(
    String topic,
    int partition,
    long offset,
    long timestampMillis,
    byte[] key,
    byte[] value,
    String stage,
    String error) {}
