package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts app: a Kafka Streams application that reads localizations, applies the rules of the
 * compacted rules topic and writes alerts, exactly once.
 *
 * <pre>{@code
 * try (AlertsApp app = AlertsApp.builder()
 *     .bootstrapServers("localhost:9092")          // required
 *     .applicationId("avloc-alerts")               // default; also the consumer group and
 *                                                  // the prefix of the changelog topic
 *     .stateDir(Path.of("runs/alerts-state"))      // default: Kafka Streams' own (java.io.tmpdir)
 *     .topicPrefix("avloc.")                       // default Topics.DEFAULT_PREFIX
 *     .rulesFile(Path.of("examples/alert-rules.yaml"))  // optional: published on start
 *     .build()) {
 *   app.start();                                   // seeds the rules file, then starts streaming
 *   app.awaitRunning(Duration.ofSeconds(60));
 *   ...                                            // app.counters(), app.state(), app.failure()
 * }                                                // close() commits and leaves the group
 * }</pre>
 *
 * <p>Topics: {@code <prefix>localizations} (key stream id, Localization) in, {@code
 * <prefix>alert-rules} (key rule id, AlertRule, null = delete; compacted) as a global store, {@code
 * <prefix>alerts} (key stream id, Alert) out, undecodable localizations to {@code
 * <prefix>dead-letters} as DeadLetter records. The app creates none of them except its changelog
 * (the broker may not auto-create); a missing input topic stops it with an error. {@link
 * RuleSeeder} publishes rules to a running app; {@link RuleFile} describes the YAML.
 *
 * <p>Semantics are in {@link AlertLifecycle}: per rule and stream, START after minDurationWindows
 * consecutive counting windows, UPDATE per further counting window, END on the window after
 * cooldownWindows non-counting ones (missing windows count as non-counting), END too when the rule
 * is disabled, deleted or becomes invalid. Windows that are not after a stream's last one are
 * ignored and counted.
 */
public final class AlertsApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsApp.class);

  /** Streams config keys that hand the app's objects to its deserialization handler. */
  static final String COUNTERS_CONFIG = "avloc.alerts.counters";

  static final String LOCALIZATIONS_TOPIC_CONFIG = "avloc.alerts.localizations.topic";
  static final String DEAD_LETTERS_TOPIC_CONFIG = "avloc.alerts.dead-letters.topic";

  private final String bootstrapServers;
  private final Path rulesFile;
  private final Topics topics;
  private final AlertCounters counters = new AlertCounters();
  private final Properties properties;
  private final Topology topology;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private KafkaStreams streams;

  private AlertsApp(Builder b) {
    this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "bootstrapServers");
    this.rulesFile = b.rulesFile;
    this.topics = Topics.withPrefix(b.topicPrefix);
    this.topology = AlertsTopology.build(topics, counters);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, b.applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, b.streamThreads);
    if (b.stateDir != null) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, b.stateDir.toString());
    }
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    p.put(COUNTERS_CONFIG, counters);
    p.put(LOCALIZATIONS_TOPIC_CONFIG, topics.localizations().name());
    p.put(DEAD_LETTERS_TOPIC_CONFIG, topics.deadLetters().name());
    p.putAll(b.extra);
    this.properties = p;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Publishes the rules file, if any, then starts the streams; call once. */
  public synchronized void start() throws IOException {
    if (streams != null) {
      throw new IllegalStateException("the alerts app was already started");
    }
    if (rulesFile != null) {
      int n = RuleSeeder.seed(bootstrapServers, topics, rulesFile).size();
      LOG.info("published {} rule(s) from {}", n, rulesFile);
    }
    streams = new KafkaStreams(topology, properties);
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.compareAndSet(null, e);
          LOG.error("alerts app stops after an unexpected error", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
  }

  /** Waits until the app is RUNNING (rules loaded, partitions assigned); false on timeout. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State s = state();
      if (s == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
        return false;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** CREATED before start. */
  public synchronized KafkaStreams.State state() {
    return streams == null ? KafkaStreams.State.CREATED : streams.state();
  }

  /** The error that stopped the app, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  public AlertCounters counters() {
    return counters;
  }

  public Topics topics() {
    return topics;
  }

  /** The rule as this app has it loaded now (empty when unknown, deleted, or not running). */
  public synchronized Optional<AlertRule> loadedRule(String ruleId) {
    if (streams == null) {
      return Optional.empty();
    }
    try {
      ReadOnlyKeyValueStore<String, AlertRule> rules =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  AlertsTopology.RULES_STORE, QueryableStoreTypes.keyValueStore()));
      return Optional.ofNullable(rules.get(ruleId));
    } catch (InvalidStateStoreException e) {
      return Optional.empty();
    }
  }

  /** The topology and the Streams configuration the app runs with (for tests). */
  Topology topology() {
    return topology;
  }

  Properties streamsProperties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  @Override
  public synchronized void close() {
    if (streams != null) {
      // leave the group, so the next instance takes the partitions at once instead of after the
      // session timeout (45 s) during which no alerts would flow
      streams.close(
          CloseOptions.timeout(Duration.ofSeconds(30))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
  }

  /** The app's settings; only bootstrapServers is required. */
  public static final class Builder {
    private String bootstrapServers;
    private String applicationId = "avloc-alerts";
    private Path stateDir;
    private String topicPrefix = Topics.DEFAULT_PREFIX;
    private Path rulesFile;
    private int streamThreads = 1;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    private Builder() {}

    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder applicationId(String applicationId) {
      this.applicationId = applicationId;
      return this;
    }

    public Builder stateDir(Path stateDir) {
      this.stateDir = stateDir;
      return this;
    }

    public Builder topicPrefix(String topicPrefix) {
      this.topicPrefix = topicPrefix;
      return this;
    }

    /** A YAML rules file ({@link RuleFile}) published to the rules topic on start. */
    public Builder rulesFile(Path rulesFile) {
      this.rulesFile = rulesFile;
      return this;
    }

    public Builder streamThreads(int streamThreads) {
      if (streamThreads < 1) {
        throw new IllegalArgumentException("streamThreads must be at least 1");
      }
      this.streamThreads = streamThreads;
      return this;
    }

    /** Any other Kafka Streams or client setting; it overrides the app's own. */
    public Builder streamsProperty(String key, Object value) {
      extra.put(key, value);
      return this;
    }

    public AlertsApp build() {
      return new AlertsApp(this);
    }
  }
}
