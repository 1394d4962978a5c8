package ai.avloc.stream.job;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.Topic;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The set-up the job's end-to-end tests share: a broker with the job's topics, a producer playing
 * the gateways, the records of one window of a camera, a bounded run of the whole job, and reading
 * back what it published.
 */
final class JobTestKit {
  private JobTestKit() {}

  /** The contract's bright-spot model, exported under {@code dir}. */
  static Path brightSpotModel(Path dir) throws Exception {
    Path model = dir.resolve("bright-spot");
    BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    return model;
  }

  /** A live camera's stream start: 30 s ago, so its windows are recent to the broker. */
  static Instant liveStart() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
  }

  /** A MiniCluster of one TaskManager with {@code slots} slots for the test class. */
  static MiniClusterExtension flink(int slots) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(slots)
            .build());
  }

  /** A broker with the job's five topics of {@code topics}, two partitions each. */
  static EmbeddedKafka startKafka(Topics topics) {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    kafka.createTopics(
        2,
        topics.frames().name(),
        topics.audio().name(),
        topics.arrayAudio().name(),
        topics.localizations().name(),
        topics.deadLetters().name());
    return kafka;
  }

  /** A producer of keyed raw records that waits for all replicas, plus {@code more} settings. */
  static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka, Object... more) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    for (int i = 0; i < more.length; i += 2) {
      config.put((String) more[i], more[i + 1]);
    }
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends {@code value}, serialized as {@code topic} holds it, keyed by {@code key}. */
  static <V extends SpecificRecord> void send(
      KafkaProducer<String, byte[]> producer, Topic<V> topic, String key, V value) {
    producer.send(record(topic, key, value));
  }

  /** {@code value} serialized as {@code topic} holds it, keyed by {@code key}. */
  static <V extends SpecificRecord> ProducerRecord<String, byte[]> record(
      Topic<V> topic, String key, V value) {
    return new ProducerRecord<>(topic.name(), key, topic.values().serialize(topic.name(), value));
  }

  /** Microseconds from the start of the stream to sample {@code sample} at 12 288 Hz. */
  static long sampleMicros(long sample) {
    return Math.floorDiv(sample * 1_000_000L, 12_288);
  }

  /** The number of the 1/12 s window {@code t0} falls in. */
  static long windowOf(Instant t0) {
    return Math.floorDiv(ChronoUnit.MICROS.between(Instant.EPOCH, t0) * 12, 1_000_000);
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

  /** A 298 x 224 frame. */
  static VideoFrame frame(String camera, long k, Instant at, byte[] jpeg) {
    return VideoFrame.newBuilder()
        .setStreamId(camera)
        .setSequence(k)
        .setTimestamp(at)
        .setWidth(298)
        .setHeight(224)
        .setJpeg(ByteBuffer.wrap(jpeg))
        .build();
  }

  /** 1024 samples of Gaussian noise (standard deviation 3000) at 12 288 Hz. */
  static AudioChunk noiseChunk(String camera, long k, Instant at, Random random) {
    ByteBuffer pcm = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 1024; i++) {
      pcm.putShort((short) (random.nextGaussian() * 3000));
    }
    pcm.flip();
    return AudioChunk.newBuilder()
        .setStreamId(camera)
        .setSequence(k)
        .setTimestamp(at)
        .setSampleRate(12_288)
        .setPcm16(pcm)
        .build();
  }

  /**
   * Window {@code k} of a mono camera whose stream starts at {@code t0}: its frame 1 ms into the
   * window, then the window's noise chunk.
   */
  static void sendMonoWindow(
      KafkaProducer<String, byte[]> producer,
      Topics topics,
      String camera,
      long k,
      Instant t0,
      byte[] jpeg,
      Random random) {
    long start = sampleMicros(1024L * k);
    send(
        producer,
        topics.frames(),
        camera,
        frame(camera, k, t0.plus(start + 1000, ChronoUnit.MICROS), jpeg));
    send(
        producer,
        topics.audio(),
        camera,
        noiseChunk(camera, k, t0.plus(start, ChronoUnit.MICROS), random));
  }

  /** Window {@code k} of a dualcam128 array camera: the simulation's samples of that window. */
  static void sendArrayWindow(
      KafkaProducer<String, byte[]> producer,
      Topics topics,
      String camera,
      int k,
      Instant t0,
      Simulation simulation) {
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
            .setStreamId(camera)
            .setSequence(k)
            .setTimestamp(t0.plus(sampleMicros(1024L * k), ChronoUnit.MICROS))
            .setSampleRate(12_288)
            .setGeometryId("dualcam128")
            .setChannels(channels.length)
            .setSamplesPerChannel(1024)
            .setFloat32(values)
            .build();
    send(producer, topics.arrayAudio(), camera, array);
  }

  /** {@code seconds} of a pump 5 m away at azimuth 15, elevation 8 on the dualcam128 array. */
  static Simulation pump(int seconds) {
    return SceneSimulator.render(
        Scene.parse(
            "{\"sampleRate\": 12288, \"duration\": "
                + seconds
                + ", \"seed\": 3, \"array\": \"dualcam128\", \"sensorNoise\": {\"snrDb\": 40},"
                + " \"sources\": [{\"name\": \"pump\", \"signal\": {\"type\": \"noise\", \"low\":"
                + " 500, \"high\": 5000, \"amplitude\": 0.3}, \"direction\": {\"azimuth\": 15,"
                + " \"elevation\": 8}, \"distance\": 5}]}",
            null));
  }

  /**
   * Runs the whole job to the end of its topics with parallelism 2, exactly-once checkpoints every
   * 500 ms and no restarts (any failure fails the test); {@code more} adds to its arguments.
   */
  static void runBounded(
      EmbeddedKafka kafka, String prefix, Path model, String name, String... more)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
    noRestarts(env);
    String[] args = {
      "--bootstrap",
      kafka.bootstrapServers(),
      "--topic-prefix",
      prefix,
      "--model",
      model.toString(),
      "--bounded",
      "true"
    };
    LocalizationJob.build(
        env,
        JobConfig.parse(Stream.concat(Stream.of(args), Stream.of(more)).toArray(String[]::new)));
    env.execute(name);
  }

  /**
   * Fails the job at its first failure: with checkpointing the default is to restart forever, which
   * would hide an error.
   */
  static void noRestarts(StreamExecutionEnvironment env) {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(conf);
  }

  /** A MiniCluster of one TaskManager with two slots. */
  static MiniClusterConfiguration oneTaskManagerTwoSlots() {
    return new MiniClusterConfiguration.Builder()
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(2)
        .build();
  }

  /** Every committed record of a topic, once it has been quiet for 3 s. */
  static <V extends SpecificRecord> List<V> readAll(
      EmbeddedKafka kafka, String topic, Class<V> type) {
    try (TopicReader<V> reader =
        TopicReader.on(kafka.bootstrapServers()).open(topic, new AvroSerde<>(type))) {
      return reader.read(TopicReader.Until.quiet(Duration.ofSeconds(3)));
    }
  }

  /** Every committed localization, by stream id. */
  static Map<String, List<Localization>> localizationsByStream(EmbeddedKafka kafka, Topics topics) {
    return readAll(kafka, topics.localizations().name(), Localization.class).stream()
        .collect(Collectors.groupingBy(l -> l.getStreamId().toString()));
  }

  /** How many distinct windows {@code localizations} cover. */
  static long distinctWindows(List<Localization> localizations) {
    return localizations.stream().map(Localization::getWindow).distinct().count();
  }

  /**
   * Reads localizations into {@code seen} (count per window) until window {@code until} (offset
   * from {@code firstWindow}) has come, or for {@code timeout} when until is negative; each must
   * come from {@code camera} when it is not null.
   */
  static void countWindows(
      TopicReader<Localization> reader,
      Map<Long, Integer> seen,
      long firstWindow,
      int until,
      Duration timeout,
      String camera) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && (until < 0 || !seen.containsKey(firstWindow + until))) {
      for (Localization l : reader.poll(Duration.ofMillis(200))) {
        if (camera != null) {
          org.junit.jupiter.api.Assertions.assertEquals(camera, l.getStreamId().toString());
        }
        seen.merge(l.getWindow(), 1, Integer::sum);
      }
    }
  }
}
