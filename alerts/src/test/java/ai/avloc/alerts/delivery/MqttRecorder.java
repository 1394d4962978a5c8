package ai.avloc.alerts.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A subscriber that records every message under a topic filter, in arrival order. */
final class MqttRecorder implements AutoCloseable {
  /** One message as it arrived. */
  record Received(String topic, String payload, boolean retained) {}

  private final MqttClient client;
  private final List<Received> received = new ArrayList<>();

  /**
   * Connects as {@code clientId}; with {@code persistent} the broker keeps the subscription and
   * queues QoS 1 messages while this client is away.
   */
  MqttRecorder(String broker, String clientId, String filter, boolean persistent)
      throws MqttException {
    client = new MqttClient(broker, clientId, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(!persistent);
    client.connect(options);
    client.subscribe(
        filter,
        1,
        (topic, message) ->
            record(
                new Received(
                    topic,
                    new String(message.getPayload(), StandardCharsets.UTF_8),
                    message.isRetained())));
  }

  private void record(Received message) {
    synchronized (received) {
      received.add(message);
    }
  }

  /**
   * The messages on {@code topic} so far, once there are at least {@code count}; fails if they do
   * not come within {@code wait}.
   */
  List<Received> await(String topic, int count, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      List<Received> on = on(topic);
      if (on.size() >= count) {
        return on;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "expected " + count + " messages on " + topic + " within " + wait + ", got " + on);
      }
      Thread.sleep(20);
    }
  }

  /** The messages on {@code topic} so far, in arrival order. */
  List<Received> on(String topic) {
    synchronized (received) {
      return received.stream().filter(r -> r.topic().equals(topic)).toList();
    }
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.disconnect();
    }
    client.close();
  }
}
