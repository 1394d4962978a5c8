package ai.avloc.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00.083333Z");

  static Localization localization() {
    ByteBuffer energy = ByteBuffer.allocate(36 * 48 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 36 * 48; i++) {
      energy.putFloat(0.04f + i * 1e-6f);
    }
    energy.flip();
    SourcePeak peak =
        SourcePeak.newBuilder()
            .setRow(10)
            .setCol(30)
            .setPosition(new ImagePoint(30.5f / 48, 10.5f / 36))
            .setValue(0.0417f)
            .setContrast(0.002f)
            .setRegionMin(new ImagePoint(0.58f, 0.22f))
            .setRegionMax(new ImagePoint(0.69f, 0.36f))
            .build();
    return Localization.newBuilder()
        .setStreamId("gate-3")
        .setWindow(21_288_960_001L)
        .setWindowStart(T0)
        .setMode(LocalizationMode.ARRAY)
        .setModelId("dualcam128/das")
        .setSilent(false)
        .setInferred(true)
        .setAudioCoverage(1f)
        .setRows(36)
        .setCols(48)
        .setEnergy(energy)
        .setFlatness(0.998f)
        .setPeaks(List.of(peak))
        .setIngestTime(T0)
        .setEmitTime(T0.plusMillis(40))
        .setInferenceMicros(12_000)
        .build();
  }

  @Test
  void shouldRoundTripALocalizationThroughTheSingleObjectEncoding() {
    AvroSerde<Localization> serde = new AvroSerde<>(Localization.class);
    Localization original = localization();
    byte[] bytes = serde.serialize("avloc.localizations", original);
    Localization back = serde.deserialize("avloc.localizations", bytes);
    assertEquals(original, back);
    assertEquals(T0, back.getWindowStart());
    assertEquals(36 * 48 * 4, back.getEnergy().remaining());
  }

  @Test
  void shouldStartEveryRecordWithTheMarkerAndTheSchemaFingerprint() {
    byte[] bytes = new AvroSerde<>(Localization.class).serialize("t", localization());
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    long fingerprint = SchemaNormalization.parsingFingerprint64(Localization.getClassSchema());
    long written = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(fingerprint, written);
  }

  @Test
  void shouldKeepTimestampsToTheMicrosecond() {
    AvroSerde<AudioChunk> serde = new AvroSerde<>(AudioChunk.class);
    AudioChunk chunk =
        AudioChunk.newBuilder()
            .setStreamId("cam-1")
            .setSequence(7)
            .setTimestamp(T0)
            .setSampleRate(12288)
            .setPcm16(ByteBuffer.wrap(new byte[2048]))
            .build();
    AudioChunk back = serde.deserialize("avloc.audio", serde.serialize("avloc.audio", chunk));
    assertEquals(83_333_000, back.getTimestamp().getNano());
  }

  @Test
  void shouldPassTombstonesThroughAsNull() {
    AvroSerde<AlertRule> serde = new AvroSerde<>(AlertRule.class);
    assertNull(serde.serialize("avloc.alert-rules", null));
    assertNull(serde.deserialize("avloc.alert-rules", null));
  }

  @Test
  void shouldNameGarbageAsNotAnAvroRecord() {
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () ->
                new AvroSerde<>(VideoFrame.class).deserialize("avloc.frames", "hello".getBytes()));
    assertTrue(e.getMessage().contains("not an Avro single-object record"), e.getMessage());
    assertTrue(e.getMessage().contains("avloc.frames"), e.getMessage());
  }

  @Test
  void shouldNameAnUnknownFingerprint() {
    byte[] bytes =
        new AvroSerde<>(AudioChunk.class)
            .serialize(
                "t",
                AudioChunk.newBuilder()
                    .setStreamId("c")
                    .setSequence(0)
                    .setTimestamp(T0)
                    .setSampleRate(12288)
                    .setPcm16(ByteBuffer.allocate(0))
                    .build());
    bytes[2] ^= 0x5A; // another fingerprint
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> new AvroSerde<>(AudioChunk.class).deserialize("avloc.audio", bytes));
    assertTrue(e.getMessage().contains("unknown schema fingerprint"), e.getMessage());
  }

  @Test
  void shouldNameATruncatedBody() {
    byte[] bytes = new AvroSerde<>(Localization.class).serialize("t", localization());
    byte[] cut = Arrays.copyOf(bytes, 40);
    SerializationException e =
        assertThrows(
            SerializationException.class,
            () -> new AvroSerde<>(Localization.class).deserialize("avloc.localizations", cut));
    assertTrue(e.getMessage().contains("corrupt body"), e.getMessage());
  }

  @Test
  void shouldReadARecordWrittenAsAnotherTypeOnlyByFailingClearly() {
    // an AudioChunk on the frames topic: known fingerprint, wrong record type
    byte[] audio =
        new AvroSerde<>(AudioChunk.class)
            .serialize(
                "t",
                AudioChunk.newBuilder()
                    .setStreamId("c")
                    .setSequence(0)
                    .setTimestamp(T0)
                    .setSampleRate(12288)
                    .setPcm16(ByteBuffer.allocate(4))
                    .build());
    assertThrows(
        SerializationException.class,
        () -> new AvroSerde<>(VideoFrame.class).deserialize("avloc.frames", audio));
  }

  @Test
  void shouldDocumentEveryFieldOfEverySchema() {
    for (Schema schema : Schemas.current()) {
      assertTrue(
          schema.getDoc() != null && !schema.getDoc().isBlank(), schema.getName() + " has no doc");
      assertFields(schema);
    }
  }

  private static void assertFields(Schema schema) {
    for (Schema.Field field : schema.getFields()) {
      assertTrue(
          field.doc() != null && !field.doc().isBlank(),
          schema.getName() + "." + field.name() + " has no doc");
      for (Schema nested :
          field.schema().getType() == Schema.Type.ARRAY
              ? List.of(field.schema().getElementType())
              : field.schema().getType() == Schema.Type.UNION
                  ? field.schema().getTypes()
                  : List.of(field.schema())) {
        if (nested.getType() == Schema.Type.RECORD && nested != schema) {
          assertFields(nested);
        }
      }
    }
  }

  @Test
  void shouldPrefixEveryTopicName() {
    Topics topics = Topics.withPrefix("site7.");
    assertEquals("site7.frames", topics.frames().name());
    assertEquals("site7.array-audio", topics.arrayAudio().name());
    assertEquals("site7.dead-letters", topics.deadLetters().name());
    assertEquals("avloc.localizations", Topics.defaults().localizations().name());
    assertThrows(IllegalArgumentException.class, () -> Topics.withPrefix("bad prefix"));
  }

  @Test
  void shouldKeepEnergyBytesExactly() {
    Localization original = localization();
    Localization back =
        new AvroSerde<>(Localization.class)
            .deserialize("t", new AvroSerde<>(Localization.class).serialize("t", original));
    byte[] a = new byte[original.getEnergy().remaining()];
    original.getEnergy().duplicate().get(a);
    byte[] b = new byte[back.getEnergy().remaining()];
    back.getEnergy().duplicate().get(b);
    assertArrayEquals(a, b);
  }
}
