package ai.avloc.stream.kafka;

import ai.avloc.schemas.AvroSerde;
import java.io.Serializable;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka records into job events without ever failing the job: a record that does not decode
 * (garbage, unknown schema fingerprint, truncated body) or does not validate becomes a {@link
 * Failed} carrying its original bytes and the reason.
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

  public EventDecoder(
      Class<A> avroType, Mapper<A, E> mapper, TypeInformation<Decoded<E>> producedType) {
    this.avroType = avroType;
    this.mapper = mapper;
    this.producedType = producedType;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<E>> out) {
    if (serde == null) {
      serde = new AvroSerde<>(avroType);
    }
    String stage = "decode";
    try {
      A avro = serde.deserialize(record.topic(), record.value());
      if (avro == null) {
        throw new IllegalArgumentException("empty value");
      }
      stage = "validate";
      out.collect(Decoded.ok(mapper.apply(avro, record.timestamp())));
    } catch (RuntimeException e) {
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

  @Override
  public TypeInformation<Decoded<E>> getProducedType() {
    return producedType;
  }
}
