package ai.avloc.stream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The input contract as the job's sources apply it: each refusal names its reason. */
class ValidationTest {
  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  static final long NOW_MILLIS = NOW.toEpochMilli();

  static byte[] jpeg(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "jpg", out);
    return out.toByteArray();
  }

  static VideoFrame frame(String id, Instant at, byte[] jpeg) {
    return VideoFrame.newBuilder()
        .setStreamId(id)
        .setSequence(3)
        .setTimestamp(at)
        .setWidth(298)
        .setHeight(224)
        .setJpeg(ByteBuffer.wrap(jpeg))
        .build();
  }

  static AudioChunk chunk(String id, Instant at) {
    return AudioChunk.newBuilder()
        .setStreamId(id)
        .setSequence(4)
        .setTimestamp(at)
        .setSampleRate(12_288)
        .setPcm16(ByteBuffer.wrap(new byte[2048]))
        .build();
  }

  static ArrayChunk array(float sample) {
    ByteBuffer values = ByteBuffer.allocate(4 * 64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 64 * 1024; i++) {
      values.putFloat(i == 1030 ? sample : 0.01f);
    }
    values.flip();
    return ArrayChunk.newBuilder()
        .setStreamId("cam-array")
        .setSequence(5)
        .setTimestamp(NOW)
        .setSampleRate(12_288)
        .setGeometryId("vogel64")
        .setChannels(64)
        .setSamplesPerChannel(1024)
        .setFloat32(values)
        .build();
  }

  static InvalidEvent refused(Runnable check) {
    return assertThrows(InvalidEvent.class, check::run);
  }

  @Test
  void shouldAcceptAFrameAtTheModelSize() throws IOException {
    assertEquals(
        "cam", Validation.frame(frame("cam", NOW, jpeg(298, 224)), 0L, NOW_MILLIS).streamId());
  }

  @Test
  void shouldRefuseAJpegWhoseHeaderDeclares20000By20000Pixels() throws IOException {
    byte[] bomb = jpeg(298, 224);
    for (int i = 2; i + 8 < bomb.length; i++) {
      if ((bomb[i] & 0xff) == 0xFF && (bomb[i + 1] & 0xff) == 0xC0) {
        bomb[i + 5] = (byte) (20_000 >> 8);
        bomb[i + 6] = (byte) 20_000;
        bomb[i + 7] = (byte) (20_000 >> 8);
        bomb[i + 8] = (byte) 20_000;
        break;
      }
    }
    VideoFrame f = frame("cam", NOW, bomb);

    InvalidEvent e = refused(() -> Validation.frame(f, 0L, NOW_MILLIS));

    assertEquals("image-size", e.reason());
    assertEquals(
        "frame 3 of cam: image header declares 20000 x 20000 pixels, at most 1192 x 896",
        e.getMessage());
  }

  @Test
  void shouldRefuseArraySamplesThatAreFiniteButAbsurd() {
    InvalidEvent e = refused(() -> Validation.array(array(1e30f), 0L, NOW_MILLIS));

    assertEquals("sample-magnitude", e.reason());
    assertEquals(
        "array chunk 5 of cam-array: sample 6 of channel 1 is 1.0E30, at most 1000000.0 in"
            + " magnitude",
        e.getMessage());
    assertEquals(64, Validation.array(array(-1e6f), 0L, NOW_MILLIS).channels(), "the limit");
    assertEquals(
        "array chunk 5 of cam-array: a sample is NaN or infinite",
        refused(() -> Validation.array(array(Float.NaN), 0L, NOW_MILLIS)).getMessage());
  }

  @Test
  void shouldRefuseTimestampsBefore2000AndMoreThanAMinuteAhead() {
    InvalidEvent before =
        refused(
            () ->
                Validation.audio(
                    chunk("cam", Instant.parse("1969-07-20T20:17:40Z")), 0L, NOW_MILLIS));
    InvalidEvent ahead =
        refused(
            () ->
                Validation.frame(
                    frame("cam", NOW.plus(2, ChronoUnit.HOURS), new byte[0]), 0L, NOW_MILLIS));

    assertEquals("timestamp", before.reason());
    assertEquals(
        "audio chunk 4 of cam: timestamp 1969-07-20T20:17:40Z is before 2000-01-01T00:00:00Z",
        before.getMessage());
    assertEquals("timestamp", ahead.reason());
    assertEquals(
        "frame 3 of cam: timestamp 2026-11-25T14:00:00Z is 7200 s ahead of processing time, at"
            + " most 60 s",
        ahead.getMessage());
    assertEquals(
        "cam",
        Validation.audio(chunk("cam", NOW.plusSeconds(59)), 0L, NOW_MILLIS).streamId(),
        "a clock a little ahead");
  }

  @Test
  void shouldRefuseStreamIdsThatAreTooLongOrHoldControlCharacters() {
    InvalidEvent tooLong =
        refused(() -> Validation.audio(chunk("c".repeat(500_000), NOW), 0L, NOW_MILLIS));
    InvalidEvent control =
        refused(() -> Validation.audio(chunk("cam\u0000\n", NOW), 0L, NOW_MILLIS));

    assertEquals("stream-id", tooLong.reason());
    assertEquals(
        "audio chunk 4: stream id of 500000 characters, at most 255", tooLong.getMessage());
    assertEquals(
        "audio chunk 4: stream id holds control character U+0000 at 3", control.getMessage());
  }

  @Test
  void shouldCountRefusalsByTheirReason() {
    assertEquals("timestamp", EventDecoder.reasonOf(new InvalidEvent("timestamp", "x")));
    assertEquals(
        "field-length",
        EventDecoder.reasonOf(new ai.avloc.schemas.InputLimitException("field-length", "x")));
    assertEquals(
        "undecodable",
        EventDecoder.reasonOf(new org.apache.kafka.common.errors.SerializationException("x")));
    assertEquals("invalid", EventDecoder.reasonOf(new IllegalStateException("x")));
  }

  @Test
  void shouldCutATwoMegabyteDeadLetterToFitTheTopic() {
    byte[] value = new byte[2 * 1024 * 1024];
    Failed failed =
        new Failed(
            "avloc.frames",
            1,
            17L,
            -1L,
            "c".repeat(600_000).getBytes(),
            value,
            "decode",
            "VideoFrame on topic avloc.frames: record of 2097152 bytes");

    ProducerRecord<byte[], byte[]> record =
        new DeadLetters.Serializer("avloc.dead-letters").serialize(failed, null, null);
    DeadLetter letter =
        Topics.defaults().deadLetters().values().deserialize("avloc.dead-letters", record.value());

    assertTrue(record.value().length < 1_000_000, record.value().length + " bytes");
    assertEquals(1020, record.key().length, "the key cut as the letter's");
    assertEquals(null, record.timestamp(), "no Kafka timestamp: the broker's");
    assertEquals(983_040, letter.getValue().remaining());
    assertEquals(
        "VideoFrame on topic avloc.frames: record of 2097152 bytes [dead letter truncated; key cut"
            + " to its first 1020 of 600000 bytes; value cut to its first 983040 of 2097152 bytes]",
        letter.getError());
    assertEquals(17L, letter.getOffset());
  }
}
