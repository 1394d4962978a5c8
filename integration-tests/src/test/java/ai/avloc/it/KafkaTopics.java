package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.alerts.AlertsApp;
import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What the end-to-end tests share: topics, the alerts app, a bounded job run, committed reads. */
final class KafkaTopics {
  private KafkaTopics() {}

  /** The topics as the demo and the CLI create them. */
  static void create(TestKafka kafka, Topics t) {
    TopicAdmin.createMissing(kafka.bootstrapServers(), TopicAdmin.standard(t, 2));
  }

  /** The alerts app on {@code prefix}'s topics with a rules file, running. */
  static AlertsApp startAlerts(TestKafka kafka, String prefix, Path dir, String rulesYaml)
      throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, rulesYaml);
    AlertsApp alerts =
        AlertsApp.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .applicationId(prefix + "alerts")
            .stateDir(dir.resolve("alerts"))
            .topicPrefix(prefix)
            .rulesFile(rules)
            .build();
    alerts.start();
    assertTrue(alerts.awaitRunning(Duration.ofSeconds(60)), "alerts app running");
    return alerts;
  }

  /** The localization job over what the topics hold now, to its end (parallelism 2, fail fast). */
  static void runBoundedJob(TestKafka kafka, String prefix, Path dir, String... options)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(conf);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic-prefix",
                prefix,
                "--bounded",
                "true",
                "--checkpoint-ms",
                "500",
                "--checkpoint-dir",
                dir.resolve("checkpoints").toUri().toString()));
    args.addAll(List.of(options));
    JobConfig job = JobConfig.parse(args.toArray(String[]::new));
    LocalizationJob.configure(env, job);
    LocalizationJob.build(env, job);
    env.execute(prefix + "job");
  }

  /**
   * Every committed record, once at least {@code atLeast} have come and the topic has then been
   * quiet for 2 s, or whatever has come by {@code timeout}.
   */
  static <V extends SpecificRecord> List<V> readAll(
      TestKafka kafka, String topic, Class<V> type, int atLeast, Duration timeout) {
    try (TopicReader<V> reader =
        TopicReader.on(kafka.bootstrapServers()).open(topic, new AvroSerde<>(type))) {
      return reader.read(
          TopicReader.Until.count(atLeast).thenQuiet(Duration.ofSeconds(2)).within(timeout));
    }
  }
}
