package ai.avloc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.AvroRuntimeException;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  static final Instant FAILED_AT = Instant.parse("2026-11-25T12:00:01.000123Z");
  static final long RECORD_MILLIS = Instant.parse("2026-11-25T12:00:00.083Z").toEpochMilli();

  @Test
  void shouldKeepEveryFieldOfTheFailedRecord() {
    byte[] key = "cam-1".getBytes(StandardCharsets.UTF_8);
    byte[] value = {(byte) 0xC3, 0x01, 7};

    DeadLetter letter =
        DeadLetters.of(
            "avloc.frames", 3, 4711L, RECORD_MILLIS, key, value, "validate", "no EOI", FAILED_AT);

    assertEquals("avloc.frames", letter.getTopic());
    assertEquals(3, letter.getPartition());
    assertEquals(4711L, letter.getOffset());
    assertEquals(Instant.ofEpochMilli(RECORD_MILLIS), letter.getRecordTimestamp());
    assertEquals(ByteBuffer.wrap(key), letter.getKey());
    assertEquals(ByteBuffer.wrap(value), letter.getValue());
    assertEquals("validate", letter.getStage());
    assertEquals("no EOI", letter.getError());
    assertEquals(FAILED_AT, letter.getFailedAt());
  }

  @Test
  void shouldKeepAMissingKeyAndValueMissing() {
    DeadLetter letter =
        DeadLetters.of(
            "avloc.audio", 0, 0L, RECORD_MILLIS, null, null, "decode", "empty", FAILED_AT);

    assertNull(letter.getKey());
    assertNull(letter.getValue());
  }

  @Test
  void shouldKeepALargeValueWhole() {
    byte[] value = new byte[1 << 20];
    value[value.length - 1] = 42;

    DeadLetter letter =
        DeadLetters.of("avloc.frames", 0, 1L, RECORD_MILLIS, null, value, "decode", "x", FAILED_AT);

    assertEquals(1 << 20, letter.getValue().remaining());
    assertEquals(42, letter.getValue().get(value.length - 1));
  }

  @Test
  void shouldRoundTripThroughTheDeadLetterSerde() {
    AvroSerde<DeadLetter> serde = new AvroSerde<>(DeadLetter.class);
    DeadLetter letter =
        DeadLetters.of(
            "avloc.localizations",
            1,
            9L,
            RECORD_MILLIS,
            new byte[] {1},
            new byte[] {2, 3},
            "decode",
            "unknown schema fingerprint",
            FAILED_AT);

    DeadLetter back = serde.deserialize("avloc.dead-letters", serde.serialize("t", letter));

    assertEquals(letter, back);
  }

  @Test
  void shouldRefuseALetterWithoutAnError() {
    assertThrows(
        AvroRuntimeException.class,
        () -> DeadLetters.of("t", 0, 0L, RECORD_MILLIS, null, null, "decode", null, FAILED_AT));
  }
}
