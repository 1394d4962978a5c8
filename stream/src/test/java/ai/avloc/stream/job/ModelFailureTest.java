package ai.avloc.stream.job;

import static ai.avloc.stream.job.LocalizationJobTest.at;
import static ai.avloc.stream.job.LocalizationJobTest.sampleMicros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.serving.BrightSpotModel;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneSimulator;
import ai.avloc.simulator.Simulation;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt model on a real broker and a Flink MiniCluster that may not restart: the job runs to
 * its end, the array camera gets every window localized, the mono camera every window published
 * uninferred with the model id "unavailable", and one dead letter says why.
 */
class ModelFailureTest {
  static final Topics TOPICS = Topics.withPrefix("model-failure.");
  static final int SECONDS = 2;

  @TempDir Path dir;

  @Test
  void aCorruptModelDisablesTheMonoPathOnlyAndTheJobGoesOn() throws Exception {
    Path model = dir.resolve("bright-spot");
    BrightSpotModel.export(model, ModelShapes.FRAME_HEIGHT, ModelShapes.FRAME_WIDTH);
    Files.write(model.resolve("saved_model.pb"), "not a protobuf".getBytes()); // corrupt
    Simulation simulation =
        SceneSimulator.render(
            Scene.parse(
                "{\"sampleRate\": 12288, \"duration\": "
                    + SECONDS
                    + ", \"seed\": 3, \"array\": \"dualcam128\", \"sensorNoise\": {\"snrDb\": 40},"
                    + " \"sources\": [{\"name\": \"pump\", \"signal\": {\"type\": \"noise\","
                    + " \"low\": 500, \"high\": 5000, \"amplitude\": 0.3}, \"direction\":"
                    + " {\"azimuth\": 15, \"elevation\": 8}, \"distance\": 5}]}",
                null));
    byte[] jpeg = LocalizationJobTest.frameWithBrightSquare(60, 150);

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(
          2,
          TOPICS.frames().name(),
          TOPICS.audio().name(),
          TOPICS.arrayAudio().name(),
          TOPICS.localizations().name(),
          TOPICS.deadLetters().name());
      publish(kafka, simulation, jpeg);

      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
      Configuration conf = new Configuration();
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // any failure fails the test
      env.configure(conf);
      LocalizationJob.build(
          env,
          JobConfig.parse(
              new String[] {
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic-prefix",
                "model-failure.",
                "--model",
                model.toString(),
                "--bounded",
                "true"
              }));
      env.execute("model-failure-test");

      Map<LocalizationMode, List<Localization>> byMode =
          LocalizationJobTest.readAll(TOPICS.localizations().name(), Localization.class, kafka)
              .stream()
              .collect(Collectors.groupingBy(Localization::getMode));
      List<Localization> array = byMode.get(LocalizationMode.ARRAY);
      assertEquals(12 * SECONDS, array.size(), "every array window");
      assertTrue(array.stream().allMatch(l -> l.getInferred() && !l.getPeaks().isEmpty()));
      List<Localization> mono = byMode.get(LocalizationMode.MONO);
      assertEquals(12 * SECONDS, mono.size(), "every mono window, published");
      assertEquals(
          12 * SECONDS, mono.stream().map(Localization::getWindow).distinct().count(), "once");
      for (Localization l : mono) {
        assertFalse(l.getInferred(), "window " + l.getWindow());
        assertEquals(MonoInference.MODEL_UNAVAILABLE, l.getModelId().toString());
        assertTrue(l.getPeaks().isEmpty() && l.getEnergy().remaining() == 0);
      }

      List<DeadLetter> letters =
          LocalizationJobTest.readAll(TOPICS.deadLetters().name(), DeadLetter.class, kafka);
      assertEquals(1, letters.size(), "one letter from the subtask serving the camera");
      DeadLetter letter = letters.get(0);
      assertEquals("model", letter.getStage().toString());
      assertTrue(
          letter.getError().toString().contains("the model in " + model + " cannot be loaded"),
          letter.getError().toString());
    }
  }

  static void publish(EmbeddedKafka kafka, Simulation simulation, byte[] jpeg) {
    Random random = new Random(5);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      String frames = TOPICS.frames().name();
      String audio = TOPICS.audio().name();
      String arrays = TOPICS.arrayAudio().name();
      float[][] channels = simulation.audio().channels();
      for (int k = 0; k < 12 * SECONDS; k++) {
        long start = sampleMicros(1024L * k);
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
  }
}
