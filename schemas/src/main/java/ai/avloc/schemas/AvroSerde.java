package ai.avloc.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one avloc record type in Avro's single-object encoding: {@code C3 01}, the writer
 * schema's 8-byte fingerprint, then the binary body. Readers resolve the writer schema by
 * fingerprint from {@link Schemas#store()}, so records written with an earlier version of a schema
 * still read; no registry server is involved. A null value (a compacted topic's tombstone) stays
 * null both ways. Decoding applies {@link InputLimits} before it allocates: a record that breaks
 * them throws {@link InputLimitException}, as any undecodable record throws {@link
 * SerializationException}.
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {
  /** Marker C3 01 and the 8-byte fingerprint before the body. */
  private static final int HEADER_BYTES = 10;

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  public AvroSerde(Class<T> type) {
    this.type = type;
    Schema schema = SpecificData.get().getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema, Schemas.store());
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public byte[] serialize(String topic, T value) {
    if (value == null) {
      return null;
    }
    try {
      ByteBuffer buffer = encoder.encode(value);
      return Arrays.copyOfRange(
          buffer.array(),
          buffer.arrayOffset() + buffer.position(),
          buffer.arrayOffset() + buffer.limit());
    } catch (IOException | AvroRuntimeException e) {
      throw new SerializationException(
          type.getSimpleName() + " for topic " + topic + " cannot be encoded: " + e.getMessage(),
          e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    checkLimits(topic, data);
    try {
      return decoder.decode(data);
    } catch (BadHeaderException e) {
      throw new SerializationException(
          String.format(
              "%s on topic %s: not an Avro single-object record (%d bytes, header %s)",
              type.getSimpleName(), topic, data.length, hex(data, 2)),
          e);
    } catch (MissingSchemaException e) {
      throw new SerializationException(
          String.format(
              "%s on topic %s: unknown schema fingerprint %s; the writer used a schema this reader does not know",
              type.getSimpleName(),
              topic,
              hex(Arrays.copyOfRange(data, 2, Math.min(10, data.length)), 8)),
          e);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new SerializationException(
          String.format(
              "%s on topic %s: corrupt body after a valid header (%d bytes): %s",
              type.getSimpleName(), topic, data.length, e.getMessage()),
          e);
    }
  }

  /**
   * Refuses a record over {@link InputLimits#MAX_RECORD_BYTES}, and one whose body declares a
   * length out of bounds (see {@link BoundedBody}), before the decoder allocates anything. A record
   * without a valid header or with an unknown fingerprint is left to the decoder, which names it.
   */
  private void checkLimits(String topic, byte[] data) {
    if (data.length > InputLimits.MAX_RECORD_BYTES) {
      throw new InputLimitException(
          "record-size",
          String.format(
              "%s on topic %s: record of %d bytes, at most %d",
              type.getSimpleName(), topic, data.length, InputLimits.MAX_RECORD_BYTES));
    }
    if (data.length < HEADER_BYTES || data[0] != (byte) 0xC3 || data[1] != 0x01) {
      return;
    }
    long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = Schemas.store().findByFingerprint(fingerprint);
    if (writer == null) {
      return;
    }
    try {
      BoundedBody.check(writer, data, HEADER_BYTES);
    } catch (BoundedBody.LimitExceeded e) {
      String what =
          e.limit().equals("truncated")
              ? "corrupt body after a valid header (%d bytes): %s"
              : "refused before decoding (%d-byte record): %s";
      throw new InputLimitException(
          e.limit(),
          String.format(
              "%s on topic %s: " + what, type.getSimpleName(), topic, data.length, e.getMessage()));
    }
  }

  private static String hex(byte[] bytes, int count) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(count, bytes.length); i++) {
      s.append(String.format("%02X", bytes[i]));
    }
    return s.toString();
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    // nothing to configure: the record type is fixed at construction
  }

  @Override
  public void close() {
    // nothing to release; overridden because Serde, Serializer and Deserializer all declare close()
  }
}
