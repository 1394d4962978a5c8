package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.alerts.AlertsApp;
import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the end-to-end tests share: topics, the alerts app, a bounded job run, committed reads. */
final class KafkaTopics {
  private KafkaTopics() {}

  /** The topics as the demo and the CLI create them. */
  static void create(EmbeddedKafka kafka, Topics t) {
    TopicAdmin.createMissing(kafka.bootstrapServers(), TopicAdmin.standard(t, 2));
  }

  /** The alerts app on {@code prefix}'s topics with a rules file, running. */
  static AlertsApp startAlerts(EmbeddedKafka kafka, String prefix, Path dir, String rulesYaml)
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
  static void runBoundedJob(EmbeddedKafka kafka, String prefix, Path dir, String... options)
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

  /** Every committed record, once the topic has been quiet for {@code quiet}. */
  static <V extends SpecificRecord> List<V> readAll(
      EmbeddedKafka kafka, String topic, Class<V> type, int atLeast, Duration timeout) {
    AvroSerde<V> serde = new AvroSerde<>(type);
    List<V> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList());
      consumer.seekToBeginning(consumer.assignment());
      long deadline = System.nanoTime() + timeout.toNanos();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < deadline) {
        var batch = consumer.poll(Duration.ofMillis(200));
        batch.forEach(r -> records.add(serde.deserialize(topic, r.value())));
        if (!batch.isEmpty()) {
          quietSince = System.nanoTime();
        } else if (records.size() >= atLeast
            && System.nanoTime() - quietSince > Duration.ofSeconds(2).toNanos()) {
          break;
        }
      }
    }
    return records;
  }
}
