package ai.avloc.stream.kafka;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.Localization;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
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
    return DeadLetters.<Localization>sinkBuilder(bootstrapServers, guarantee, transactionalIdPrefix)
        .setRecordSerializer(new Serializer(topic))
        .build();
  }

  static final class Serializer implements KafkaRecordSerializationSchema<Localization> {
    private final String topic;
    private transient AvroSerde<Localization> serde;

    Serializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        Localization l, KafkaSinkContext context, Long timestamp) {
      if (serde == null) {
        serde = new AvroSerde<>(Localization.class);
      }
      return new ProducerRecord<>(
          topic,
          null,
          l.getWindowStart().toEpochMilli(),
          l.getStreamId().getBytes(StandardCharsets.UTF_8),
          serde.serialize(topic, l));
    }
  }
}
