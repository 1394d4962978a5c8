package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Topic set-up and `tail` against a real broker. */
class TailCommandTest {
  @Test
  void topicsAreCreatedOnceAndTailPrintsRecordsAsJson() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Topics topics = Topics.withPrefix("tail.");
      List<String> created =
          TopicAdmin.createMissing(kafka.bootstrapServers(), TopicAdmin.standard(topics, 2));
      assertEquals(9, created.size(), created.toString());
      assertEquals(
          List.of(),
          TopicAdmin.createMissing(kafka.bootstrapServers(), TopicAdmin.standard(topics, 2)));
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (Admin admin = Admin.create(props)) {
        var rules = new ConfigResource(ConfigResource.Type.TOPIC, topics.alertRules().name());
        var audio = new ConfigResource(ConfigResource.Type.TOPIC, topics.audio().name());
        var configs = admin.describeConfigs(List.of(rules, audio)).all().get();
        ConfigEntry cleanup = configs.get(rules).get(TopicConfig.CLEANUP_POLICY_CONFIG);
        ConfigEntry stamp = configs.get(audio).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        assertEquals("compact", cleanup.value());
        assertEquals("LogAppendTime", stamp.value());
      }

      Localization l =
          Localization.newBuilder()
              .setStreamId("cam-9")
              .setWindow(7)
              .setWindowStart(Instant.ofEpochSecond(1))
              .setMode(LocalizationMode.ARRAY)
              .setModelId("test")
              .setSilent(false)
              .setInferred(true)
              .setAudioCoverage(1f)
              .setRows(36)
              .setCols(48)
              .setEnergy(ByteBuffer.allocate(36 * 48 * 4))
              .setFlatness(0.2f)
              .setPeaks(List.of())
              .setIngestTime(Instant.ofEpochSecond(1))
              .setEmitTime(Instant.ofEpochSecond(2))
              .setInferenceMicros(5)
              .build();
      String topic = topics.localizations().name();
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new ByteArraySerializer())) {
        producer.send(
            new ProducerRecord<>(
                topic, "cam-9", topics.localizations().values().serialize(topic, l)));
        producer.send(new ProducerRecord<>(topic, "cam-9", "garbage".getBytes()));
      }

      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      PrintStream original = System.out;
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      int exit;
      try {
        exit =
            Avloc.commandLine()
                .execute(
                    "tail",
                    "localizations",
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--topic-prefix",
                    "tail.",
                    "--from-beginning",
                    "--max",
                    "2",
                    "--idle-exit",
                    "20s");
      } finally {
        System.setOut(original);
      }
      assertEquals(0, exit);
      String[] lines = captured.toString(StandardCharsets.UTF_8).trim().split("\n");
      assertEquals(2, lines.length, captured.toString(StandardCharsets.UTF_8));
      assertTrue(lines[0].contains("\"streamId\": \"cam-9\""), lines[0]);
      assertTrue(lines[0].contains("\"energy\": \"6912 bytes\""), lines[0]);
      assertTrue(lines[1].startsWith("{\"undecodable\""), lines[1]);
    }
  }
}
