package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The app's topology and configuration in a TopologyTestDriver, with typed and raw input topics,
 * the alerts and dead letters, and the rules topic's dead letters captured in {@link
 * #ruleDeadLetters}.
 */
final class AlertsDriver implements AutoCloseable {
  final AlertsApp app;
  final TopologyTestDriver driver;
  final TestInputTopic<String, Localization> localizations;
  final TestInputTopic<String, byte[]> rawLocalizations;
  final TestInputTopic<String, AlertRule> rules;
  final TestInputTopic<String, byte[]> rawRules;
  final TestOutputTopic<String, Alert> alerts;
  final TestOutputTopic<byte[], DeadLetter> deadLetters;
  final List<DeadLetter> ruleDeadLetters = new ArrayList<>();

  /** Exactly-once unless {@code guarantee} says otherwise; {@code topology} may wrap the app's. */
  AlertsDriver(
      Path stateDir,
      String guarantee,
      UnaryOperator<AlertsApp.Builder> configure,
      Topology topology) {
    app =
        configure
            .apply(
                AlertsApp.builder()
                    .bootstrapServers("never-contacted:9092")
                    .applicationId("alerts-driver-test")
                    .stateDir(stateDir)
                    .topicPrefix("t.")
                    .streamsProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee))
            .build();
    Topics topics = app.topics();
    app.ruleDeadLetters()
        .sendTo(
            (ProducerRecord<byte[], byte[]> r) ->
                ruleDeadLetters.add(
                    topics.deadLetters().values().deserialize(r.topic(), r.value())));
    driver =
        new TopologyTestDriver(
            topology != null ? topology : app.topology(), app.streamsProperties());
    localizations =
        driver.createInputTopic(
            topics.localizations().name(), new StringSerializer(), topics.localizations().values());
    rawLocalizations =
        driver.createInputTopic(
            topics.localizations().name(), new StringSerializer(), new ByteArraySerializer());
    rules =
        driver.createInputTopic(
            topics.alertRules().name(), new StringSerializer(), topics.alertRules().values());
    rawRules =
        driver.createInputTopic(
            topics.alertRules().name(), new StringSerializer(), new ByteArraySerializer());
    alerts =
        driver.createOutputTopic(
            topics.alerts().name(), new StringDeserializer(), topics.alerts().values());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            new ByteArrayDeserializer(),
            topics.deadLetters().values());
  }

  AlertsDriver(Path stateDir) {
    this(stateDir, StreamsConfig.EXACTLY_ONCE_V2, b -> b, null);
  }

  void publish(AlertRule rule) {
    rules.pipeInput(rule.getRuleId(), rule);
  }

  /** Sends one window and returns the alerts it raised, each as "STATE rule stream +w from +s". */
  List<String> send(Localization localization) {
    localizations.pipeInput(localization.getStreamId(), localization);
    return alerts.readValuesToList().stream().map(AlertsTopologyTest::brief).toList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
