package ai.avloc.stream.kafka;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.stream.metrics.StageNanos;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.metrics.Counter;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The job's output: Localization records keyed by stream id, stamped with their window's start,
 * written in Kafka transactions committed with each checkpoint (exactly once for read_committed
 * consumers).
 */
public final class LocalizationSink {
  private LocalizationSink() {}

  public static KafkaSink<Localization> sink(
      String bootstrapServers,
      String topic,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    return sink(
        KafkaConnection.plaintext(bootstrapServers), topic, guarantee, transactionalIdPrefix);
  }

  /** As above, with the connection's security settings and principal. */
  public static KafkaSink<Localization> sink(
      KafkaConnection kafka,
      String topic,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    return DeadLetters.<Localization>sinkBuilder(kafka, guarantee, transactionalIdPrefix)
        .setRecordSerializer(new Serializer(topic))
        .build();
  }

  static final class Serializer implements KafkaRecordSerializationSchema<Localization> {
    private final String topic;
    private transient AvroSerde<Localization> serde;
    private transient Counter encodeNanos;

    Serializer(String topic) {
      this.topic = topic;
    }

    @Override
    public void open(
        SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
      if (encodeNanos == null) { // the writer may open it again; a second counter would collide
        encodeNanos = StageNanos.counter(context.getMetricGroup(), StageNanos.ENCODE);
      }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        Localization l, KafkaSinkContext context, Long timestamp) {
      if (serde == null) {
        serde = new AvroSerde<>(Localization.class);
      }
      long start = System.nanoTime();
      byte[] value = serde.serialize(topic, l);
      if (encodeNanos != null) {
        encodeNanos.inc(System.nanoTime() - start);
      }
      return new ProducerRecord<>(
          topic,
          null,
          l.getWindowStart().toEpochMilli(),
          l.getStreamId().getBytes(StandardCharsets.UTF_8),
          value);
    }
  }
}
