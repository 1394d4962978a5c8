package ai.avloc.infra;

import static ai.avloc.infra.Scripts.freePort;
import static ai.avloc.infra.Scripts.listening;
import static ai.avloc.infra.Scripts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/kafka-start and bin/kafka-stop: a broker in its own JVM, used, then gone without a trace. */
class KafkaScriptsTest {
  @TempDir Path dir;

  @Test
  void shouldStartAUsableBrokerAndStopItLeavingNothingBehind() throws Exception {
    int port = freePort();
    int controllerPort = freePort();
    Path data = dir.resolve("kafka");
    String bootstrap =
        run(
            "bin/kafka-start",
            "--port",
            "" + port,
            "--controller-port",
            "" + controllerPort,
            "--dir",
            data.toString());
    try {
      assertTrue(bootstrap.endsWith("127.0.0.1:" + port), bootstrap);
      Map<String, Object> config = Map.of("bootstrap.servers", "127.0.0.1:" + port);
      try (Admin admin = Admin.create(config)) {
        admin.createTopics(List.of(new NewTopic("probe", 1, (short) 1))).all().get();
      }
      try (var producer =
          new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("probe", "cam", "hello")).get();
      }
      Map<String, Object> consumerConfig =
          Map.of(
              "bootstrap.servers",
              "127.0.0.1:" + port,
              "group.id",
              "probe",
              "auto.offset.reset",
              "earliest");
      List<ConsumerRecord<String, String>> read = new ArrayList<>();
      try (var consumer =
          new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("probe"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (read.isEmpty() && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        }
      }
      assertEquals("hello", read.get(0).value());
    } finally {
      long pid = Long.parseLong(Files.readString(data.resolve("kafka-1.pid")).strip());
      run("bin/kafka-stop", "--dir", data.toString());
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "broker process " + pid + " is gone");
    }
    assertFalse(listening(port), "port " + port + " is free again");
    assertFalse(Files.exists(data), "data directory removed");
  }

  @Test
  void shouldRunThreeReplicatingBrokersAndStopOneByItsNodeId() throws Exception {
    int port = freePort();
    int controllerPort = freePort();
    List<Integer> ports = List.of(port, port + 10, port + 20);
    Path data = dir.resolve("kafka3");
    String bootstrap =
        run(
            "bin/kafka-start",
            "--brokers",
            "3",
            "--port",
            "" + port,
            "--controller-port",
            "" + controllerPort,
            "--dir",
            data.toString());
    try {
      assertEquals(
          "127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d"
              .formatted(ports.get(0), ports.get(1), ports.get(2)),
          bootstrap.lines().reduce((a, b) -> b).orElseThrow(),
          "node n on the first port + 10(n-1)");
      Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "acks", "all");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        admin
            .createTopics(List.of(new NewTopic("probe", Optional.of(1), Optional.empty())))
            .all()
            .get();
        TopicPartitionInfo partition =
            admin
                .describeTopics(List.of("probe"))
                .allTopicNames()
                .get()
                .get("probe")
                .partitions()
                .get(0);
        assertEquals(3, partition.replicas().size(), "replication factor 3 by default");
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "probe");
        assertEquals(
            "2",
            admin
                .describeConfigs(List.of(topic))
                .all()
                .get()
                .get(topic)
                .get("min.insync.replicas")
                .value());
      }
      long pid2 = Long.parseLong(Files.readString(data.resolve("kafka-2.pid")).strip());
      run("bin/kafka-stop", "--dir", data.toString(), "--node", "2", "--kill");
      assertFalse(
          ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false), "node 2 is gone");
      assertFalse(listening(ports.get(1)), "and its port with it");
      assertTrue(listening(ports.get(0)) && listening(ports.get(2)), "nodes 1 and 3 run on");
      try (var producer =
          new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("probe", "cam", "two of three")).get();
      }
      assertEquals(
          "127.0.0.1:" + ports.get(1),
          run("bin/kafka-start", "--dir", data.toString(), "--node", "2")
              .lines()
              .reduce((a, b) -> b)
              .orElseThrow(),
          "node 2 back on its own port");
    } finally {
      run("bin/kafka-stop", "--dir", data.toString());
    }
    for (int p : ports) {
      assertFalse(listening(p), "port " + p + " is free again");
    }
    assertFalse(Files.exists(data), "data directory removed");
  }
}
