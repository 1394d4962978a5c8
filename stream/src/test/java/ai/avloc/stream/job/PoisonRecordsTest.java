package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.testsupport.EmbeddedKafka;
import ai.avloc.testsupport.HandWrittenRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of poison record the input contract refuses, injected into the whole job on a real
 * broker next to a healthy mono camera and a healthy array camera on the same partitions: the
 * healthy cameras' windows are all published exactly once, each poison becomes one dead letter that
 * names its reason, and the job (restart strategy none) never fails.
 */
class PoisonRecordsTest {
  static final Topics TOPICS = Topics.withPrefix("poison.");
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
  static final int MONO_SECONDS = 3;
  static final int ARRAY_SECONDS = 2;
  static final long HUGE = 2_000_000_000L;

  @TempDir Path dir;

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static ArrayChunk arrayChunk(long k, Instant at, float loudest, Random random) {
    ByteBuffer values = ByteBuffer.allocate(4 * 64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 64 * 1024; i++) {
      values.putFloat(i == 777 ? loudest : (float) (random.nextGaussian() * 0.05));
    }
    values.flip();
    return ArrayChunk.newBuilder()
        .setStreamId("cam-array")
        .setSequence(k)
        .setTimestamp(at)
        .setSampleRate(12_288)
        .setGeometryId("vogel64")
        .setChannels(64)
        .setSamplesPerChannel(1024)
        .setFloat32(values)
        .build();
  }

  /** {@code jpeg} with its start-of-frame header changed to declare 20000 x 20000 pixels. */
  static byte[] headerBomb(byte[] jpeg) {
    byte[] bomb = jpeg.clone();
    for (int i = 2; i + 8 < bomb.length; i++) {
      if ((bomb[i] & 0xff) == 0xFF && (bomb[i + 1] & 0xff) == 0xC0) {
        bomb[i + 5] = (byte) (20_000 >> 8);
        bomb[i + 6] = (byte) 20_000;
        bomb[i + 7] = (byte) (20_000 >> 8);
        bomb[i + 8] = (byte) 20_000;
        return bomb;
      }
    }
    throw new IllegalArgumentException("no baseline start-of-frame marker");
  }

  @Test
  void shouldPublishEveryHealthyWindowOnceAndDeadLetterEveryPoison() throws Exception {
    try (EmbeddedKafka kafka = JobTestKit.startKafka(TOPICS)) {
      Path model = JobTestKit.brightSpotModel(dir);
      byte[] square = JobTestKit.frameWithBrightSquare(60, 150);
      Random random = new Random(7);
      try (var producer =
          JobTestKit.producer(
              kafka,
              ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
              true,
              // the broker's 1 MiB limit counts compressed batches: a 2 MB record of zeros passes
              ProducerConfig.COMPRESSION_TYPE_CONFIG,
              "lz4",
              ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
              8 << 20)) {
        for (int k = 0; k < 12 * MONO_SECONDS; k++) {
          Instant start = T0.plus(JobTestKit.sampleMicros(1024L * k), ChronoUnit.MICROS);
          JobTestKit.sendMonoWindow(producer, TOPICS, "cam-ok", k, T0, square, random);
          if (k < 12 * ARRAY_SECONDS) {
            JobTestKit.send(
                producer, TOPICS.arrayAudio(), "cam-array", arrayChunk(k, start, 0.05f, random));
          }
          if (k == 10) {
            poison(start, square, random).forEach(producer::send);
          }
        }
      }

      // any failure, an OutOfMemoryError in a source included, fails the job and the test
      JobTestKit.runBounded(kafka, "poison.", model, "poison-records-test");

      Map<String, List<Localization>> byStream = JobTestKit.localizationsByStream(kafka, TOPICS);
      assertEquals(List.of("cam-array", "cam-ok"), byStream.keySet().stream().sorted().toList());
      List<Localization> mono = byStream.get("cam-ok");
      assertEquals(12 * MONO_SECONDS, mono.size(), "every mono window published");
      assertEquals(12 * MONO_SECONDS, JobTestKit.distinctWindows(mono), "none twice");
      assertTrue(mono.stream().allMatch(Localization::getInferred), "every frame was used");
      List<Localization> array = byStream.get("cam-array");
      assertEquals(12 * ARRAY_SECONDS, array.size(), "every array window published");
      assertEquals(12 * ARRAY_SECONDS, JobTestKit.distinctWindows(array));

      List<DeadLetter> letters =
          JobTestKit.readAll(kafka, TOPICS.deadLetters().name(), DeadLetter.class);
      String all =
          letters.stream()
              .map(d -> d.getTopic() + " " + d.getStage() + ": " + d.getError())
              .sorted()
              .collect(Collectors.joining("\n"));
      assertEquals(10, letters.size(), all);
      for (String reason :
          List.of(
              "VideoFrame on topic poison.frames: refused before decoding (37-byte record): field"
                  + " jpeg declares 2000000000 bytes",
              "AudioChunk on topic poison.audio: refused before decoding (",
              "): field pcm16 declares 2000000000 bytes",
              "ArrayChunk on topic poison.array-audio: refused before decoding (",
              "): field float32 declares 2000000000 bytes",
              "field jpeg declares 2000000 bytes with 2000001 left in the record (at most 1048576)"
                  + " [dead letter truncated; value cut to its first 983040 of 20000",
              "frame 10 of cam-ok: image header declares 20000 x 20000 pixels, at most 1192 x 896",
              "frame 10 of cam-ok: timestamp",
              "s ahead of processing time, at most 60 s",
              // bounded on the wire before it is decoded, then in characters by validation
              "field streamId declares 500000 bytes with 501892 left in the record (at most 1020)",
              "audio chunk 10: stream id holds control character U+000A at 6",
              "audio chunk 10 of cam-ok: timestamp 1969-12-31T23:00:00Z is before 2000",
              "array chunk 10 of cam-array: sample 777 of channel 0 is 1.0E30, at most 1000000.0")) {
        assertTrue(all.contains(reason), "no dead letter says '" + reason + "':\n" + all);
      }
      assertTrue(
          letters.stream().allMatch(l -> l.getValue() != null && l.getValue().remaining() > 0),
          "original bytes are kept");
    }
  }

  /** One record of each poison kind, keyed as the healthy cameras so they share partitions. */
  static List<ProducerRecord<String, byte[]>> poison(Instant at, byte[] square, Random random)
      throws IOException {
    String frames = TOPICS.frames().name();
    String audio = TOPICS.audio().name();
    String arrays = TOPICS.arrayAudio().name();
    long t = micros(at);
    byte[] jpegBomb =
        HandWrittenRecords.singleObject(
            VideoFrame.getClassSchema(),
            e -> {
              e.writeString("cam-0001");
              e.writeLong(10);
              e.writeLong(t);
              e.writeInt(298);
              e.writeInt(224);
              e.writeLong(HUGE);
            });
    assertEquals(37, jpegBomb.length);
    byte[] pcmBomb =
        HandWrittenRecords.singleObject(
            AudioChunk.getClassSchema(),
            e -> {
              e.writeString("cam-ok");
              e.writeLong(10);
              e.writeLong(t);
              e.writeInt(12_288);
              e.writeLong(HUGE);
            });
    byte[] floatBomb =
        HandWrittenRecords.singleObject(
            ArrayChunk.getClassSchema(),
            e -> {
              e.writeString("cam-array");
              e.writeLong(10);
              e.writeLong(t);
              e.writeInt(12_288);
              e.writeString("vogel64");
              e.writeInt(64);
              e.writeInt(1024);
              e.writeLong(HUGE);
            });
    // a 2 MB frame: refused by its JPEG's bound, its dead letter cut to fit the topic
    byte[] twoMegabytes = new byte[2_000_000];
    twoMegabytes[0] = (byte) 0xFF;
    twoMegabytes[1] = (byte) 0xD8;
    return List.of(
        new ProducerRecord<>(frames, "cam-ok", jpegBomb),
        new ProducerRecord<>(audio, "cam-ok", pcmBomb),
        new ProducerRecord<>(arrays, "cam-array", floatBomb),
        JobTestKit.record(
            TOPICS.frames(), "cam-ok", JobTestKit.frame("cam-ok", 12, at, twoMegabytes)),
        JobTestKit.record(
            TOPICS.frames(), "cam-ok", JobTestKit.frame("cam-ok", 10, at, headerBomb(square))),
        JobTestKit.record(
            TOPICS.frames(),
            "cam-ok",
            JobTestKit.frame("cam-ok", 10, at.plus(3, ChronoUnit.HOURS), square)),
        JobTestKit.record(
            TOPICS.frames(), "cam-ok", JobTestKit.frame("c".repeat(500_000), 11, at, square)),
        JobTestKit.record(
            TOPICS.audio(), "cam-ok", JobTestKit.noiseChunk("cam-ok\nfake", 10, at, random)),
        JobTestKit.record(
            TOPICS.audio(),
            "cam-ok",
            JobTestKit.noiseChunk("cam-ok", 10, Instant.parse("1969-12-31T23:00:00Z"), random)),
        JobTestKit.record(TOPICS.arrayAudio(), "cam-array", arrayChunk(10, at, 1e30f, random)));
  }
}
