package ai.avloc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.alerts.AlertsApp;
import ai.avloc.infra.LocalKafka;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.simulator.Scene;
import ai.avloc.stream.job.JobConfig;
import ai.avloc.stream.job.LocalizationJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, security: on a cluster started with {@code kafka-start --secure} (SASL_SSL, SCRAM, ACLs
 * required) every component runs under its own principal from the client config the script wrote,
 * and the pipeline localizes and alerts end to end; a client without credentials, with a wrong
 * password, or outside its ACLs is refused with an error that names the cause.
 */
class SecureClusterTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  static final String SCENE =
      """
      {"sampleRate": 12288, "duration": 3, "seed": 5, "array": "vogel64",
       "sensorNoise": {"snrDb": 40},
       "sources": [{"name": "pump",
         "signal": {"type": "harmonic", "f0": 190, "harmonics": 16, "amplitude": 0.5, "rolloff": 0.85},
         "path": [{"t": 0, "azimuth": 20, "elevation": 5, "distance": 8}]}]}
      """;

  static final String RULES =
      """
      rules:
        - ruleId: right-half
          name: Sound in the right half
          streamIds: [cam-s]
          zone: [[0.5, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 1.0]]
          minContrast: 1.0
          minDurationWindows: 6
          cooldownWindows: 12
          enabled: true
      """;

  @TempDir static Path dir;
  static LocalKafka kafka;
  static final Topics TOPICS = Topics.defaults();

  @BeforeAll
  static void startSecureCluster() throws Exception {
    kafka = LocalKafka.startSecure(ROOT, dir.resolve("kafka"));
    // the admin creates the topics; no component may
    TopicAdmin.createMissing(as("admin"), TopicAdmin.standard(TOPICS, 2));
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  static KafkaConnection as(String user) {
    return KafkaConnection.load(null, kafka.clientConfig(user));
  }

  @Test
  void everyComponentUnderItsOwnPrincipalLocalizesAndAlerts() throws Exception {
    Scene scene = Scene.parse(SCENE, null);
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, RULES);
    try (AlertsApp alerts =
        AlertsApp.builder()
            .connection(as("alerts"))
            .applicationId("avloc-alerts-secure-test")
            .stateDir(dir.resolve("alerts"))
            .rulesFile(rules)
            .build()) {
      alerts.start();
      assertTrue(alerts.awaitRunning(Duration.ofSeconds(60)), "alerts app running as alerts");

      try (KafkaCameraEvents events = new KafkaCameraEvents(as("gateway"), TOPICS);
          Gateway gateway =
              new Gateway(
                  List.of(
                      new SceneCamera(
                          scene,
                          "cam-s",
                          start,
                          null,
                          SceneCamera.Options.defaults().withArray("vogel64"))),
                  events,
                  Gateway.Pace.MAX)) {
        gateway.run();
      }

      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(1);
      Configuration conf = new Configuration();
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      env.configure(conf);
      // the job's credential comes from its client config; the command line names only the file
      JobConfig job =
          JobConfig.parse(
              new String[] {
                "--client-config", kafka.clientConfig("job").toString(),
                "--bounded", "true",
                "--model", "none",
                "--checkpoint-ms", "500",
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString()
              });
      assertEquals(kafka.bootstrapServers(), job.bootstrapServers());
      assertFalse(job.toString().contains(password("job")), "no password in the job's config");
      LocalizationJob.configure(env, job);
      LocalizationJob.build(env, job);
      env.execute("secure job");

      // the dashboard's principal reads what the job and the alerts app wrote
      try (TopicReader<Localization> reader =
          TopicReader.on(as("dashboard")).open(TOPICS.localizations())) {
        List<Localization> out =
            reader.read(
                TopicReader.Until.count(36)
                    .thenQuiet(Duration.ofSeconds(2))
                    .within(Duration.ofSeconds(30)));
        assertEquals(36, out.size(), "one localization per window of 3 s");
        assertTrue(out.stream().allMatch(l -> !l.getPeaks().isEmpty()), "a peak in every window");
      }
      try (TopicReader<Alert> reader = TopicReader.on(as("dashboard")).open(TOPICS.alerts())) {
        List<Alert> raised =
            reader.read(
                TopicReader.Until.count(1)
                    .thenQuiet(Duration.ofSeconds(1))
                    .within(Duration.ofSeconds(30)));
        assertTrue(
            raised.stream().anyMatch(a -> a.getState() == AlertState.START),
            "the alert started: " + raised);
      }
    }
  }

  @Test
  void theGatewayMayWriteCameraTopicsAndNothingElse() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer("gateway")) {
      producer.send(new ProducerRecord<>(TOPICS.frames().name(), new byte[] {1})).get();
      ExecutionException rules =
          assertThrows(
              ExecutionException.class,
              () ->
                  producer
                      .send(new ProducerRecord<>(TOPICS.alertRules().name(), new byte[] {1}))
                      .get(30, TimeUnit.SECONDS));
      assertInstanceOf(TopicAuthorizationException.class, rules.getCause(), "no rule writes");
    }
    try (KafkaConsumer<byte[], byte[]> consumer = consumer("gateway")) {
      consumer.assign(List.of(new TopicPartition(TOPICS.localizations().name(), 0)));
      consumer.seekToBeginning(consumer.assignment());
      TopicAuthorizationException e =
          assertThrows(
              TopicAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)));
      assertTrue(e.unauthorizedTopics().contains(TOPICS.localizations().name()));
    }
    // nor may the dashboard forge localizations, though it may write rules
    try (KafkaProducer<byte[], byte[]> producer = producer("dashboard")) {
      producer.send(new ProducerRecord<>(TOPICS.alertRules().name(), "x".getBytes(), null)).get();
      ExecutionException forged =
          assertThrows(
              ExecutionException.class,
              () ->
                  producer
                      .send(new ProducerRecord<>(TOPICS.localizations().name(), new byte[] {1}))
                      .get(30, TimeUnit.SECONDS));
      assertInstanceOf(TopicAuthorizationException.class, forged.getCause());
    }
  }

  @Test
  void aGatewayUnderAPrincipalWithoutTheAclStopsSayingWhy() throws Exception {
    // the dashboard's principal may not write camera topics: the gateway's producer is refused
    try (KafkaCameraEvents events = new KafkaCameraEvents(as("dashboard"), TOPICS)) {
      VideoFrame frame =
          VideoFrame.newBuilder()
              .setStreamId("cam-x")
              .setSequence(0)
              .setTimestamp(Instant.now())
              .setWidth(2)
              .setHeight(2)
              .setJpeg(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}))
              .build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      IllegalStateException refused = null;
      while (refused == null && System.nanoTime() < deadline) {
        try {
          events.frame(frame);
          Thread.sleep(50);
        } catch (IllegalStateException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "the gateway stops publishing once the broker refuses it");
      assertInstanceOf(TopicAuthorizationException.class, refused.getCause());
      assertTrue(refused.getMessage().contains("as dashboard"), refused.getMessage());
      assertTrue(refused.getMessage().contains("ACLs"), refused.getMessage());
    }
  }

  @Test
  void clientsWithoutTheRightCredentialAreRefused() throws Exception {
    // anonymous: plaintext to the SASL_SSL listener gets no answer, only a closed connection
    Properties anonymous = new Properties();
    anonymous.put("bootstrap.servers", kafka.bootstrapServers());
    anonymous.put("default.api.timeout.ms", 5000);
    anonymous.put("request.timeout.ms", 4000);
    try (Admin admin = Admin.create(anonymous)) {
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
      assertFalse(e.getCause() instanceof SaslAuthenticationException);
    }
    // a wrong password fails at once, saying so
    Path wrong = dir.resolve("wrong.properties");
    Files.writeString(
        wrong,
        Files.readString(kafka.clientConfig("gateway"))
            .replace(password("gateway"), "not-the-password"));
    Map<String, Object> config =
        KafkaConnection.load(null, wrong).config(Map.of("default.api.timeout.ms", 30_000));
    try (Admin admin = Admin.create(config)) {
      long t0 = System.nanoTime();
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("invalid credentials"), e.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(25), "before the timeout");
    }
    // a client that does not trust the cluster's CA (the JDK's own trust store) stops at TLS
    Map<String, Object> untrusting = new java.util.HashMap<>(as("gateway").config(Map.of()));
    untrusting.remove("ssl.truststore.type");
    untrusting.remove("ssl.truststore.location");
    untrusting.put("default.api.timeout.ms", 30_000);
    try (Admin admin = Admin.create(untrusting)) {
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
      assertInstanceOf(SslAuthenticationException.class, e.getCause(), e.toString());
    }
  }

  @Test
  void aRotatedPasswordShutsTheOldOneOut() throws Exception {
    KafkaConnection before = as("dashboard");
    kafka.rotatePassword("dashboard");
    KafkaConnection after = as("dashboard");
    assertFalse(before.equals(after), "a new password in the file");
    try (Admin admin = Admin.create(before.config(Map.of("default.api.timeout.ms", 30_000)))) {
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
      assertInstanceOf(SaslAuthenticationException.class, e.getCause());
    }
    try (Admin admin = Admin.create(after.config(Map.of()))) {
      assertTrue(admin.listTopics().names().get().contains(TOPICS.localizations().name()));
    }
  }

  @Test
  void clientConfigsAreReadableByTheirOwnerAlone() throws Exception {
    for (String user : List.of("admin", "gateway", "job", "alerts", "dashboard")) {
      assertEquals(
          java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(kafka.clientConfig(user)),
          user);
      assertEquals(
          kafka.bootstrapServers() + " (SASL_SSL, SCRAM-SHA-512 as " + user + ")",
          as(user).toString());
    }
    assertTrue(
        Files.readString(kafka.librdkafkaConfig("gateway")).contains("sasl.username=gateway"));
  }

  private static String password(String user) throws Exception {
    String jaas = as(user).settings().get("sasl.jaas.config");
    return jaas.replaceFirst("(?s).*password=\"([^\"]*)\".*", "$1");
  }

  private static KafkaProducer<byte[], byte[]> producer(String user) {
    return new KafkaProducer<>(
        as(user)
            .config(
                Map.of(
                    "max.block.ms",
                    20_000,
                    "delivery.timeout.ms",
                    30_000,
                    "request.timeout.ms",
                    10_000)),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String user) {
    return new KafkaConsumer<>(
        as(user).config(Map.of()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
