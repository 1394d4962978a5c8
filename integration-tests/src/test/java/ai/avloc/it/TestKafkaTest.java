package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;

/** The end-to-end tests' broker comes from the provider -Davloc.it.kafka names. */
class TestKafkaTest {
  private final String before = System.getProperty(TestKafka.PROVIDER);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(TestKafka.PROVIDER);
    } else {
      System.setProperty(TestKafka.PROVIDER, before);
    }
  }

  @Test
  void theEmbeddedBrokerIsTheDefaultAndTakesTopics() throws Exception {
    System.clearProperty(TestKafka.PROVIDER);
    try (TestKafka kafka = TestKafka.start();
        Admin admin = Admin.create(kafka.clientConfig())) {
      kafka.createTopics(2, "provider-check");
      assertEquals(Set.of("provider-check"), admin.listTopics().names().get());
    }
  }

  @Test
  void anUnknownProviderIsRefusedNamingTheChoices() {
    System.setProperty(TestKafka.PROVIDER, "podman");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, TestKafka::start);
    assertTrue(e.getMessage().contains("embedded (default) or testcontainers"), e.getMessage());
  }

  @Test
  void testcontainersRunsTheClientsKafkaReleaseOrSaysWhyNot() {
    assertEquals(
        "apache/kafka:" + org.apache.kafka.common.utils.AppInfoParser.getVersion(),
        TestKafka.image());
    System.setProperty(TestKafka.PROVIDER, "testcontainers");
    if (DockerClientFactory.instance().isDockerAvailable()) {
      try (TestKafka kafka = TestKafka.start()) {
        kafka.createTopics(1, "provider-check");
      }
    } else {
      TestAbortedException e = assertThrows(TestAbortedException.class, TestKafka::start);
      assertTrue(e.getMessage().contains("needs a Docker engine"), e.getMessage());
    }
  }
}
