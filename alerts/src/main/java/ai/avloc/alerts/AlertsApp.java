package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
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
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
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
 *     .forgetStreamsAfter(Duration.ofMinutes(10))  // default: state of a silent stream dropped
 *     .build()) {
 *   app.start();                                   // seeds the rules file, then starts streaming
 *   app.awaitRunning(Duration.ofSeconds(60));
 *   ...                                            // app.counters(), app.state(), app.failure()
 * }                                                // close() commits and leaves the group
 * }</pre>
 *
 * <p>Topics: {@code <prefix>localizations} (key stream id, Localization) in, {@code
 * <prefix>alert-rules} (key rule id, AlertRule, null = delete; compacted) as a global store, {@code
 * <prefix>alerts} (key stream id, Alert) out; undecodable records of both input topics, rules that
 * fail validation and localizations whose processing threw to {@code <prefix>dead-letters} as
 * DeadLetter records ({@link DeadLetterHandler}). The app creates none of them except its changelog
 * (the broker may not auto-create); a missing input topic stops it with an error. {@link
 * RuleSeeder} publishes rules to a running app; {@link RuleFile} describes the YAML.
 *
 * <p>Semantics are in {@link AlertLifecycle}: per rule and stream, START after minDurationWindows
 * consecutive counting windows, UPDATE per further counting window, END on the window after
 * cooldownWindows non-counting ones (missing windows count as non-counting), END too when the rule
 * is disabled, deleted or becomes invalid. A rule's {@code mode} picks the localizations it counts
 * on a camera that feeds both MONO and ARRAY ({@link CompiledRule#counts}); each mode of a stream
 * is a lane with its own order, and windows that are not after their lane's last one are ignored
 * and counted.
 *
 * <p>Nothing stops the app but {@link #close()}: a stream thread that dies of an unexpected error
 * is replaced (logged and counted); while the broker is unreachable the clients retry, the app logs
 * one line when it loses the broker and one when it is back, and carries on from its last commit.
 */
public final class AlertsApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsApp.class);

  /** Streams config keys that hand the app's objects to its deserialization handler. */
  static final String COUNTERS_CONFIG = "avloc.alerts.counters";

  static final String LOCALIZATIONS_TOPIC_CONFIG = "avloc.alerts.localizations.topic";
  static final String DEAD_LETTERS_TOPIC_CONFIG = "avloc.alerts.dead-letters.topic";
  static final String RULES_TOPIC_CONFIG = "avloc.alerts.rules.topic";
  static final String RULE_DEAD_LETTERS_CONFIG = "avloc.alerts.rule-dead-letters";

  /** Default time a stream lane may send nothing before the app forgets it. */
  public static final Duration DEFAULT_FORGET_AFTER = Duration.ofMinutes(10);

  /** A task may stall this long on a broker it cannot reach before its thread is replaced. */
  static final Duration TASK_TIMEOUT = Duration.ofMinutes(30);

  /** The stream threads' group session: how long a dead thread holds its partitions. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaConnection kafka;
  private final Path rulesFile;
  private final Topics topics;
  private final AlertCounters counters = new AlertCounters();
  private final Properties properties;
  private final Topology topology;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final RuleDeadLetters ruleDeadLetters;
  private KafkaStreams streams;
  private KafkaProducer<byte[], byte[]> deadLetterProducer;
  private BrokerWatch brokerWatch;

  private AlertsApp(Builder b) {
    this.kafka = Objects.requireNonNull(b.kafka, "bootstrapServers");
    this.rulesFile = b.rulesFile;
    this.topics = Topics.withPrefix(b.topicPrefix);
    this.ruleDeadLetters = new RuleDeadLetters(topics.deadLetters().name(), counters);
    Duration forgetAfter = b.forgetAfter;
    this.topology =
        AlertsTopology.build(
            topics,
            ruleDeadLetters,
            b.wrapProcessor.apply(() -> new AlertProcessor(counters, forgetAfter)));
    Properties p = new Properties();
    // the connection's security settings reach every client of the app: its consumers, producers,
    // admin and the global rules thread
    p.putAll(kafka.settings());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, b.applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, b.streamThreads);
    if (b.stateDir != null) {
      p.put(StreamsConfig.STATE_DIR_CONFIG, b.stateDir.toString());
    }
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandler.class.getName());
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
    // a broker outage stalls tasks; they wait for it rather than fail after the default 5 min
    p.put(StreamsConfig.TASK_TIMEOUT_MS_CONFIG, TASK_TIMEOUT.toMillis());
    // a replaced thread's tasks move on once its old member's session expires: 15 s, not 45 s
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) SESSION_TIMEOUT.toMillis());
    p.put(COUNTERS_CONFIG, counters);
    p.put(RULE_DEAD_LETTERS_CONFIG, ruleDeadLetters);
    p.put(LOCALIZATIONS_TOPIC_CONFIG, topics.localizations().name());
    p.put(RULES_TOPIC_CONFIG, topics.alertRules().name());
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
      int n = RuleSeeder.seed(kafka, topics, rulesFile).size();
      LOG.info("published {} rule(s) from {}", n, rulesFile);
    }
    deadLetterProducer = deadLetterProducer();
    ruleDeadLetters.sendTo(
        r ->
            deadLetterProducer.send(
                r,
                (meta, e) -> {
                  if (e != null) {
                    LOG.warn("a dead letter of the rules topic was not written: {}", e.toString());
                  }
                }));
    streams = new KafkaStreams(topology, properties);
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.set(e);
          long n = counters.replacedThreads.incrementAndGet();
          // the global thread (rules) cannot be replaced: Kafka Streams stops the app then
          LOG.error("a stream thread died of an unexpected error; replacing it ({} so far)", n, e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
    brokerWatch = new BrokerWatch(streams, counters, kafka.toString());
    brokerWatch.start();
  }

  private KafkaProducer<byte[], byte[]> deadLetterProducer() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(
        ProducerConfig.CLIENT_ID_CONFIG,
        properties.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-rule-dead-letters");
    return new KafkaProducer<>(
        kafka.config(config), new ByteArraySerializer(), new ByteArraySerializer());
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

  /**
   * The last unexpected error of a stream thread, if any: the app replaced that thread and goes on,
   * unless it was the global thread, which stops the app ({@link #state()} ERROR).
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  public AlertCounters counters() {
    return counters;
  }

  /** The running streams, for {@link AlertsMetrics}; fails before {@link #start()}. */
  synchronized KafkaStreams streams() {
    if (streams == null) {
      throw new IllegalStateException("the alerts app has not been started");
    }
    return streams;
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

  /** Where dead letters of the rules topic go (tests capture them without a broker). */
  RuleDeadLetters ruleDeadLetters() {
    return ruleDeadLetters;
  }

  Properties streamsProperties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  @Override
  public synchronized void close() {
    if (brokerWatch != null) {
      brokerWatch.close();
    }
    if (streams != null) {
      // leave the group, so the next instance takes the partitions at once instead of after the
      // session timeout (45 s) during which no alerts would flow
      streams.close(
          CloseOptions.timeout(Duration.ofSeconds(30))
              .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
    if (deadLetterProducer != null) {
      deadLetterProducer.close(Duration.ofSeconds(10));
    }
  }

  /** The app's settings; only bootstrapServers is required. */
  public static final class Builder {
    private KafkaConnection kafka;
    private String applicationId = "avloc-alerts";
    private Path stateDir;
    private String topicPrefix = Topics.DEFAULT_PREFIX;
    private Path rulesFile;
    private int streamThreads = 1;
    private Duration forgetAfter = DEFAULT_FORGET_AFTER;
    private UnaryOperator<ProcessorSupplier<String, Localization, String, Alert>> wrapProcessor =
        UnaryOperator.identity();
    private final Map<String, Object> extra = new LinkedHashMap<>();

    private Builder() {}

    /** Plaintext brokers. */
    public Builder bootstrapServers(String bootstrapServers) {
      this.kafka = KafkaConnection.plaintext(bootstrapServers);
      return this;
    }

    /** Brokers with the security settings and principal of a client config. */
    public Builder connection(KafkaConnection kafka) {
      this.kafka = kafka;
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

    /**
     * How long a stream may send nothing (per mode) before the app forgets its state, ending its
     * active alerts first; default {@link #DEFAULT_FORGET_AFTER}.
     */
    public Builder forgetStreamsAfter(Duration forgetAfter) {
      if (forgetAfter.isNegative() || forgetAfter.isZero()) {
        throw new IllegalArgumentException("forgetStreamsAfter must be positive");
      }
      this.forgetAfter = forgetAfter;
      return this;
    }

    /** Any other Kafka Streams or client setting; it overrides the app's own. */
    public Builder streamsProperty(String key, Object value) {
      extra.put(key, value);
      return this;
    }

    /** Wraps the alert processor (tests inject faults through it). */
    Builder wrapProcessor(
        UnaryOperator<ProcessorSupplier<String, Localization, String, Alert>> wrapProcessor) {
      this.wrapProcessor = wrapProcessor;
      return this;
    }

    public AlertsApp build() {
      return new AlertsApp(this);
    }
  }
}
