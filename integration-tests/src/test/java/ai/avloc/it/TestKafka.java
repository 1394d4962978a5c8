package ai.avloc.it;

import ai.avloc.testsupport.EmbeddedKafka;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The broker an end-to-end test runs on, from the provider {@code -Davloc.it.kafka} names: {@code
 * embedded} (the default: Kafka's own KRaft test kit inside the test JVM, no Docker needed) or
 * {@code testcontainers} (the {@code apache/kafka} image of the clients' version, or {@code
 * -Davloc.it.kafka.image}, in a container). The test bodies are the same for both. Without a Docker
 * engine the Testcontainers provider aborts each test with a message that says so, which JUnit
 * reports as skipped; the default run never skips.
 */
interface TestKafka extends AutoCloseable {
  String PROVIDER = "avloc.it.kafka";

  String bootstrapServers();

  /** Client properties that reach this broker. */
  default Map<String, Object> clientConfig() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
  }

  /** Creates topics with the given partitions, replication 1, waiting until they exist. */
  default void createTopics(int partitions, String... names) {
    EmbeddedKafka.createTopics(clientConfig(), partitions, names);
  }

  @Override
  void close();

  /** A broker from the provider the system property names. */
  static TestKafka start() {
    String provider = System.getProperty(PROVIDER, "embedded").toLowerCase(Locale.ROOT);
    return switch (provider) {
      case "embedded" -> embedded();
      case "testcontainers" -> container(System.getProperty(PROVIDER + ".image", image()));
      default ->
          throw new IllegalArgumentException(
              "-D" + PROVIDER + "=" + provider + ": use embedded (default) or testcontainers");
    };
  }

  /** The image of the Kafka release the clients are, e.g. {@code apache/kafka:4.2.1}. */
  static String image() {
    return "apache/kafka:" + AppInfoParser.getVersion();
  }

  private static TestKafka embedded() {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    return new TestKafka() {
      @Override
      public String bootstrapServers() {
        return kafka.bootstrapServers();
      }

      @Override
      public void close() {
        kafka.close();
      }
    };
  }

  /** A broker in a container; aborts the test (reported as skipped) without a Docker engine. */
  static TestKafka container(String image) {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new TestAbortedException(
          "-D"
              + PROVIDER
              + "=testcontainers needs a Docker engine, and none answers here; run without it"
              + " for the embedded broker");
    }
    KafkaContainer kafka = new KafkaContainer(image);
    kafka.start();
    return new TestKafka() {
      @Override
      public String bootstrapServers() {
        return kafka.getBootstrapServers();
      }

      @Override
      public void close() {
        kafka.stop();
      }
    };
  }
}
