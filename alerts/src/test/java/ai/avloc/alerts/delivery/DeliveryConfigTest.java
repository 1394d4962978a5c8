package ai.avloc.alerts.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Missing, blank and invalid settings of the webhook and MQTT sinks, and of the delivery. */
class DeliveryConfigTest {
  static void refused(String message, Executable make) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, make).getMessage());
  }

  @Test
  void shouldRefuseMissingBlankAndInvalidWebhookSettings() {
    refused("webhook url is blank", () -> WebhookConfig.of(null));
    refused("webhook url is blank", () -> WebhookConfig.of("  "));
    refused(
        "webhook url 'ftp://example.net/x' is not an absolute http:// or https:// URL",
        () -> WebhookConfig.of("ftp://example.net/x"));
    refused(
        "webhook url '/hook' is not an absolute http:// or https:// URL",
        () -> WebhookConfig.of("/hook"));
    refused(
        "webhook url 'http://***@:80/x' is not an absolute http:// or https:// URL",
        () -> WebhookConfig.of("http://u:secret@:80/x"));
    WebhookConfig ok = WebhookConfig.of("https://example.net/hook");
    refused("webhook tries must be at least 1, got 0", () -> ok.withTries(0));
    refused("webhook timeout must be positive, got PT0S", () -> ok.withTimeout(Duration.ZERO));
    refused("webhook timeout is missing", () -> ok.withTimeout(null));
    refused(
        "webhook max backoff PT0.1S is shorter than the first backoff PT1S",
        () -> ok.withBackoff(Duration.ofSeconds(1), Duration.ofMillis(100)));
    refused(
        "webhook secret is empty: give a secret, or none to send unsigned",
        () -> ok.withSecret(""));
    refused("webhook queue capacity must be at least 1, got 0", () -> ok.withQueueCapacity(0));
  }

  @Test
  void shouldUseTheDocumentedWebhookDefaultsAndBackoff() {
    WebhookConfig c = WebhookConfig.of("https://user:pw@example.net/hook");
    assertEquals(Duration.ofSeconds(5), c.timeout());
    assertEquals(5, c.tries());
    assertEquals("https://***@example.net/hook", c.redactedUrl());
    assertEquals(
        "https://example.net/hook?***",
        WebhookConfig.of("https://example.net/hook?token=abc&x=1").redactedUrl());
    assertFalse(c.toString().contains("pw"), c.toString());
    assertFalse(c.withSecret("key").toString().contains("key"), "the secret is never printed");
    // 0.5 s doubling, capped at 30 s
    assertEquals(Duration.ofMillis(500), c.backoffAfter(1));
    assertEquals(Duration.ofMillis(1000), c.backoffAfter(2));
    assertEquals(Duration.ofMillis(4000), c.backoffAfter(4));
    assertEquals(Duration.ofSeconds(30), c.backoffAfter(12));
  }

  @Test
  void shouldRefuseMissingBlankAndInvalidMqttSettings() {
    refused("mqtt broker is blank", () -> MqttConfig.of(""));
    refused(
        "mqtt broker 'http://localhost:1883' is not a tcp://host:port (or ssl://, ws://, wss://)"
            + " URI",
        () -> MqttConfig.of("http://localhost:1883"));
    refused(
        "mqtt broker URI carries credentials: give them as username and password instead",
        () -> MqttConfig.of("tcp://u:p@localhost:1883"));
    MqttConfig ok = MqttConfig.of("tcp://localhost:1883");
    refused("mqtt prefix is blank", () -> ok.withPrefix(" "));
    refused(
        "mqtt prefix 'avloc/#' may hold only letters, digits, '.', '_', '-' and '/' between"
            + " levels",
        () -> ok.withPrefix("avloc/#"));
    refused(
        "mqtt prefix '/avloc' may hold only letters, digits, '.', '_', '-' and '/' between levels",
        () -> ok.withPrefix("/avloc"));
    refused("mqtt client id is blank", () -> ok.withClientId(""));
    refused("mqtt username is blank: give one, or none", () -> ok.withCredentials(" ", "p"));
    refused("mqtt password given without a username", () -> ok.withCredentials(null, "p"));
    refused("mqtt queue capacity must be at least 1, got 0", () -> ok.withQueueCapacity(0));
    refused(
        "mqtt max reconnect delay must be positive, got PT-1S",
        () -> ok.withMaxReconnectDelay(Duration.ofSeconds(-1)));
    assertFalse(ok.withCredentials("u", "hunter2").toString().contains("hunter2"));
  }

  @Test
  void shouldNameFrigateTopicsWithSafeCameraLevels() {
    MqttConfig c = MqttConfig.of("tcp://localhost:1883").withPrefix("site1/avloc");
    assertEquals("site1/avloc/events", c.eventsTopic());
    assertEquals("site1/avloc/available", c.availabilityTopic());
    assertEquals("site1/avloc/gate-1/sound", c.soundTopic("gate-1"));
    assertEquals("site1/avloc/a_b_c_d__e/sound/level", c.levelTopic("a/b+c#d$ e"));
    assertEquals("site1/avloc/_/sound", c.soundTopic(""));
  }

  @Test
  void shouldRefuseADeliveryWithoutBootstrapOrSinks() {
    refused(
        "delivery needs bootstrap servers",
        () -> AlertDelivery.builder().webhook(WebhookConfig.of("http://h/x")).build());
    refused(
        "delivery has nowhere to deliver: give a webhook or an MQTT broker",
        () -> AlertDelivery.builder().bootstrapServers("localhost:9092").build());
    refused(
        "delivery group id is blank",
        () ->
            AlertDelivery.builder()
                .bootstrapServers("localhost:9092")
                .groupId("")
                .webhook(WebhookConfig.of("http://h/x"))
                .build());
  }
}
