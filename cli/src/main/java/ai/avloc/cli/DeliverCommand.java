package ai.avloc.cli;

import ai.avloc.alerts.delivery.AlertDelivery;
import ai.avloc.alerts.delivery.AlertSink;
import ai.avloc.alerts.delivery.MqttConfig;
import ai.avloc.alerts.delivery.WebhookConfig;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "deliver",
    mixinStandardHelpOptions = true,
    description = {
      "Delivers alerts until Ctrl-C: every START / UPDATE / END on the alerts topic is POSTed to",
      "each --webhook (signed JSON, retried, dead-lettered after --webhook-tries) and published to",
      "the --mqtt broker on Frigate-shaped topics. Prints its counters every --every."
    })
final class DeliverCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX)
  String prefix;

  @Option(
      names = "--group",
      defaultValue = AlertDelivery.DEFAULT_GROUP,
      description = "consumer group (default: ${DEFAULT-VALUE})")
  String group;

  @Option(
      names = "--from-beginning",
      description = "a new group starts with the alerts already on the topic, not only new ones")
  boolean fromBeginning;

  @Option(names = "--webhook", description = "URL to POST every alert event to; repeatable")
  List<String> webhooks = new ArrayList<>();

  @Option(
      names = "--webhook-secret-env",
      paramLabel = "VAR",
      description = "environment variable holding the HMAC secret that signs webhook requests")
  String webhookSecretEnv;

  @Option(
      names = "--webhook-tries",
      defaultValue = "" + WebhookConfig.DEFAULT_TRIES,
      description = "tries per event before it is dead-lettered (default: ${DEFAULT-VALUE})")
  int webhookTries;

  @Option(
      names = "--webhook-timeout",
      defaultValue = "5s",
      description = "per request (default: ${DEFAULT-VALUE})")
  Duration webhookTimeout;

  @Option(names = "--mqtt", description = "MQTT broker, tcp://host:1883")
  String mqtt;

  @Option(
      names = "--mqtt-prefix",
      defaultValue = MqttConfig.DEFAULT_PREFIX,
      description = "first level of the MQTT topics (default: ${DEFAULT-VALUE})")
  String mqttPrefix;

  @Option(names = "--mqtt-client-id", description = "MQTT client id (default: avloc-delivery-PID)")
  String mqttClientId;

  @Option(names = "--mqtt-user", description = "MQTT username")
  String mqttUser;

  @Option(
      names = "--mqtt-password-env",
      paramLabel = "VAR",
      description = "environment variable holding the MQTT password")
  String mqttPasswordEnv;

  @Option(names = "--every", defaultValue = "10s", description = "counter print interval")
  Duration every;

  @Override
  public Integer call() throws Exception {
    AlertDelivery.Builder builder =
        AlertDelivery.builder()
            .connection(kafka.connection())
            .topicPrefix(prefix)
            .groupId(group)
            .fromBeginning(fromBeginning);
    String secret = webhookSecretEnv == null ? null : env(webhookSecretEnv, "--webhook-secret-env");
    for (String url : webhooks) {
      builder.webhook(
          WebhookConfig.of(url)
              .withSecret(secret)
              .withTries(webhookTries)
              .withTimeout(webhookTimeout));
    }
    if (mqtt != null) {
      MqttConfig broker = MqttConfig.of(mqtt).withPrefix(mqttPrefix);
      if (mqttClientId != null) {
        broker = broker.withClientId(mqttClientId);
      }
      if (mqttPasswordEnv != null && mqttUser == null) {
        throw new IllegalArgumentException("--mqtt-password-env needs --mqtt-user");
      }
      if (mqttUser != null) {
        broker =
            broker.withCredentials(
                mqttUser,
                mqttPasswordEnv == null ? null : env(mqttPasswordEnv, "--mqtt-password-env"));
      }
      builder.mqtt(broker);
    }
    if (webhooks.isEmpty() && mqtt == null) {
      throw new IllegalArgumentException("give at least one --webhook URL or an --mqtt broker");
    }
    for (String created :
        TopicAdmin.createMissing(
            kafka.connection(), TopicAdmin.standard(Topics.withPrefix(prefix), 4))) {
      System.out.println("created topic " + created);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopped.countDown();
                  // the JVM exits when its hooks end: let the queues drain and offsets commit
                  try {
                    closed.await(
                        AlertDelivery.DEFAULT_CLOSE_GRACE.toSeconds() + 20, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "deliver-shutdown"));
    try (AlertDelivery delivery = builder.build()) {
      delivery.start();
      for (AlertSink sink : delivery.sinks()) {
        System.out.println("delivering to " + sink.name());
      }
      System.out.println(
          "reading "
              + Topics.withPrefix(prefix).alerts().name()
              + " on "
              + kafka.connection()
              + " as group "
              + group
              + "; Ctrl-C stops it");
      while (!stopped.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
        if (delivery.failure().isPresent()) {
          throw new IllegalStateException(
              "the delivery's consumer failed: " + delivery.failure().get().getMessage());
        }
        System.out.println(delivery.counters());
      }
      System.out.println(delivery.counters());
    } finally {
      closed.countDown();
    }
    return 0;
  }

  private static String env(String name, String option) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(option + ": environment variable " + name + " is not set");
    }
    return value;
  }
}
