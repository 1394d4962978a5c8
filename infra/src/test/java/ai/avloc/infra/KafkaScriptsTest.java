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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
}
