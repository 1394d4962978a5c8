package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneSimulator;
import ai.avloc.simulator.Simulation;
import ai.avloc.testsupport.EmbeddedKafka;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a real broker and a Flink MiniCluster: a mono camera through the contract model
 * (DJL, TensorFlow), an array camera through beamforming, and bad input that must end as dead
 * letters while every good window is still published exactly once.
 */
class LocalizationJobTest {
  static final Topics TOPICS = Topics.withPrefix("job.");
  // recent: brokers refuse record timestamps more than an hour ahead of their clock
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
  static final int MONO_SECONDS = 10;
  static final int ARRAY_SECONDS = 3;

  static EmbeddedKafka kafka;
  @TempDir static Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        2,
        TOPICS.frames().name(),
        TOPICS.audio().name(),
        TOPICS.arrayAudio().name(),
        TOPICS.localizations().name(),
        TOPICS.deadLetters().name());
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  /** A dark 298 x 224 frame with a bright square centred at (x, y) pixels. */
  static byte[] frameWithBrightSquare(int x, int y) throws IOException {
    BufferedImage image = new BufferedImage(298, 224, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(30, 30, 40));
    g.fillRect(0, 0, 298, 224);
    g.setColor(Color.WHITE);
    g.fillRect(x - 20, y - 20, 40, 40);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  static Instant at(long micros) {
    return T0.plus(micros, ChronoUnit.MICROS);
  }

  static long sampleMicros(long sample) {
    return Math.floorDiv(sample * 1_000_000L, 12_288);
  }

  @Test
  void monoAndArrayCamerasYieldOneLocalizationPerWindowAndBadInputBecomesDeadLetters()
      throws Exception {
    Path model = dir.resolve("bright-spot");
    BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    Scene scene =
        Scene.parse(
            "{\"sampleRate\": 12288, \"duration\": "
                + ARRAY_SECONDS
                + ", \"seed\": 3, \"array\": \"dualcam128\", \"sensorNoise\": {\"snrDb\": 40},"
                + " \"sources\": [{\"name\": \"pump\", \"signal\": {\"type\": \"noise\", \"low\":"
                + " 500, \"high\": 5000, \"amplitude\": 0.3}, \"direction\": {\"azimuth\": 15,"
                + " \"elevation\": 8}, \"distance\": 5}]}",
            null);
    Simulation simulation = SceneSimulator.render(scene);

    byte[] square = frameWithBrightSquare(60, 150);
    Random random = new Random(5);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer())) {
      String frames = TOPICS.frames().name();
      String audio = TOPICS.audio().name();
      String arrays = TOPICS.arrayAudio().name();
      // interleaved by event time, as gateways publish: frame k and chunk k share window k
      for (int k = 0; k < 12 * MONO_SECONDS; k++) {
        long start = sampleMicros(1024L * k);
        byte[] jpeg = square;
        if (k == 40) { // markers intact, body garbage: passes validation, fails decoding
          jpeg = square.clone();
          Arrays.fill(jpeg, 20, jpeg.length - 2, (byte) 0x5A);
        }
        VideoFrame frame =
            VideoFrame.newBuilder()
                .setStreamId("cam-mono")
                .setSequence(k)
                .setTimestamp(at(start + 1000))
                .setWidth(298)
                .setHeight(224)
                .setJpeg(ByteBuffer.wrap(jpeg))
                .build();
        producer.send(
            new ProducerRecord<>(
                frames, "cam-mono", TOPICS.frames().values().serialize(frames, frame)));
        ByteBuffer pcm = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) {
          pcm.putShort((short) (random.nextGaussian() * 3000));
        }
        pcm.flip();
        AudioChunk chunk =
            AudioChunk.newBuilder()
                .setStreamId("cam-mono")
                .setSequence(k)
                .setTimestamp(at(start))
                .setSampleRate(12_288)
                .setPcm16(pcm)
                .build();
        producer.send(
            new ProducerRecord<>(
                audio, "cam-mono", TOPICS.audio().values().serialize(audio, chunk)));
        if (k < 12 * ARRAY_SECONDS) {
          float[][] channels = simulation.audio().channels();
          ByteBuffer values =
              ByteBuffer.allocate(4 * channels.length * 1024).order(ByteOrder.LITTLE_ENDIAN);
          for (float[] channel : channels) {
            for (int i = 0; i < 1024; i++) {
              values.putFloat(channel[k * 1024 + i]);
            }
          }
          values.flip();
          ArrayChunk array =
              ArrayChunk.newBuilder()
                  .setStreamId("cam-array")
                  .setSequence(k)
                  .setTimestamp(at(start))
                  .setSampleRate(12_288)
                  .setGeometryId("dualcam128")
                  .setChannels(channels.length)
                  .setSamplesPerChannel(1024)
                  .setFloat32(values)
                  .build();
          producer.send(
              new ProducerRecord<>(
                  arrays, "cam-array", TOPICS.arrayAudio().values().serialize(arrays, array)));
        }
      }
      // bad input: garbage, an unknown schema fingerprint, a wrong sample rate (late events: see
      // LocalizationFailoverTest, where the job runs unbounded and lateness is deterministic)
      producer.send(new ProducerRecord<>(audio, "cam-mono", "not avro".getBytes()));
      AudioChunk wrongRate =
          AudioChunk.newBuilder()
              .setStreamId("cam-mono")
              .setSequence(999)
              .setTimestamp(at(sampleMicros(1024L * 119)))
              .setSampleRate(48_000)
              .setPcm16(ByteBuffer.wrap(new byte[2048]))
              .build();
      byte[] unknown = TOPICS.audio().values().serialize(audio, wrongRate);
      unknown[5] ^= 0x77;
      producer.send(new ProducerRecord<>(audio, "cam-mono", unknown));
      producer.send(
          new ProducerRecord<>(
              audio, "cam-mono", TOPICS.audio().values().serialize(audio, wrongRate)));
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(conf);
    LocalizationJob.build(
        env,
        JobConfig.parse(
            new String[] {
              "--bootstrap", kafka.bootstrapServers(),
              "--topic-prefix", "job.",
              "--model", model.toString(),
              "--bounded", "true",
              "--max-batch", "16"
            }));
    env.execute("localization-job-test");

    List<Localization> out = readAll(TOPICS.localizations().name(), Localization.class);
    Map<String, List<Localization>> byStream =
        out.stream().collect(Collectors.groupingBy(l -> l.getStreamId().toString()));

    List<Localization> mono = byStream.get("cam-mono");
    assertEquals(12 * MONO_SECONDS, mono.size(), "one localization per mono window");
    assertEquals(
        12 * MONO_SECONDS,
        mono.stream().map(Localization::getWindow).distinct().count(),
        "no window twice");
    long firstWindow = Math.floorDiv(ChronoUnit.MICROS.between(Instant.EPOCH, T0) * 12, 1_000_000);
    for (Localization l : mono) {
      long k = l.getWindow() - firstWindow;
      assertTrue(k >= 0 && k < 12 * MONO_SECONDS, "window " + k);
      assertEquals(LocalizationMode.MONO, l.getMode());
      assertEquals("bright-spot@1", l.getModelId().toString());
      if (k == 40) {
        assertTrue(!l.getInferred() && l.getPeaks().isEmpty(), "undecodable frame: no map");
        continue;
      }
      assertTrue(l.getInferred(), "window " + k + " inferred");
      assertEquals(1f, l.getAudioCoverage(), 0f);
      assertTrue(!l.getSilent(), "window " + k + " sounds");
      // the 40 px square centred at (60, 150) px of 298 x 224 covers cells 20.9-27.3 (rows) x
      // 6.4-12.9 (columns) of 36 x 48; the bright-spot map saturates at 1/24 over it, so the
      // peak is one of its cells, not always the centre one
      var peak = l.getPeaks().get(0);
      assertEquals(24.1, peak.getRow(), 3.2, "window " + k);
      assertEquals(9.7, peak.getCol(), 3.2, "window " + k);
    }

    List<Localization> array = byStream.get("cam-array");
    assertEquals(12 * ARRAY_SECONDS, array.size(), "one localization per array window");
    assertEquals(
        12 * ARRAY_SECONDS, array.stream().map(Localization::getWindow).distinct().count());
    LookGrid grid = LookGrid.cameraFov(65, 50, 36, 48);
    int truth = grid.nearestIndex(simulation.trueDirection(0, 1.0));
    double[] errors =
        array.stream()
            .mapToDouble(
                l -> {
                  assertEquals(LocalizationMode.ARRAY, l.getMode());
                  var p = l.getPeaks().get(0);
                  return Math.hypot(p.getRow() - truth / 48, p.getCol() - truth % 48);
                })
            .sorted()
            .toArray();
    assertTrue(errors[errors.length / 2] <= 1, "median error " + errors[errors.length / 2]);

    List<String> errorsSeen =
        readAll(TOPICS.deadLetters().name(), DeadLetter.class).stream()
            .map(d -> d.getStage() + ": " + d.getError())
            .toList();
    String all = String.join("\n", errorsSeen);
    assertEquals(4, errorsSeen.size(), all);
    assertTrue(all.contains("not an Avro single-object record"), all);
    assertTrue(all.contains("unknown schema fingerprint"), all);
    assertTrue(all.contains("sample rate 48000 Hz"), all);
    assertTrue(all.contains("decode-frame: frame 40 of cam-mono"), all);
  }

  static <V extends org.apache.avro.specific.SpecificRecord> List<V> readAll(
      String topic, Class<V> type) {
    return readAll(topic, type, kafka);
  }

  /** Every committed record of a topic, once it has been quiet for 3 s. */
  static <V extends org.apache.avro.specific.SpecificRecord> List<V> readAll(
      String topic, Class<V> type, EmbeddedKafka kafka) {
    try (TopicReader<V> reader =
        TopicReader.on(kafka.bootstrapServers())
            .open(topic, new ai.avloc.schemas.AvroSerde<>(type))) {
      return reader.read(TopicReader.Until.quiet(Duration.ofSeconds(3)));
    }
  }
}
