package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A decoded clip published to a real (in-process) Kafka broker and read back. */
class KafkaCameraEventsTest {
  static EmbeddedKafka kafka;
  static final Topics TOPICS = Topics.withPrefix("test.");

  @TempDir java.nio.file.Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(2, TOPICS.frames().name(), TOPICS.audio().name());
    // the array topic is left to the gateway's own topic creation
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  /** Every record of a topic, read without a consumer group (no rebalance wait). */
  static <V> List<ConsumerRecord<String, V>> readTopic(
      String topic, Deserializer<V> values, int expected) {
    try (TopicReader<V> reader = TopicReader.on(kafka.bootstrapServers()).open(topic, values)) {
      return reader.readRecords(TopicReader.Until.count(expected).within(Duration.ofSeconds(20)));
    }
  }

  @Test
  void shouldCarryAllThreeKindsOfEventsFromAGatewayThroughKafka() throws Exception {
    Topics topics = Topics.withPrefix("gw.");
    kafka.createTopics(2, topics.frames().name());
    assertEquals(
        List.of(topics.audio().name(), topics.arrayAudio().name(), topics.cameraStatus().name()),
        KafkaCameraEvents.createMissingTopics(kafka.bootstrapServers(), topics),
        "creates only what is missing");
    SceneCamera camera =
        new SceneCamera(
            SceneCameraTest.scene(SceneCameraTest.LEAVING),
            "array-cam",
            SceneCameraTest.START,
            Duration.ofMillis(500),
            SceneCamera.Options.defaults().withArray("vogel64"));
    MediaFileDecoderTest.Collected sent = new MediaFileDecoderTest.Collected();
    long publishedFrom = System.currentTimeMillis();
    try (KafkaCameraEvents kafkaEvents = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
        Gateway gateway =
            new Gateway(List.of(camera), new Both(kafkaEvents, sent), Gateway.Pace.MAX)) {
      gateway.run();
    }
    assertEquals(6, sent.frames.size());
    assertEquals(6, sent.chunks.size());
    assertEquals(6, sent.arrays.size());
    var frames = readTopic(topics.frames().name(), topics.frames().values(), 6);
    var chunks = readTopic(topics.audio().name(), topics.audio().values(), 6);
    var arrays = readTopic(topics.arrayAudio().name(), topics.arrayAudio().values(), 6);
    assertEquals(sent.frames, frames.stream().map(ConsumerRecord::value).toList());
    assertEquals(sent.chunks, chunks.stream().map(ConsumerRecord::value).toList());
    assertEquals(sent.arrays, arrays.stream().map(ConsumerRecord::value).toList());
    for (ConsumerRecord<String, ArrayChunk> r : arrays) {
      assertEquals("array-cam", r.key());
      // a topic the gateway creates is stamped on arrival: the broker's clock, not the scene's
      assertEquals(TimestampType.LOG_APPEND_TIME, r.timestampType());
      assertTrue(r.timestamp() >= publishedFrom, "stamped when it arrived");
      assertEquals(64, r.value().getChannels());
      assertEquals("vogel64", r.value().getGeometryId());
      assertEquals(64 * 1024 * 4, r.value().getFloat32().remaining());
    }
  }

  /** Hands every event to two sinks. */
  record Both(CameraEvents first, CameraEvents second) implements CameraEvents {
    @Override
    public void frame(VideoFrame frame) {
      first.frame(frame);
      second.frame(frame);
    }

    @Override
    public void audio(AudioChunk chunk) {
      first.audio(chunk);
      second.audio(chunk);
    }

    @Override
    public void array(ArrayChunk chunk) {
      first.array(chunk);
      second.array(chunk);
    }
  }

  @Test
  void shouldPublishEveryFrameAndChunkKeyedByStreamInOrder() throws Exception {
    MediaFileDecoderTest helper = new MediaFileDecoderTest();
    helper.dir = dir;
    MediaFileDecoder.Summary summary;
    try (KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), TOPICS)) {
      summary =
          new MediaFileDecoder(DecodeOptions.modelDefaults())
              .decode(helper.recordTestClip(), "gate-7", MediaFileDecoderTest.WALL, events);
    }
    var frames =
        readTopic(TOPICS.frames().name(), TOPICS.frames().values(), (int) summary.frames());
    var chunks = readTopic(TOPICS.audio().name(), TOPICS.audio().values(), 24);
    assertEquals(summary.frames(), frames.size());
    assertEquals(24, chunks.size());
    int partition = frames.get(0).partition();
    for (int k = 0; k < frames.size(); k++) {
      ConsumerRecord<String, VideoFrame> r = frames.get(k);
      assertEquals("gate-7", r.key());
      assertEquals(partition, r.partition(), "one stream stays in one partition");
      assertEquals(k, r.value().getSequence(), "frames arrive in order");
      // a topic created with the broker's defaults keeps the record time the gateway sets
      assertEquals(
          r.value().getTimestamp().toEpochMilli(), r.timestamp(), "record time is event time");
    }
    for (int k = 0; k < chunks.size(); k++) {
      ConsumerRecord<String, AudioChunk> r = chunks.get(k);
      assertEquals(k, r.value().getSequence());
      assertTrue(r.value().getPcm16().remaining() > 0);
    }
  }
}
