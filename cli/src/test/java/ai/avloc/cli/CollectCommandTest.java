package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.ingest.Gateway;
import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.Topics;
import ai.avloc.simulator.Scene;
import ai.avloc.testsupport.EmbeddedKafka;
import ai.avloc.training.data.AudioVisualDataset;
import ai.avloc.training.data.AudioVisualSecond;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.data.TfRecords;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * collect over a real broker: an array camera archived for 3 s (a broadband source at azimuth 15°,
 * elevation 5° for 2 s, then silence) becomes a dataset that {@link AudioVisualDataset} reads: 36
 * windows in three 1 s blocks, one per split, 36x48x12 targets whose energy peaks at the source,
 * and a card that counts the silent second as noise only.
 */
class CollectCommandTest {
  static final String PREFIX = "co.";
  static final Topics TOPICS = Topics.withPrefix(PREFIX);
  static final double AZIMUTH = 15;
  static final double ELEVATION = 5;

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Instant start;
  static Scene scene;

  @BeforeAll
  static void archive() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        2, TOPICS.frames().name(), TOPICS.audio().name(), TOPICS.arrayAudio().name());
    // white noise for 2 s, then 1 s of silence: the last second holds sensor noise only
    float[] sound = new float[3 * 12288];
    Random random = new Random(5);
    for (int i = 0; i < 2 * 12288; i++) {
      sound[i] = (float) (random.nextGaussian() * 0.2);
    }
    AudioFiles.writeFloat32(
        dir.resolve("burst.wav"), new MultichannelAudio(new float[][] {sound}, 12288));
    scene =
        Scene.parse(
            """
            {"sampleRate": 12288, "duration": 3, "seed": 2, "array": "vogel64",
             "sensorNoise": {"snrDb": 40},
             "sources": [{"name": "machine",
               "signal": {"type": "wav", "path": "burst.wav", "gain": 1},
               "direction": {"azimuth": %s, "elevation": %s}, "distance": 6}]}
            """
                .formatted(AZIMUTH, ELEVATION),
            dir);
    start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    publish(
        TOPICS,
        arrayCamera(start),
        // an ordinary camera beside it with a wider lens: the same sound, another view
        new SceneCamera(
            scene, "cam-mono", start, null, SceneCamera.Options.defaults().withFov(90, 70)));
    // a camera that starts only after the array's 3 s, and one whose audio is at 16 kHz
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int k = 0; k < 12; k++) {
        publishAudio(producer, "cam-late", start.plusSeconds(3), k, 12288);
        publishAudio(producer, "cam-16k", start, k, 16000);
      }
      producer.flush();
    }
  }

  /** The scene's array camera, its event time starting at {@code from}. */
  static SceneCamera arrayCamera(Instant from) {
    return new SceneCamera(
        scene, "cam-array", from, null, SceneCamera.Options.defaults().withArray("vogel64"));
  }

  /** Publishes the cameras to {@code topics} as fast as they render, as the gateway's max pace. */
  static void publish(Topics topics, SceneCamera... cameras) throws Exception {
    try (KafkaCameraEvents events = new KafkaCameraEvents(kafka.bootstrapServers(), topics);
        Gateway gateway = new Gateway(List.of(cameras), events, Gateway.Pace.MAX)) {
      gateway.run();
    }
  }

  static void publishAudio(
      KafkaProducer<String, byte[]> producer, String stream, Instant from, int k, int rate) {
    int samples = rate / 12;
    AudioChunk chunk =
        AudioChunk.newBuilder()
            .setStreamId(stream)
            .setSequence(k)
            .setTimestamp(from.plus(k * 1_000_000L / 12, ChronoUnit.MICROS))
            .setSampleRate(rate)
            .setPcm16(ByteBuffer.wrap(new byte[2 * samples]))
            .build();
    String topic = TOPICS.audio().name();
    producer.send(
        new ProducerRecord<>(
            topic,
            null,
            chunk.getTimestamp().toEpochMilli(),
            stream,
            TOPICS.audio().values().serialize(topic, chunk)));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  static CliRun sameCamera;

  /** The array camera collected on its own, once for the tests that read it. */
  static synchronized CliRun sameCamera() {
    if (sameCamera == null) {
      sameCamera =
          avloc(
              "--array-stream",
              "cam-array",
              "--same-camera",
              "--from",
              start.toString(),
              "--to",
              start.plusSeconds(3).toString(),
              "--out",
              dir.resolve("site").toString(),
              "--split",
              "34/33/33",
              "--block",
              "1s");
    }
    return sameCamera;
  }

  @Test
  void writesTheArrayCamerasWindowsSplitByBlocksWithTargetsPeakingAtTheSource() throws Exception {
    Path out = dir.resolve("site");
    CliRun run = sameCamera();
    assertEquals(0, run.code, run.err);

    AudioVisualDataset dataset = AudioVisualDataset.open(out);
    List<FrameSample> frames = new java.util.ArrayList<>();
    for (AudioVisualDataset.Split split : AudioVisualDataset.Split.values()) {
      List<FrameSample> part =
          dataset.load(split, Integer.MAX_VALUE, 1, AudioVisualDataset.Progress.NONE);
      // one 1 s block per split, in time order: training, validation, testing
      assertEquals(12, part.size(), split + " windows");
      assertTrue(
          part.stream().allMatch(f -> f.location() == split.ordinal()),
          split + " holds block " + split.ordinal());
      frames.addAll(part);
    }
    assertEquals(36, frames.size(), "12 windows a second for 3 s");

    LookGrid grid = LookGrid.cameraFov(65, 50, ModelShapes.ROWS, ModelShapes.COLS);
    int truth = grid.nearestIndex(scene.sources().get(0).directionAt(0));
    for (FrameSample f : frames) {
      assertEquals(36 * 48 * 12, f.target().length);
      if (f.location() < 2) { // the source sounds in the first two seconds
        float[] energy = EnergyMap.of(f.target());
        int peak = 0;
        for (int i = 1; i < energy.length; i++) {
          if (energy[i] > energy[peak]) {
            peak = i;
          }
        }
        double error = Math.hypot(peak / 48 - truth / 48, peak % 48 - truth % 48);
        assertTrue(error <= 2, "window " + f.entry() + " of block " + f.location() + ": " + error);
        assertEquals(0, f.classId(), "a second with a source");
      } else {
        assertEquals(1, f.classId(), "the silent second is noise only");
      }
    }

    JsonNode card = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
    assertEquals(3, card.get("seconds").asLong());
    assertEquals(36, card.get("windows").asLong());
    assertEquals(3 / 3600.0, card.get("hours").asDouble(), 1e-4);
    assertEquals("cam-array", card.get("source").get("array_stream").asText());
    assertEquals(1, card.get("splits").get("testing").get("blocks").asInt());
    assertEquals(12, card.get("splits").get("training").get("windows").asInt());
    // the 24 windows of the burst and the first silent one, which the burst's last 17 ms (6 m at
    // 343 m/s) still reach
    assertEquals(25, card.get("sources").get("windows_with_source").asInt());
    assertEquals(11, card.get("sources").get("noise_only_windows").asInt());
    assertEquals(11 / 36.0, card.get("sources").get("noise_only_share").asDouble(), 1e-4);
    assertEquals("vogel64", card.get("array").get("name").asText());
    assertTrue(run.out.contains("36 windows"), run.out);
  }

  @Test
  void anArchivePublishedLongAfterItsEventTimeIsReadWithAWiderArrivalSlack() throws Exception {
    // the gateway's own topics are stamped on arrival: a recording published at full speed
    // arrives minutes from its event times
    String prefix = "late.";
    Topics late = Topics.withPrefix(prefix);
    KafkaCameraEvents.createMissingTopics(kafka.bootstrapServers(), late);
    Instant then = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(150);
    publish(late, arrayCamera(then));
    String[] range = {
      "--topic-prefix",
      prefix,
      "--array-stream",
      "cam-array",
      "--same-camera",
      "--from",
      then.toString(),
      "--to",
      then.plusSeconds(3).toString()
    };
    CliRun strict = avloc(concat(range, "--out", dir.resolve("late-strict").toString()));
    assertEquals(2, strict.code, strict.out);
    assertTrue(
        strict.err.contains("older than the archive's earliest retained record"), strict.err);
    CliRun wide =
        avloc(
            concat(
                range, "--arrival-slack", "5m", "--out", dir.resolve("late-arrival").toString()));
    assertEquals(0, wide.code, wide.err);
    assertTrue(wide.out.contains("36 windows"), wide.out);
  }

  static String[] concat(String[] head, String... tail) {
    String[] all = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  @Test
  void aMonoCameraBesideTheArrayGivesItsOwnFramesAndTheSameSoundSampleForSample() throws Exception {
    assertEquals(0, sameCamera().code, sameCamera().err);
    Path out = dir.resolve("mono");
    CliRun run =
        avloc(
            "--array-stream",
            "cam-array",
            "--mono-stream",
            "cam-mono",
            "--from",
            start.toString(),
            "--to",
            start.plusSeconds(3).toString(),
            "--out",
            out.toString(),
            "--split",
            "34/33/33",
            "--block",
            "1s");
    assertEquals(0, run.code, run.err);
    JsonNode card = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
    assertEquals("cam-mono", card.get("source").get("input_stream").asText());
    assertEquals(36, card.get("windows").asLong());
    List<String> files = Files.readAllLines(out.resolve("lists/training.txt"));
    files.addAll(Files.readAllLines(out.resolve("lists/validation.txt")));
    files.addAll(Files.readAllLines(out.resolve("lists/testing.txt")));
    assertEquals(3, files.size());
    for (String file : files) {
      AudioVisualSecond mono = second(out.resolve(file));
      AudioVisualSecond array = second(dir.resolve("site").resolve(file));
      // the mono camera hears microphone 0 of the same array: the reference microphone's samples,
      // rounded to PCM16 once by the gateway and once by collect
      int worst = 0;
      for (int i = 0; i < mono.audio().length; i++) {
        worst = Math.max(worst, Math.abs(mono.audio()[i] - array.audio()[i]));
      }
      assertTrue(worst <= 1, file + ": audio differs by " + worst);
      assertArrayEquals(array.acousticImages(), mono.acousticImages(), file);
      assertFalse(Arrays.equals(array.frames(), mono.frames()), file + ": the mono camera's view");
    }
  }

  static AudioVisualSecond second(Path file) throws Exception {
    return AudioVisualSecond.parse(TfRecords.read(file).get(0));
  }

  @Test
  void aStreamMissingFromTheRangeIsRefusedByName() {
    Path out = dir.resolve("none");
    CliRun run =
        avloc(
            "--array-stream",
            "cam-array",
            "--mono-stream",
            "cam-elsewhere",
            "--from",
            start.toString(),
            "--to",
            start.plusSeconds(3).toString(),
            "--out",
            out.toString());
    assertEquals(2, run.code, run.err);
    assertTrue(run.err.contains("stream cam-elsewhere has no record between " + start), run.err);
    assertTrue(Files.notExists(out.resolve("dataset.json")));
  }

  @Test
  void aMonoCameraGivenAsTheArrayIsRefused() {
    CliRun run =
        avloc(
            "--array-stream",
            "cam-mono",
            "--same-camera",
            "--from",
            start.toString(),
            "--to",
            start.plusSeconds(3).toString(),
            "--out",
            dir.resolve("mono-as-array").toString());
    assertEquals(2, run.code, run.err);
    assertTrue(
        run.err.contains(
            "stream cam-mono has no array audio between "
                + start
                + " and "
                + start.plusSeconds(3)
                + ": is it an array camera?"),
        run.err);
  }

  @Test
  void aRangeTooShortForItsSplitIsRefusedBeforeReading() {
    Path out = dir.resolve("too-short");
    CliRun run =
        avloc(
            "--array-stream",
            "cam-array",
            "--same-camera",
            "--from",
            start.toString(),
            "--to",
            start.plusSeconds(3).toString(),
            "--block",
            "1s",
            "--out",
            out.toString());
    assertEquals(2, run.code, run.err);
    assertTrue(
        run.err.contains(
            "3 s in blocks of 1 s is 3 block(s), and validation gets none of them at --split"
                + " 80/10/10: give a longer range or a shorter --block"),
        run.err);
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void camerasThatNeverOverlapAreRefusedWithTheirSpans() {
    CliRun run =
        avloc(
            "--array-stream",
            "cam-array",
            "--mono-stream",
            "cam-late",
            "--from",
            start.toString(),
            "--to",
            start.plusSeconds(4).toString(),
            "--out",
            dir.resolve("late").toString());
    assertEquals(2, run.code, run.err);
    assertTrue(
        run.err.contains(
            "streams cam-array (array audio "
                + start
                + " to "
                + start.plusSeconds(3)
                + ") and cam-late (audio "
                + start.plusSeconds(3)
                + " to "
                + start.plusSeconds(4)
                + ")"),
        run.err);
    assertTrue(run.err.contains("the cameras' records do not overlap"), run.err);
  }

  @Test
  void audioAtAnotherSampleRateIsRefusedNamingTheStream() {
    CliRun run =
        avloc(
            "--array-stream",
            "cam-array",
            "--mono-stream",
            "cam-16k",
            "--from",
            start.toString(),
            "--to",
            start.plusSeconds(1).toString(),
            "--out",
            dir.resolve("rate").toString());
    assertEquals(2, run.code, run.err);
    assertTrue(
        run.err.contains(
            "stream cam-16k's audio is at 16000 Hz in "
                + start
                + " to "
                + start.plusSeconds(1)
                + "; collect needs 12288 Hz"),
        run.err);
  }

  static CliRun avloc(String... args) {
    List<String> all =
        new java.util.ArrayList<>(List.of("collect", "--bootstrap", kafka.bootstrapServers()));
    if (!List.of(args).contains("--topic-prefix")) {
      all.addAll(List.of("--topic-prefix", PREFIX));
    }
    if (!List.of(args).contains("--block")) {
      // the archive here is seconds long: blocks of a second, all of them training
      all.addAll(List.of("--block", "1s", "--split", "100/0/0"));
    }
    return CliRun.of(all, args);
  }
}
