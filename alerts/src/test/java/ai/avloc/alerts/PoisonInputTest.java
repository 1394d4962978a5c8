package ai.avloc.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.HandWrittenRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny records declaring huge arrays on both input topics of the alerts app: refused by the input
 * limits before they are allocated, counted, the localization dead-lettered, and the app goes on
 * raising alerts.
 */
class PoisonInputTest {
  @TempDir Path stateDir;

  @Test
  void shouldSkipA41ByteRuleAndATinyLocalizationDeclaringHugeArrays() throws IOException {
    // under exactly-once the test driver drops what a deserialization handler produces (see
    // AlertsTopologyTest#shouldDeadLetterGarbageAndKeepProcessing)
    AlertsApp app =
        AlertsApp.builder()
            .bootstrapServers("never-contacted:9092")
            .applicationId("poison-input-test")
            .stateDir(stateDir)
            .topicPrefix("t.")
            .streamsProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)
            .build();
    Topics topics = app.topics();
    byte[] rule =
        HandWrittenRecords.singleObject(
            AlertRule.getClassSchema(),
            e -> {
              e.writeString("rule-1");
              e.writeString("right half");
              e.writeArrayStart();
              e.setItemCount(2_000_000_000L);
              e.writeString("cam-123");
            });
    assertEquals(41, rule.length);
    byte[] localization =
        HandWrittenRecords.singleObject(
            Localization.getClassSchema(),
            e -> {
              e.writeString("cam-1");
              e.writeLong(Fixtures.W0);
              e.writeLong(0);
              e.writeEnum(0);
              e.writeString("m");
              e.writeBoolean(false);
              e.writeBoolean(true);
              e.writeIndex(0);
              e.writeFloat(1f);
              e.writeInt(36);
              e.writeInt(48);
              e.writeLong(2_000_000_000L); // the energy map's length
            });

    try (TopologyTestDriver driver =
        new TopologyTestDriver(app.topology(), app.streamsProperties())) {
      var rawRules =
          driver.createInputTopic(
              topics.alertRules().name(), new StringSerializer(), new ByteArraySerializer());
      var rules =
          driver.createInputTopic(
              topics.alertRules().name(), new StringSerializer(), topics.alertRules().values());
      var rawLocalizations =
          driver.createInputTopic(
              topics.localizations().name(), new StringSerializer(), new ByteArraySerializer());
      var localizations =
          driver.createInputTopic(
              topics.localizations().name(),
              new StringSerializer(),
              topics.localizations().values());
      var alerts =
          driver.createOutputTopic(
              topics.alerts().name(), new StringDeserializer(), topics.alerts().values());
      var deadLetters =
          driver.createOutputTopic(
              topics.deadLetters().name(),
              new ByteArrayDeserializer(),
              topics.deadLetters().values());

      rawRules.pipeInput("rule-1", rule);
      rules.pipeInput("zone", Fixtures.rule("zone").build());
      rawLocalizations.pipeInput("cam-1", localization);
      for (int w = 0; w < 3; w++) {
        localizations.pipeInput(
            "cam-1", Fixtures.sounding("cam-1", Fixtures.W0 + w, Fixtures.peak(0.25, 0.5, 2)));
      }

      List<Alert> raised = alerts.readValuesToList();
      assertEquals(1, raised.size(), "the rule still starts its alert: " + raised);
      List<DeadLetter> letters = deadLetters.readValuesToList();
      assertEquals(1, letters.size(), "the rules topic's poison is only counted");
      assertTrue(
          letters
              .get(0)
              .getError()
              .contains("field energy declares 2000000000 bytes with 0 left in the record"),
          letters.get(0).getError());
      // the driver decodes the rules topic with its own handler, which skips without counting
      // (AlertsAppKafkaTest counts both on a broker)
      assertEquals(1, app.counters().badRecords());
    }
  }
}
