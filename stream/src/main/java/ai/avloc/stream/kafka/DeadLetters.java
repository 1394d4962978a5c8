package ai.avloc.stream.kafka;

import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.stream.metrics.PerCamera;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The dead-letter side of the job: a side output and the sink that writes it to Kafka. A letter
 * never fails the sink: one too large for the topic is cut ({@link
 * ai.avloc.schemas.DeadLetters#fitting}), an event time before 1970 leaves the timestamp to the
 * broker.
 */
public final class DeadLetters {
  /** Longer than any checkpoint interval we use, within a default broker's 15 min limit. */
  public static final int TRANSACTION_TIMEOUT_MS = 10 * 60 * 1000;

  public static final OutputTag<Failed> TAG = new OutputTag<>("dead-letters") {};

  private DeadLetters() {}

  public static KafkaSink<Failed> sink(
      String bootstrapServers,
      String topic,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    return sink(
        KafkaConnection.plaintext(bootstrapServers), topic, guarantee, transactionalIdPrefix);
  }

  /** As above, with the connection's security settings and principal. */
  public static KafkaSink<Failed> sink(
      KafkaConnection kafka,
      String topic,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    return DeadLetters.<Failed>sinkBuilder(kafka, guarantee, transactionalIdPrefix)
        .setRecordSerializer(new Serializer(topic))
        .build();
  }

  /** A Kafka sink as every sink of the job is configured; the caller adds its serializer. */
  public static <T> KafkaSinkBuilder<T> sinkBuilder(
      KafkaConnection kafka, DeliveryGuarantee guarantee, String transactionalIdPrefix) {
    return KafkaSink.<T>builder()
        .setKafkaProducerConfig(kafka.settingsAsProperties())
        .setBootstrapServers(kafka.bootstrapServers())
        .setDeliveryGuarantee(guarantee)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        // Flink's default (1 h) exceeds a broker's default transaction.max.timeout.ms (15 min)
        .setProperty("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT_MS));
  }

  /** The counter of dead letters written, under {@link #REASON} and {@link PerCamera#GROUP}. */
  public static final String METRIC = "deadLetters";

  /** The key of the group a dead letter is counted under: its stage ("align", "infer", ...). */
  public static final String REASON = "reason";

  /** The camera of a letter refused before its record was decoded and validated. */
  public static final String UNKNOWN_CAMERA = "unknown";

  /**
   * The camera a letter is counted for: its key, the stream id, once the record got past decoding
   * and validation. Before that the key is whatever the producer sent, so it names no camera.
   */
  static String cameraOf(Failed f) {
    if (f.key() == null || f.stage().equals("decode") || f.stage().equals("validate")) {
      return UNKNOWN_CAMERA;
    }
    return new String(f.key(), StandardCharsets.UTF_8);
  }

  /**
   * Failed to Avro DeadLetter, keyed by the original key; counts each letter by reason (its stage)
   * and camera.
   */
  static final class Serializer implements KafkaRecordSerializationSchema<Failed> {
    private final String topic;
    private transient AvroSerde<DeadLetter> serde;
    private transient MetricGroup metrics;
    private transient Map<String, PerCamera<Counter>> byReason;

    Serializer(String topic) {
      this.topic = topic;
    }

    @Override
    public void open(
        SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
      if (metrics == null) { // the writer may open it again; second counters would collide
        metrics = context.getMetricGroup();
        byReason = new HashMap<>();
      }
    }

    /** Counts {@code f}; stages are the job's own few words, cameras bounded by PerCamera. */
    private void count(Failed f) {
      if (metrics == null) {
        return; // used outside a Flink sink
      }
      byReason
          .computeIfAbsent(
              f.stage(),
              stage -> new PerCamera<>(metrics.addGroup(REASON, stage), g -> g.counter(METRIC)))
          .of(cameraOf(f))
          .inc();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        Failed f, KafkaSinkContext context, Long timestamp) {
      if (serde == null) {
        serde = new AvroSerde<>(DeadLetter.class);
      }
      count(f);
      // the schemas' factory shares this class's simple name, hence the full one; a letter that
      // would not fit the topic is cut rather than failing the sink
      DeadLetter letter =
          ai.avloc.schemas.DeadLetters.fitting(
              ai.avloc.schemas.DeadLetters.of(
                  f.topic(),
                  f.partition(),
                  f.offset(),
                  f.timestampMillis(),
                  f.key(),
                  f.value(),
                  f.stage(),
                  f.error(),
                  Instant.now()));
      return new ProducerRecord<>(
          topic,
          null,
          recordTimestamp(f.timestampMillis()),
          bytes(letter.getKey()),
          serde.serialize(topic, letter));
    }

    /**
     * The Kafka timestamp of a dead letter: the original record's, or none (the broker's clock)
     * when it is negative, which a ProducerRecord refuses: an event time before 1970.
     */
    static Long recordTimestamp(long millis) {
      return millis < 0 ? null : millis;
    }

    private static byte[] bytes(ByteBuffer b) {
      if (b == null) {
        return null;
      }
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
  }
}
