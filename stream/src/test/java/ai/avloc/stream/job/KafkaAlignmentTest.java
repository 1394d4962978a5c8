package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.kafka.DeadLetters;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Frames and audio from a real broker through the job's sources, decoding, validation and
 * alignment; bad records in between end as dead letters in Kafka while every good window is made.
 */
class KafkaAlignmentTest {
  @RegisterExtension static final MiniClusterExtension FLINK = JobTestKit.flink(2);

  static final Topics TOPICS = Topics.withPrefix("it.");
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        2, TOPICS.frames().name(), TOPICS.audio().name(), TOPICS.deadLetters().name());
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  static byte[] jpeg() {
    return new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
  }

  static VideoFrame frame(String cam, long k, byte[] jpeg) {
    return JobTestKit.frame(cam, k, T0.plus(k * 80_000, ChronoUnit.MICROS), jpeg);
  }

  static AudioChunk chunk(String cam, long k, int rate) {
    return AudioChunk.newBuilder()
        .setStreamId(cam)
        .setSequence(k)
        .setTimestamp(T0.plus(Math.round(k * 1024 * 1e6 / 12_288), ChronoUnit.MICROS))
        .setSampleRate(rate)
        .setPcm16(ByteBuffer.wrap(new byte[2048]))
        .build();
  }

  @Test
  void shouldAlignGoodRecordsAndDeadLetterTheBadOnes() throws Exception {
    try (var producer = JobTestKit.producer(kafka)) {
      String audio = TOPICS.audio().name();
      for (long k = 0; k < 25; k++) { // 2 s at 12.5 fps
        JobTestKit.send(producer, TOPICS.frames(), "cam", frame("cam", k, jpeg()));
      }
      for (long k = 0; k < 24; k++) { // 2 s of 1024-sample chunks
        JobTestKit.send(producer, TOPICS.audio(), "cam", chunk("cam", k, 12_288));
      }
      // bad input: garbage bytes, an unknown schema fingerprint, a corrupt JPEG, a wrong sample
      // rate
      producer.send(new ProducerRecord<>(audio, "cam", "not avro".getBytes()));
      byte[] unknown = TOPICS.audio().values().serialize(audio, chunk("cam", 3, 12_288));
      unknown[5] ^= 0x77;
      producer.send(new ProducerRecord<>(audio, "cam", unknown));
      JobTestKit.send(producer, TOPICS.frames(), "cam", frame("cam", 7, new byte[] {1, 2, 3, 4}));
      JobTestKit.send(producer, TOPICS.audio(), "cam", chunk("cam", 5, 48_000));
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    JobTestKit.noRestarts(env);
    Duration lateness = Duration.ofMillis(300);
    Duration idle = Duration.ZERO; // a bounded read: its end flushes
    var decodedFrames =
        env.fromSource(
            LocalizationJob.frameSource(
                kafka.bootstrapServers(), TOPICS.frames().name(), "job", true),
            LocalizationJob.perCameraEventTime(),
            "frames");
    var decodedAudio =
        env.fromSource(
            LocalizationJob.audioSource(
                kafka.bootstrapServers(), TOPICS.audio().name(), "job", true),
            LocalizationJob.perCameraEventTime(),
            "audio");
    var frames = LocalizationJob.splitFailures(decodedFrames, FrameEvent.class, "split-frames");
    var audio = LocalizationJob.splitFailures(decodedAudio, AudioEvent.class, "split-audio");
    frames
        .getSideOutput(DeadLetters.TAG)
        .union(audio.getSideOutput(DeadLetters.TAG))
        .sinkTo(
            DeadLetters.sink(
                kafka.bootstrapServers(),
                TOPICS.deadLetters().name(),
                DeliveryGuarantee.EXACTLY_ONCE,
                "dead-letters-test"));
    List<AlignedWindow> windows = new ArrayList<>();
    LocalizationJob.alignWindows(frames, audio, Duration.ofMillis(500), false, lateness, idle)
        .executeAndCollect("kafka-alignment")
        .forEachRemaining(windows::add);

    assertEquals(24, windows.size(), "every good window of the 2 s is produced");
    assertTrue(windows.stream().allMatch(w -> w.coverage() == 1.0 && w.hasFrame()));

    List<DeadLetter> letters;
    try (TopicReader<DeadLetter> reader =
        TopicReader.on(kafka.bootstrapServers()).open(TOPICS.deadLetters())) {
      letters = reader.read(TopicReader.Until.count(4).within(Duration.ofSeconds(20)));
    }
    assertEquals(4, letters.size(), "dead letters " + letters);
    List<String> errors = letters.stream().map(DeadLetter::getError).sorted().toList();
    assertTrue(
        errors.stream().anyMatch(e -> e.contains("not an Avro single-object record")),
        errors.toString());
    assertTrue(
        errors.stream().anyMatch(e -> e.contains("unknown schema fingerprint")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("not a JPEG")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("48000 Hz")), errors.toString());
    assertTrue(
        letters.stream().allMatch(l -> l.getValue() != null && l.getValue().remaining() > 0),
        "original bytes are kept");
  }
}
