package ai.avloc.alerts.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * One MQTT broker and the topics alert events go to. Values are checked when the record is made,
 * each failure naming the setting.
 *
 * @param broker {@code tcp://host:1883} (or {@code ssl://}, {@code ws://}, {@code wss://})
 * @param prefix first level(s) of every topic (default {@code avloc}): letters, digits, '.', '_',
 *     '-' and inner '/'; no wildcards, no leading or trailing '/', not starting with '$'
 * @param clientId MQTT client id; two clients with one id throw each other off the broker
 * @param username null to connect anonymously
 * @param password null for none; only with a username
 * @param maxReconnectDelay the longest pause between reconnect attempts (default 30 s)
 * @param publishTimeout how long one publish may wait for the broker's PUBACK before it is tried
 *     again (default 10 s)
 * @param queueCapacity events waiting for the broker; when full the oldest is dropped, logged and
 *     counted
 */
public record MqttConfig(
    URI broker,
    String prefix,
    String clientId,
    String username,
    String password,
    Duration maxReconnectDelay,
    Duration publishTimeout,
    int queueCapacity) {

  public static final String DEFAULT_PREFIX = "avloc";
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(30);
  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

  public MqttConfig {
    if (broker == null) {
      throw new IllegalArgumentException("mqtt broker is missing");
    }
    String scheme = broker.getScheme() == null ? "" : broker.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme) || broker.getHost() == null) {
      throw new IllegalArgumentException(
          "mqtt broker '"
              + WebhookConfig.redact(broker)
              + "' is not a tcp://host:port (or ssl://, ws://, wss://) URI");
    }
    if (broker.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "mqtt broker URI carries credentials: give them as username and password instead");
    }
    if (prefix == null || prefix.isBlank()) {
      throw new IllegalArgumentException("mqtt prefix is blank");
    }
    if (!prefix.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")) {
      throw new IllegalArgumentException(
          "mqtt prefix '"
              + prefix
              + "' may hold only letters, digits, '.', '_', '-' and '/' between levels");
    }
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("mqtt client id is blank");
    }
    if (clientId.length() > 65_535) {
      throw new IllegalArgumentException("mqtt client id is longer than 65535 characters");
    }
    if (username != null && username.isBlank()) {
      throw new IllegalArgumentException("mqtt username is blank: give one, or none");
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("mqtt password given without a username");
    }
    WebhookConfig.positive(maxReconnectDelay, "mqtt max reconnect delay");
    WebhookConfig.positive(publishTimeout, "mqtt publish timeout");
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "mqtt queue capacity must be at least 1, got " + queueCapacity);
    }
  }

  /** The broker at {@code broker} with the defaults: prefix avloc, anonymous. */
  public static MqttConfig of(String broker) {
    return new MqttConfig(
        parse(broker),
        DEFAULT_PREFIX,
        "avloc-delivery-" + ProcessHandle.current().pid(),
        null,
        null,
        DEFAULT_MAX_RECONNECT_DELAY,
        DEFAULT_PUBLISH_TIMEOUT,
        DEFAULT_QUEUE_CAPACITY);
  }

  public MqttConfig withPrefix(String prefix) {
    return new MqttConfig(
        broker,
        prefix,
        clientId,
        username,
        password,
        maxReconnectDelay,
        publishTimeout,
        queueCapacity);
  }

  public MqttConfig withClientId(String clientId) {
    return new MqttConfig(
        broker,
        prefix,
        clientId,
        username,
        password,
        maxReconnectDelay,
        publishTimeout,
        queueCapacity);
  }

  public MqttConfig withCredentials(String username, String password) {
    return new MqttConfig(
        broker,
        prefix,
        clientId,
        username,
        password,
        maxReconnectDelay,
        publishTimeout,
        queueCapacity);
  }

  public MqttConfig withMaxReconnectDelay(Duration delay) {
    return new MqttConfig(
        broker, prefix, clientId, username, password, delay, publishTimeout, queueCapacity);
  }

  public MqttConfig withQueueCapacity(int capacity) {
    return new MqttConfig(
        broker, prefix, clientId, username, password, maxReconnectDelay, publishTimeout, capacity);
  }

  /** {@code <prefix>/events}: every lifecycle event as JSON, QoS 1, not retained. */
  public String eventsTopic() {
    return prefix + "/events";
  }

  /** {@code <prefix>/available}: retained {@code online}, the client's will {@code offline}. */
  public String availabilityTopic() {
    return prefix + "/available";
  }

  /** {@code <prefix>/<camera>/sound}: retained ON while an alert is active on the camera. */
  public String soundTopic(String streamId) {
    return prefix + "/" + topicLevel(streamId) + "/sound";
  }

  /** {@code <prefix>/<camera>/sound/level}: retained, the camera's current contrast. */
  public String levelTopic(String streamId) {
    return soundTopic(streamId) + "/level";
  }

  /**
   * A stream id as one topic level: every character other than ASCII letters, digits, '.', '_' and
   * '-' (so '/', '+', '#', '$', spaces and non-ASCII) becomes '_'; an empty id becomes '_'. Two ids
   * that differ only there share a topic; the JSON on the events topic keeps the id as it is.
   */
  public static String topicLevel(String streamId) {
    if (streamId == null || streamId.isEmpty()) {
      return "_";
    }
    StringBuilder level = new StringBuilder(streamId.length());
    for (int i = 0; i < streamId.length(); i++) {
      char c = streamId.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      level.append(plain ? c : '_');
    }
    return level.toString();
  }

  @Override
  public String toString() {
    return String.format(
        "mqtt %s (prefix %s, client %s, %s, queue %d)",
        broker,
        prefix,
        clientId,
        username == null ? "anonymous" : "user " + username,
        queueCapacity);
  }

  static URI parse(String broker) {
    if (broker == null || broker.isBlank()) {
      throw new IllegalArgumentException("mqtt broker is blank");
    }
    try {
      return new URI(broker.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("mqtt broker is not a valid URI: " + e.getReason());
    }
  }
}
