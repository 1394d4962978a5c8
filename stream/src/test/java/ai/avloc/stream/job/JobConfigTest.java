package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobConfigTest {
  @org.junit.jupiter.api.io.TempDir Path dir;

  @Test
  void theClientConfigBringsBrokersAndSecurityAndNoSecretShowsInTheConfig() throws Exception {
    Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----");
    Path file =
        java.nio.file.Files.writeString(
            dir.resolve("job.properties"),
            "bootstrap.servers=k:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"job\" password=\"pw-123\";\n"
                + "ssl.truststore.type=PEM\nssl.truststore.location="
                + ca
                + "\n");
    JobConfig c = JobConfig.parse(new String[] {"--client-config", file.toString()});
    assertEquals("k:9093", c.bootstrapServers());
    assertEquals("SASL_SSL", c.kafka().securityProtocol());
    assertEquals("job", c.kafka().principal());
    assertTrue(!c.toString().contains("pw-123"), c.toString());
    // a caller that connects already (a replay) gives the connection, not the options
    assertEquals(
        "r:1",
        JobConfig.parse(new String[0], ai.avloc.schemas.KafkaConnection.plaintext("r:1"))
            .bootstrapServers());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            JobConfig.parse(
                new String[] {"--bootstrap", "h:1"},
                ai.avloc.schemas.KafkaConnection.plaintext("r:1")));
  }

  @Test
  void everyOptionIsReadAndDefaultsFillTheRest() {
    JobConfig c =
        JobConfig.parse(
            new String[] {
              "--bootstrap", "h:1",
              "--model", "/m",
              "--checkpoint-dir", "file:///tmp/cp",
              "--array-max-batch", "8",
              "--array-max-wait-ms", "100",
              "--watermark-interval-ms", "10",
              "--fov", "90x60",
              "--band", "300:3000",
              "--bounded", "true",
              "--restart-failures", "5",
              "--restart-interval-s", "60",
              "--restart-delay-s", "2",
              "--from-savepoint", "file:///tmp/sp/savepoint-1"
            });
    assertEquals("h:1", c.bootstrapServers());
    assertEquals("/m", c.modelDir());
    assertEquals("file:///tmp/cp", c.checkpointDir());
    assertEquals(8, c.arrayMaxBatch());
    assertEquals(100, c.arrayMaxWaitMillis());
    assertEquals(10, c.watermarkIntervalMillis());
    assertEquals(90, c.hfovDeg());
    assertEquals(60, c.vfovDeg());
    assertEquals(300, c.lowHz());
    assertEquals(3000, c.highHz());
    assertTrue(c.bounded());
    assertEquals("avloc.", c.topicPrefix());
    assertEquals(Duration.ofMillis(300), c.outOfOrderness());
    assertEquals(32, c.maxBatch());
    assertTrue(c.unalignedCheckpoints());
    assertTrue(c.closeCompleteWindows());
    assertEquals(5, c.restartFailures());
    assertEquals(Duration.ofSeconds(60), c.restartInterval());
    assertEquals(Duration.ofSeconds(2), c.restartDelay());
    assertEquals("file:///tmp/sp/savepoint-1", c.fromSavepoint());
  }

  @Test
  void restartsAreBoundedAndCheckpointsLiveUnderRunsByDefault() {
    JobConfig c = JobConfig.parse(new String[] {"--bootstrap", "h:1"});
    assertEquals(3, c.restartFailures());
    assertEquals(Duration.ofMinutes(5), c.restartInterval());
    assertEquals(Duration.ofSeconds(5), c.restartDelay());
    assertNull(c.fromSavepoint());
    // not under java.io.tmpdir, nor runs/flink, which flink-stop --purge deletes
    assertEquals(
        Path.of(JobConfig.CHECKPOINTS).toAbsolutePath().toUri().toString(), c.checkpointDir());
    assertTrue(c.checkpointDir().endsWith("/runs/checkpoints"), c.checkpointDir());
  }

  @Test
  void configureBoundsRestartsRetainsCheckpointsAndResumes() {
    JobConfig c =
        JobConfig.parse(
            new String[] {
              "--bootstrap", "h:1",
              "--checkpoint-dir", "file:///tmp/cp",
              "--restart-failures", "4",
              "--from-savepoint", "file:///tmp/cp/job/chk-7"
            });
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
    LocalizationJob.configure(env, c);
    ReadableConfig conf = env.getConfiguration();
    assertEquals("failure-rate", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
    assertEquals(
        4,
        conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL));
    assertEquals(
        Duration.ofMinutes(5),
        conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL));
    assertEquals(
        Duration.ofSeconds(5),
        conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY));
    assertEquals("file:///tmp/cp", conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    assertEquals(
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
        env.getCheckpointConfig().getExternalizedCheckpointRetention());
    assertEquals(2000, env.getCheckpointConfig().getCheckpointInterval());
    assertEquals("file:///tmp/cp/job/chk-7", conf.get(StateRecoveryOptions.SAVEPOINT_PATH));

    // a test's own restart strategy stays
    Configuration none = new Configuration();
    none.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment failFast = new StreamExecutionEnvironment(none);
    LocalizationJob.configure(failFast, c);
    assertEquals("none", failFast.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
  }

  @Test
  void refusesUnknownOptionsAndAMissingBroker() {
    var unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--modle", "/m"}));
    assertTrue(unknown.getMessage().contains("unknown option(s) [modle]"), unknown.getMessage());
    var missing =
        assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(new String[] {}));
    assertTrue(missing.getMessage().contains("--bootstrap is required"));
    // the module directory holds no shipped model, so no --model means the array path only
    assertNull(JobConfig.parse(new String[] {"--bootstrap", "h:1"}).modelDir());
    assertNull(JobConfig.parse(new String[] {"--bootstrap", "h:1", "--model", "none"}).modelDir());
    var notNumber =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--max-batch", "ten"}));
    assertTrue(notNumber.getMessage().contains("not a number"), notNumber.getMessage());
    var badFov =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--fov", "65"}));
    assertTrue(badFov.getMessage().contains("--fov takes HxV"), badFov.getMessage());
  }
}
