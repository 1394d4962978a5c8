package ai.avloc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client config file becomes every client's settings; a bad one is refused by name. */
class KafkaConnectionTest {
  @TempDir Path dir;

  Path config(String text) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, text);
    return file;
  }

  String secure() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    return "bootstrap.servers=10.0.0.5:9093\nsecurity.protocol=SASL_SSL\n"
        + "sasl.mechanism=SCRAM-SHA-512\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
        + " username=\"gateway\" password=\"s3cret-pw\";\n"
        + "ssl.truststore.type=PEM\nssl.truststore.location="
        + ca
        + "\n";
  }

  @Test
  void theFileSettingsReachEveryClientUnderTheComponentsOwn() throws Exception {
    KafkaConnection kafka = KafkaConnection.load(null, config(secure()));
    assertEquals("10.0.0.5:9093", kafka.bootstrapServers());
    Map<String, Object> producer = kafka.config(Map.of("acks", "all"));
    assertEquals("SASL_SSL", producer.get("security.protocol"));
    assertEquals("all", producer.get("acks"));
    assertEquals("10.0.0.5:9093", producer.get("bootstrap.servers"));
    assertFalse(kafka.settings().containsKey("bootstrap.servers"));
    // the component's own settings win over the file's
    assertEquals(
        "PLAINTEXT",
        kafka.config(Map.of("security.protocol", "PLAINTEXT")).get("security.protocol"));
    // --bootstrap wins over the file's brokers
    assertEquals(
        "127.0.0.1:1", KafkaConnection.load("127.0.0.1:1", config(secure())).bootstrapServers());
  }

  @Test
  void itNamesThePrincipalNeverThePassword() throws Exception {
    KafkaConnection kafka = KafkaConnection.load(null, config(secure()));
    assertEquals("gateway", kafka.principal());
    assertEquals("10.0.0.5:9093 (SASL_SSL, SCRAM-SHA-512 as gateway)", kafka.toString());
    assertEquals(
        "127.0.0.1:9092 (plaintext)", KafkaConnection.plaintext("127.0.0.1:9092").toString());
    assertFalse(kafka.toString().contains("s3cret"));
  }

  @Test
  void itTravelsWithAFlinkJob() throws Exception {
    KafkaConnection kafka = KafkaConnection.load(null, config(secure()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(kafka);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(kafka, in.readObject());
    }
  }

  @Test
  void aBadConfigIsRefusedNamingTheFileAndTheSetting() throws Exception {
    assertTrue(
        assertThrows(
                UncheckedIOException.class,
                () -> KafkaConnection.load(null, dir.resolve("missing.properties")))
            .getMessage()
            .contains("missing.properties"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> KafkaConnection.load(null, config(secure().replace("SASL_SSL", "SASL_TLS"))))
            .getMessage()
            .contains("security.protocol 'SASL_TLS'"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    KafkaConnection.load(
                        null, config(secure().replaceAll("(?m)^sasl.jaas.config=.*$", ""))))
            .getMessage()
            .contains("SASL_SSL needs sasl.jaas.config"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    KafkaConnection.load(null, config(secure().replaceAll("ca\\.pem", "gone.pem"))))
            .getMessage()
            .contains("ssl.truststore.location"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    KafkaConnection.load(
                        null, config(secure().replaceAll("(?m)^bootstrap.servers=.*$", ""))))
            .getMessage()
            .contains("no bootstrap.servers"));
  }
}
