package ai.avloc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.testsupport.HandWrittenRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tiny records that declare huge lengths are refused before anything is allocated; records at the
 * limits of what gateways send still read.
 */
class InputLimitsTest {
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final long T0_MICROS = ChronoUnit.MICROS.between(Instant.EPOCH, T0);
  static final long HUGE = 2_000_000_000L;

  static <T extends org.apache.avro.specific.SpecificRecord> InputLimitException refused(
      Class<T> type, byte[] data) {
    return assertThrows(
        InputLimitException.class, () -> new AvroSerde<>(type).deserialize("t", data));
  }

  @Test
  void shouldRefuseA37ByteFrameDeclaringA2GigabyteJpeg() throws IOException {
    byte[] data =
        HandWrittenRecords.singleObject(
            VideoFrame.getClassSchema(),
            e -> {
              e.writeString("cam-0001");
              e.writeLong(1);
              e.writeLong(T0_MICROS);
              e.writeInt(298);
              e.writeInt(224);
              e.writeLong(HUGE); // the jpeg's length, and no bytes after it
            });
    assertEquals(37, data.length);

    InputLimitException e = refused(VideoFrame.class, data);

    assertEquals("field-length", e.limit());
    assertTrue(
        e.getMessage().contains("field jpeg declares 2000000000 bytes with 0 left"),
        e.getMessage());
    assertTrue(e.getMessage().contains("37-byte record"), e.getMessage());
  }

  @Test
  void shouldRefuseAJpegOverItsOwnLimitEvenWhenTheBytesAreThere() throws IOException {
    byte[] jpeg = new byte[InputLimits.MAX_JPEG_BYTES + 1];
    VideoFrame frame =
        VideoFrame.newBuilder()
            .setStreamId("cam")
            .setSequence(0)
            .setTimestamp(T0)
            .setWidth(298)
            .setHeight(224)
            .setJpeg(ByteBuffer.wrap(jpeg))
            .build();
    byte[] data = new AvroSerde<>(VideoFrame.class).serialize("t", frame);

    InputLimitException e = refused(VideoFrame.class, data);

    assertTrue(e.getMessage().contains("at most 1048576"), e.getMessage());
  }

  @Test
  void shouldRefuseAnAudioChunkDeclaringHugePcm() throws IOException {
    byte[] data =
        HandWrittenRecords.singleObject(
            AudioChunk.getClassSchema(),
            e -> {
              e.writeString("cam");
              e.writeLong(1);
              e.writeLong(T0_MICROS);
              e.writeInt(12_288);
              e.writeLong(HUGE);
            });

    InputLimitException e = refused(AudioChunk.class, data);

    assertTrue(e.getMessage().contains("field pcm16 declares 2000000000 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("at most 245760"), e.getMessage());
  }

  @Test
  void shouldRefuseAnArrayChunkDeclaringAHugeFloatBlockOrGeometry() throws IOException {
    byte[] block =
        HandWrittenRecords.singleObject(
            ArrayChunk.getClassSchema(),
            e -> {
              e.writeString("cam");
              e.writeLong(1);
              e.writeLong(T0_MICROS);
              e.writeInt(12_288);
              e.writeString("vogel64");
              e.writeInt(64);
              e.writeInt(1024);
              e.writeLong(HUGE);
            });
    byte[] geometry =
        HandWrittenRecords.singleObject(
            ArrayChunk.getClassSchema(),
            e -> {
              e.writeString("cam");
              e.writeLong(1);
              e.writeLong(T0_MICROS);
              e.writeInt(12_288);
              e.writeLong(HUGE); // the geometry id's length
            });

    assertTrue(
        refused(ArrayChunk.class, block).getMessage().contains("field float32 declares"),
        "float32");
    assertTrue(
        refused(ArrayChunk.class, geometry).getMessage().contains("field geometryId declares"),
        "geometryId");
  }

  @Test
  void shouldRefuseA41ByteRuleDeclaringHugeArrays() throws IOException {
    byte[] streams =
        HandWrittenRecords.singleObject(
            AlertRule.getClassSchema(),
            e -> {
              e.writeString("rule-1");
              e.writeString("right half");
              e.writeArrayStart();
              e.setItemCount(HUGE);
              e.writeString("cam-123");
            });
    byte[] zone =
        HandWrittenRecords.singleObject(
            AlertRule.getClassSchema(),
            e -> {
              e.writeString("rule-1");
              e.writeString("right half");
              e.writeArrayStart();
              e.setItemCount(0);
              e.writeArrayEnd();
              e.writeArrayStart();
              e.setItemCount(HUGE);
              e.writeFloat(0.5f);
              e.writeFloat(0.5f);
              e.writeFloat(0.5f);
            });
    assertEquals(41, streams.length);

    InputLimitException e = refused(AlertRule.class, streams);

    assertEquals("items", e.limit());
    assertTrue(
        e.getMessage().contains("field streamIds declares 2000000000 items"), e.getMessage());
    assertTrue(refused(AlertRule.class, zone).getMessage().contains("field zone declares"), "zone");
  }

  @Test
  void shouldRefuseAStreamIdLongerThanItsBound() throws IOException {
    byte[] data =
        HandWrittenRecords.singleObject(
            AudioChunk.getClassSchema(),
            e -> e.writeString("c".repeat(InputLimits.MAX_STREAM_ID_BYTES + 1)));

    InputLimitException e = refused(AudioChunk.class, data);

    assertTrue(e.getMessage().contains("field streamId declares 1021 bytes"), e.getMessage());
  }

  @Test
  void shouldRefuseARecordOverTheRecordLimitBeforeReadingIt() {
    byte[] data = new byte[InputLimits.MAX_RECORD_BYTES + 1];

    InputLimitException e = refused(VideoFrame.class, data);

    assertEquals("record-size", e.limit());
    assertTrue(e.getMessage().contains("record of 5242881 bytes"), e.getMessage());
  }

  @Test
  void shouldReadTheLargestChunkAGatewaySends() {
    // one window of the 128-microphone array, 512 KiB
    ArrayChunk chunk =
        ArrayChunk.newBuilder()
            .setStreamId("cam-array")
            .setSequence(0)
            .setTimestamp(T0)
            .setSampleRate(12_288)
            .setGeometryId("dualcam128")
            .setChannels(128)
            .setSamplesPerChannel(1024)
            .setFloat32(ByteBuffer.wrap(new byte[128 * 1024 * 4]))
            .build();
    AlertRule rule =
        AlertRule.newBuilder()
            .setRuleId("r")
            .setName("zone")
            .setStreamIds(List.of("cam-1", "cam-2"))
            .setZone(
                List.of(new ImagePoint(0f, 0f), new ImagePoint(1f, 0f), new ImagePoint(1f, 1f)))
            .setMinContrast(1f)
            .setMinDurationWindows(3)
            .setCooldownWindows(2)
            .build();

    AvroSerde<ArrayChunk> chunks = new AvroSerde<>(ArrayChunk.class);
    AvroSerde<AlertRule> rules = new AvroSerde<>(AlertRule.class);

    assertEquals(chunk, chunks.deserialize("t", chunks.serialize("t", chunk)));
    assertEquals(rule, rules.deserialize("t", rules.serialize("t", rule)));
  }

  @Test
  void shouldNameStreamIdsThatAreTooLongOrHoldControlCharactersOrDotSegments() {
    assertNull(InputLimits.streamIdProblem("gate-3 (north)/éßt"));
    assertNull(InputLimits.streamIdProblem("site//gate.3/..north/.../"));
    assertEquals("stream id holds a '..' path segment", InputLimits.streamIdProblem("a/../b"));
    assertEquals("stream id holds a '.' path segment", InputLimits.streamIdProblem("./b"));
    assertEquals("stream id holds a '..' path segment", InputLimits.streamIdProblem("site/.."));
    assertEquals("no stream id", InputLimits.streamIdProblem(" "));
    assertEquals(
        "stream id of 256 characters, at most 255", InputLimits.streamIdProblem("c".repeat(256)));
    assertEquals(
        "stream id holds control character U+000A at 3", InputLimits.streamIdProblem("cam\n1"));
    assertEquals(
        "stream id holds control character U+202E at 0", InputLimits.streamIdProblem("\u202Ecam"));
  }

  @Test
  void shouldAcceptEventTimesFrom2000ToAMinuteAhead() {
    long now = T0.toEpochMilli();
    long nowMicros = now * 1000;
    assertNull(InputLimits.eventTimeProblem(nowMicros, now));
    assertNull(InputLimits.eventTimeProblem(nowMicros + 60_000_000, now));
    assertNull(
        InputLimits.eventTimeProblem(InputLimits.EARLIEST_EVENT.toEpochMilli() * 1000, now),
        "a replay of an old archive");
    assertEquals(
        "timestamp 1969-12-31T23:59:59Z is before 2000-01-01T00:00:00Z",
        InputLimits.eventTimeProblem(-1_000_000, now));
    assertEquals(
        "timestamp 2026-11-25T15:00:00Z is 10800 s ahead of processing time, at most 60 s",
        InputLimits.eventTimeProblem(nowMicros + 3 * 3_600_000_000L, now));
    assertTrue(InputLimits.eventTimeProblem(Long.MIN_VALUE, now).contains("before 2000"));
    assertTrue(InputLimits.eventTimeProblem(Long.MAX_VALUE, now).contains("ahead"));
  }

  @Test
  void shouldCutADeadLetterOfTwoMegabytesToFitTheTopic() {
    byte[] value = new byte[2_000_000];
    value[0] = 7;
    DeadLetter letter =
        DeadLetters.of(
            "avloc.frames",
            0,
            1L,
            T0.toEpochMilli(),
            "cam".getBytes(),
            value,
            "validate",
            "jpeg too large",
            T0);

    DeadLetter cut = DeadLetters.fitting(letter);
    byte[] written = new AvroSerde<>(DeadLetter.class).serialize("t", cut);

    assertEquals(InputLimits.MAX_DEAD_LETTER_VALUE_BYTES, cut.getValue().remaining());
    assertEquals(7, cut.getValue().get(0));
    assertTrue(written.length < 1 << 20, written.length + " bytes");
    assertEquals(
        "jpeg too large [dead letter truncated; value cut to its first 983040 of 2000000 bytes]",
        cut.getError());
    assertSame(letter.getStage(), cut.getStage(), "everything else is kept: " + cut.getStage());
    DeadLetter small = DeadLetters.of("t", 0, 1L, 0L, null, new byte[] {1}, "decode", "x", T0);
    assertSame(small, DeadLetters.fitting(small), "a letter that fits is kept as it is");
  }
}
