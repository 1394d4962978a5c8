package ai.avloc.alerts.delivery;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes alert events to an MQTT broker on Frigate's topics, so a Home Assistant set-up made for
 * Frigate works unchanged (topics from {@link MqttConfig}):
 *
 * <ul>
 *   <li>{@code <prefix>/events}: the same JSON as the webhook body ({@link FrigateEvents}), QoS 1,
 *       not retained, in the order of the alerts topic;
 *   <li>{@code <prefix>/<camera>/sound}: retained {@code ON} while any alert is active on the
 *       camera, {@code OFF} once the last one has ended (published when it changes);
 *   <li>{@code <prefix>/<camera>/sound/level}: retained, the highest current contrast among the
 *       camera's active alerts, {@code 0} when none;
 *   <li>{@code <prefix>/available}: retained {@code online} after every connect; the broker
 *       publishes the will, retained {@code offline}, when the connection is lost; a clean close
 *       publishes {@code offline} itself.
 * </ul>
 *
 * <p>The camera level is {@link MqttConfig#topicLevel the stream id made safe for a topic}. Every
 * message waits for the broker's acknowledgement before the next goes out, so order holds. While
 * the broker is unreachable the worker keeps the event in hand and waits (Paho reconnects, up to
 * the config's max delay between attempts); new events wait in the bounded queue, whose oldest
 * UPDATE (or oldest event) is dropped, logged and counted when it is full. A dropped START or END
 * still changes the camera's active alerts, and its sound topics are published again right after,
 * so a lost END cannot hold {@code sound} ON. After every (re)connect the retained topics are
 * published again, in case the broker lost them.
 */
public final class MqttSink extends AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger(MqttSink.class);

  private static final int QOS = 1;

  private final MqttConfig config;
  private final MqttAsyncClient client;
  private final MqttConnectOptions options;
  private final FrigateEvents events = new FrigateEvents();

  /**
   * Per sound topic: current contrast of each active alert there, oldest first. Guarded by itself:
   * the consumer's thread changes it too, when it drops a START or END.
   */
  private final Map<String, Map<String, Float>> active = new HashMap<>();

  /** Sound topics whose active alerts a dropped event changed, to publish again; under active. */
  private final Set<String> changedByDrop = new LinkedHashSet<>();

  /**
   * Per sound topic: what its retained topics last said (ON/OFF and the level), re-announced after
   * a reconnect; those OFF longest last. Under active.
   */
  private final Map<String, String[]> published = new LinkedHashMap<>();

  /**
   * Cameras whose retained state a reconnect announces again: beyond it, the ones OFF longest are
   * let go (their retained OFF stays on the broker), so ids that come and go do not grow the map.
   */
  static final int REMEMBERED_CAMERAS = 10_000;

  private final int rememberedCameras;

  private volatile boolean announce;
  private boolean everConnected;
  private Duration connectBackoff = Duration.ofMillis(200);
  private long nextConnect = System.nanoTime();
  private boolean outageLogged;

  public MqttSink(MqttConfig config) {
    this(config, REMEMBERED_CAMERAS);
  }

  MqttSink(MqttConfig config, int rememberedCameras) {
    super("mqtt " + config.broker() + " " + config.prefix(), config.queueCapacity());
    this.config = config;
    this.rememberedCameras = rememberedCameras;
    try {
      this.client =
          new MqttAsyncClient(
              config.broker().toString(), config.clientId(), new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("mqtt broker " + config.broker() + ": " + e, e);
    }
    options = new MqttConnectOptions();
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(
        (int) Math.min(Integer.MAX_VALUE, config.maxReconnectDelay().toMillis()));
    options.setCleanSession(true);
    options.setConnectionTimeout((int) Math.max(1, config.publishTimeout().toSeconds()));
    options.setKeepAliveInterval(30);
    options.setWill(
        config.availabilityTopic(), "offline".getBytes(StandardCharsets.UTF_8), QOS, true);
    if (config.username() != null) {
      options.setUserName(config.username());
      if (config.password() != null) {
        options.setPassword(config.password().toCharArray());
      }
    }
    client.setCallback(
        new MqttCallbackExtended() {
          @Override
          public void connectComplete(boolean reconnect, String serverUri) {
            LOG.info("{}: {}connected", name(), reconnect ? "re" : "");
            if (reconnect) {
              // the first connect announces on the worker; this one runs on Paho's thread
              announce = true;
            }
          }

          @Override
          public void connectionLost(Throwable cause) {
            LOG.warn("{}: connection lost ({}); reconnecting", name(), String.valueOf(cause));
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {}

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
  }

  /** One message to publish. */
  private record Message(String topic, String payload, boolean retained) {}

  @Override
  protected void deliver(QueuedAlert queued) throws InterruptedException {
    try {
      for (Message message : messagesFor(queued.alert())) {
        publishUntilAcked(message);
      }
      for (Message message : changesByDrops()) {
        publishUntilAcked(message);
      }
    } catch (InterruptedException e) {
      giveUp(queued, "the delivery stopped while the broker was unreachable");
      throw e;
    }
    counters.delivered.incrementAndGet();
  }

  /** The messages of one alert event, in order; updates the camera's state. */
  private List<Message> messagesFor(Alert alert) {
    List<Message> out = new ArrayList<>(3);
    out.add(new Message(config.eventsTopic(), events.next(alert).json(), false));
    String sound = config.soundTopic(alert.getStreamId());
    synchronized (active) {
      apply(alert, sound);
      soundMessages(sound, out);
    }
    return out;
  }

  /** Adds {@code alert} to its camera's active alerts, or removes it at its END. Under active. */
  private void apply(Alert alert, String sound) {
    Map<String, Float> alerts = active.computeIfAbsent(sound, s -> new LinkedHashMap<>());
    if (alert.getState() == AlertState.END) {
      alerts.remove(alert.getAlertId());
    } else {
      alerts.put(alert.getAlertId(), alert.getContrast());
    }
  }

  /**
   * The retained messages of {@code sound}'s current state: ON/OFF when it changed, and the level.
   * Under active.
   */
  private void soundMessages(String sound, List<Message> out) {
    Map<String, Float> alerts = active.getOrDefault(sound, Map.of());
    String[] last = published.computeIfAbsent(sound, s -> new String[2]);
    String state = alerts.isEmpty() ? "OFF" : "ON";
    if (!state.equals(last[0])) {
      out.add(new Message(sound, state, true));
      last[0] = state;
    }
    String level = level(alerts);
    last[1] = level;
    out.add(new Message(sound + "/level", level, true));
    if (alerts.isEmpty()) {
      active.remove(sound);
      published.remove(sound);
      published.put(sound, last);
      Iterator<String[]> oldest = published.values().iterator();
      while (published.size() > rememberedCameras && oldest.hasNext()) {
        if ("OFF".equals(oldest.next()[0])) {
          oldest.remove();
        }
      }
    }
  }

  /** How many cameras a reconnect would announce again. */
  int rememberedCameras() {
    synchronized (active) {
      return published.size();
    }
  }

  /** The sound topics of cameras whose active alerts dropped events changed, to publish again. */
  private List<Message> changesByDrops() {
    List<Message> out = new ArrayList<>();
    synchronized (active) {
      for (String sound : changedByDrop) {
        soundMessages(sound, out);
      }
      changedByDrop.clear();
    }
    return out;
  }

  /** The highest contrast as a plain number; an alert off the topic may carry NaN or infinity. */
  private static String level(Map<String, Float> alerts) {
    float highest = 0;
    for (float contrast : alerts.values()) {
      if (contrast > highest) {
        highest = Math.min(contrast, Float.MAX_VALUE);
      }
    }
    return new BigDecimal(Float.toString(highest)).stripTrailingZeros().toPlainString();
  }

  private void publishUntilAcked(Message message) throws InterruptedException {
    boolean first = true;
    while (true) {
      awaitConnected();
      if (!first) {
        counters.retried.incrementAndGet();
      }
      first = false;
      try {
        announceIfReconnected();
        publish(message);
        return;
      } catch (MqttException e) {
        if (!outageLogged) {
          LOG.warn(
              "{}: cannot publish to {} ({}); waiting for the broker",
              name(),
              message.topic(),
              e.toString());
          outageLogged = true;
        }
        checkStopping();
        Thread.sleep(100);
      }
    }
  }

  private void publish(Message message) throws MqttException {
    MqttMessage m = new MqttMessage(message.payload().getBytes(StandardCharsets.UTF_8));
    m.setQos(QOS);
    m.setRetained(message.retained());
    client.publish(message.topic(), m).waitForCompletion(config.publishTimeout().toMillis());
  }

  @Override
  protected void idle() {
    if (tryConnect() && announce) {
      try {
        announceIfReconnected();
      } catch (MqttException e) {
        LOG.warn("{}: cannot publish its availability ({}); trying again", name(), e.toString());
      }
    }
    List<Message> changes = changesByDrops();
    if (!changes.isEmpty()) {
      try {
        for (Message message : changes) {
          publishUntilAcked(message);
        }
      } catch (InterruptedException e) {
        // closing: the retained state stays as the broker last had it
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * After each connect: {@code online} and the retained state of every camera seen, in case the
   * broker restarted without them.
   */
  private void announceIfReconnected() throws MqttException {
    if (!announce) {
      return;
    }
    announce = false;
    try {
      publish(new Message(config.availabilityTopic(), "online", true));
      List<Message> state = new ArrayList<>();
      synchronized (active) {
        for (Map.Entry<String, String[]> camera : published.entrySet()) {
          state.add(new Message(camera.getKey(), camera.getValue()[0], true));
          state.add(new Message(camera.getKey() + "/level", camera.getValue()[1], true));
        }
      }
      for (Message message : state) {
        publish(message);
      }
    } catch (MqttException e) {
      announce = true;
      throw e;
    }
    if (outageLogged) {
      LOG.info("{}: publishing again", name());
      outageLogged = false;
    }
  }

  /** Waits until the client is connected. */
  private void awaitConnected() throws InterruptedException {
    while (!tryConnect()) {
      checkStopping();
      Thread.sleep(100);
    }
  }

  /**
   * Whether the client is connected. The first connect is made here, tried again with a growing
   * pause until it succeeds; after that Paho's automatic reconnect does it.
   */
  private boolean tryConnect() {
    if (client.isConnected()) {
      return true;
    }
    if (everConnected || System.nanoTime() < nextConnect) {
      return false;
    }
    try {
      client.connect(options).waitForCompletion(config.publishTimeout().toMillis());
      everConnected = true;
      announce = true;
      return true;
    } catch (MqttException e) {
      if (!outageLogged) {
        LOG.warn("{}: cannot connect ({}); trying again", name(), e.toString());
        outageLogged = true;
      }
      nextConnect = System.nanoTime() + connectBackoff.toNanos();
      connectBackoff = min(connectBackoff.multipliedBy(2), config.maxReconnectDelay());
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  protected void giveUp(QueuedAlert alert, String reason) {
    if (alert.alert().getState() != AlertState.UPDATE) {
      // what is active changes even so: an END lost here must not hold sound ON
      String sound = config.soundTopic(alert.alert().getStreamId());
      synchronized (active) {
        apply(alert.alert(), sound);
        changedByDrop.add(sound);
      }
    }
    long dropped = counters.dropped.incrementAndGet();
    LOG.warn(
        "{}: dropped {} {} of {} because {} ({} dropped so far)",
        name(),
        alert.alert().getState(),
        alert.alert().getAlertId(),
        alert.alert().getStreamId(),
        reason,
        dropped);
  }

  @Override
  protected void release() {
    try {
      if (client.isConnected()) {
        // a clean disconnect sends no will: say offline ourselves
        publish(new Message(config.availabilityTopic(), "offline", true));
        client.disconnect().waitForCompletion(config.publishTimeout().toMillis());
      }
    } catch (MqttException e) {
      LOG.warn("{}: unclean disconnect: {}", name(), e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      LOG.warn("{}: close: {}", name(), e.toString());
    }
  }
}
