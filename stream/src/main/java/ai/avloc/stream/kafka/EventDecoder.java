package ai.avloc.stream.kafka;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.InputLimitException;
import ai.avloc.stream.metrics.StageNanos;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes Kafka records into job events without ever failing the job: a record that does not decode
 * (garbage, unknown schema fingerprint, truncated body) or does not validate becomes a {@link
 * Failed} carrying its original bytes and the reason, counted per stage and reason in the source's
 * metrics ({@code rejected.stage.<stage>.<reason>}).
 */
public final class EventDecoder<A extends SpecificRecord, E>
    implements KafkaRecordDeserializationSchema<Decoded<E>> {
  /**
   * Turns a decoded Avro record into a job event, or says why it is invalid by throwing
   * IllegalArgumentException.
   */
  public interface Mapper<A, E> extends BiFunction<A, Long, E>, Serializable {}

  private final Class<A> avroType;
  private final Mapper<A, E> mapper;
  private final TypeInformation<Decoded<E>> producedType;
  private transient AvroSerde<A> serde;
  private transient MetricGroup metrics;
  private transient Map<String, Counter> rejected;
  private transient Counter decodeNanos;

  public EventDecoder(
      Class<A> avroType, Mapper<A, E> mapper, TypeInformation<Decoded<E>> producedType) {
    this.avroType = avroType;
    this.mapper = mapper;
    this.producedType = producedType;
  }

  /** Counters of refused records, one per stage and reason, under the source's metric group. */
  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    metrics = context.getMetricGroup().addGroup("rejected");
    decodeNanos = StageNanos.counter(context.getMetricGroup(), StageNanos.DECODE);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<E>> out) {
    if (serde == null) {
      serde = new AvroSerde<>(avroType);
    }
    String stage = "decode";
    long start = System.nanoTime();
    try {
      A avro = serde.deserialize(record.topic(), record.value());
      if (avro == null) {
        throw new IllegalArgumentException("empty value");
      }
      stage = "validate";
      E event = mapper.apply(avro, record.timestamp());
      if (decodeNanos != null) {
        // before collect: the operators chained to the source run inside it
        decodeNanos.inc(System.nanoTime() - start);
      }
      out.collect(Decoded.ok(event));
    } catch (RuntimeException e) {
      count(stage, reasonOf(e));
      out.collect(
          Decoded.failed(
              new Failed(
                  record.topic(),
                  record.partition(),
                  record.offset(),
                  record.timestamp(),
                  record.key(),
                  record.value(),
                  stage,
                  e.getMessage() == null ? e.toString() : e.getMessage())));
    }
  }

  /**
   * The counter's name for a refusal: the limit or rule an {@link InputLimitException} or {@link
   * InvalidEvent} names, else "undecodable" or "invalid".
   */
  static String reasonOf(RuntimeException e) {
    if (e instanceof InputLimitException l) {
      return l.limit();
    }
    if (e instanceof InvalidEvent i) {
      return i.reason();
    }
    return e instanceof SerializationException ? "undecodable" : "invalid";
  }

  private void count(String stage, String reason) {
    if (metrics == null) {
      return; // used outside a Flink source
    }
    if (rejected == null) {
      rejected = new HashMap<>();
    }
    // reasons are a small fixed vocabulary, so the counters stay few
    rejected
        .computeIfAbsent(
            stage + "." + reason, k -> metrics.addGroup("stage", stage).counter(reason))
        .inc();
  }

  @Override
  public TypeInformation<Decoded<E>> getProducedType() {
    return producedType;
  }
}
