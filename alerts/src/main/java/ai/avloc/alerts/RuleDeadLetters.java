package ai.avloc.alerts;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.DeadLetters;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dead letters of the rules topic. That topic is read by the global thread, which has no producer
 * of its own, so its dead letters go out through the app's own producer, outside the transactions:
 * a restart, which re-reads the compacted topic, writes the dead letter of a record still on it
 * again. Until {@link #sendTo} is called (before the app starts) they are only counted as bad.
 */
final class RuleDeadLetters {
  private final AvroSerde<DeadLetter> serde = new AvroSerde<>(DeadLetter.class);
  private final String deadLettersTopic;
  private final AlertCounters counters;
  private volatile Consumer<ProducerRecord<byte[], byte[]>> out;

  RuleDeadLetters(String deadLettersTopic, AlertCounters counters) {
    this.deadLettersTopic = deadLettersTopic;
    this.counters = counters;
  }

  void sendTo(Consumer<ProducerRecord<byte[], byte[]>> out) {
    this.out = out;
  }

  /** Writes a dead letter for a record of the rules topic; {@code value} is its original bytes. */
  void send(
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value,
      String stage,
      String reason) {
    if (out != null) {
      send(
          DeadLetters.of(
              topic, partition, offset, timestamp, key, value, stage, reason, Instant.now()));
    }
  }

  /** Writes {@code letter}, a dead letter for a record of the rules topic. */
  void send(DeadLetter letter) {
    Consumer<ProducerRecord<byte[], byte[]>> target = out;
    if (target == null) {
      return;
    }
    target.accept(record(serde, deadLettersTopic, letter));
    counters.deadLetters.incrementAndGet();
  }

  /**
   * The record that carries {@code letter} to {@code deadLettersTopic}, with the key and timestamp
   * of the record it is about; cut to fit the topic (a record of 5 MiB, or a rule with thousands of
   * problems, would otherwise be refused by the broker and its letter lost).
   */
  static ProducerRecord<byte[], byte[]> record(
      AvroSerde<DeadLetter> serde, String deadLettersTopic, DeadLetter original) {
    DeadLetter letter = DeadLetters.fitting(original);
    long timestamp = letter.getRecordTimestamp().toEpochMilli();
    byte[] key = null;
    if (letter.getKey() != null) {
      // a cut key is a slice of the original array: copy what it holds
      ByteBuffer k = letter.getKey().duplicate();
      key = new byte[k.remaining()];
      k.get(key);
    }
    return new ProducerRecord<>(
        deadLettersTopic,
        null,
        timestamp < 0 ? null : timestamp,
        key,
        serde.serialize(deadLettersTopic, letter));
  }
}
