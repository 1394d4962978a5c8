package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.DeadLetter;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.Topics;
import ai.avloc.simulator.Simulation;
import ai.avloc.testsupport.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a real broker and a Flink MiniCluster: a mono camera through the contract model
 * (DJL, TensorFlow), an array camera through beamforming, and bad input that must end as dead
 * letters while every good window is still published exactly once.
 */
class LocalizationJobTest {
  static final Topics TOPICS = Topics.withPrefix("job.");
  // recent: brokers refuse record timestamps more than an hour ahead of their clock
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
  static final int MONO_SECONDS = 10;
  static final int ARRAY_SECONDS = 3;

  static EmbeddedKafka kafka;
  @TempDir static Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = JobTestKit.startKafka(TOPICS);
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  static Instant at(long micros) {
    return T0.plus(micros, ChronoUnit.MICROS);
  }

  @Test
  void monoAndArrayCamerasYieldOneLocalizationPerWindowAndBadInputBecomesDeadLetters()
      throws Exception {
    Path model = JobTestKit.brightSpotModel(dir);
    Simulation simulation = JobTestKit.pump(ARRAY_SECONDS);

    byte[] square = JobTestKit.frameWithBrightSquare(60, 150);
    Random random = new Random(5);
    try (var producer =
        JobTestKit.producer(kafka, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)) {
      String audio = TOPICS.audio().name();
      // interleaved by event time, as gateways publish: frame k and chunk k share window k
      for (int k = 0; k < 12 * MONO_SECONDS; k++) {
        byte[] jpeg = square;
        if (k == 40) { // markers intact, body garbage: passes validation, fails decoding
          jpeg = square.clone();
          Arrays.fill(jpeg, 20, jpeg.length - 2, (byte) 0x5A);
        }
        JobTestKit.sendMonoWindow(producer, TOPICS, "cam-mono", k, T0, jpeg, random);
        if (k < 12 * ARRAY_SECONDS) {
          JobTestKit.sendArrayWindow(producer, TOPICS, "cam-array", k, T0, simulation);
        }
      }
      // bad input: garbage, an unknown schema fingerprint, a wrong sample rate (late events: see
      // LocalizationFailoverTest, where the job runs unbounded and lateness is deterministic)
      producer.send(new ProducerRecord<>(audio, "cam-mono", "not avro".getBytes()));
      AudioChunk wrongRate =
          AudioChunk.newBuilder()
              .setStreamId("cam-mono")
              .setSequence(999)
              .setTimestamp(at(JobTestKit.sampleMicros(1024L * 119)))
              .setSampleRate(48_000)
              .setPcm16(ByteBuffer.wrap(new byte[2048]))
              .build();
      byte[] unknown = TOPICS.audio().values().serialize(audio, wrongRate);
      unknown[5] ^= 0x77;
      producer.send(new ProducerRecord<>(audio, "cam-mono", unknown));
      JobTestKit.send(producer, TOPICS.audio(), "cam-mono", wrongRate);
    }

    JobTestKit.runBounded(kafka, "job.", model, "localization-job-test", "--max-batch", "16");

    Map<String, List<Localization>> byStream = JobTestKit.localizationsByStream(kafka, TOPICS);

    List<Localization> mono = byStream.get("cam-mono");
    assertEquals(12 * MONO_SECONDS, mono.size(), "one localization per mono window");
    assertEquals(12 * MONO_SECONDS, JobTestKit.distinctWindows(mono), "no window twice");
    long firstWindow = JobTestKit.windowOf(T0);
    for (Localization l : mono) {
      long k = l.getWindow() - firstWindow;
      assertTrue(k >= 0 && k < 12 * MONO_SECONDS, "window " + k);
      assertEquals(LocalizationMode.MONO, l.getMode());
      assertEquals("bright-spot@1", l.getModelId().toString());
      if (k == 40) {
        assertTrue(!l.getInferred() && l.getPeaks().isEmpty(), "undecodable frame: no map");
        continue;
      }
      assertTrue(l.getInferred(), "window " + k + " inferred");
      assertEquals(1f, l.getAudioCoverage(), 0f);
      assertTrue(!l.getSilent(), "window " + k + " sounds");
      // the 40 px square centred at (60, 150) px of 298 x 224 covers cells 20.9-27.3 (rows) x
      // 6.4-12.9 (columns) of 36 x 48; the bright-spot map saturates at 1/24 over it, so the
      // peak is one of its cells, not always the centre one
      var peak = l.getPeaks().get(0);
      assertEquals(24.1, peak.getRow(), 3.2, "window " + k);
      assertEquals(9.7, peak.getCol(), 3.2, "window " + k);
    }

    List<Localization> array = byStream.get("cam-array");
    assertEquals(12 * ARRAY_SECONDS, array.size(), "one localization per array window");
    assertEquals(12 * ARRAY_SECONDS, JobTestKit.distinctWindows(array));
    LookGrid grid = LookGrid.cameraFov(65, 50, 36, 48);
    int truth = grid.nearestIndex(simulation.trueDirection(0, 1.0));
    double[] errors =
        array.stream()
            .mapToDouble(
                l -> {
                  assertEquals(LocalizationMode.ARRAY, l.getMode());
                  var p = l.getPeaks().get(0);
                  return Math.hypot(p.getRow() - truth / 48, p.getCol() - truth % 48);
                })
            .sorted()
            .toArray();
    assertTrue(errors[errors.length / 2] <= 1, "median error " + errors[errors.length / 2]);

    List<String> errorsSeen =
        JobTestKit.readAll(kafka, TOPICS.deadLetters().name(), DeadLetter.class).stream()
            .map(d -> d.getStage() + ": " + d.getError())
            .toList();
    String all = String.join("\n", errorsSeen);
    assertEquals(4, errorsSeen.size(), all);
    assertTrue(all.contains("not an Avro single-object record"), all);
    assertTrue(all.contains("unknown schema fingerprint"), all);
    assertTrue(all.contains("sample rate 48000 Hz"), all);
    assertTrue(all.contains("decode-frame: frame 40 of cam-mono"), all);
  }
}
