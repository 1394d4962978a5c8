package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.audio.AudioFiles;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.simulator.SoundSource;
import ai.avloc.simulator.SourceSignal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded sounds in synthetic scenes: a 1500 Hz tone at 16 kHz, 0.8 s long (shorter than the
 * scene, so it loops), listed as a drone, and a two-scene dataset in which one scene's sounding
 * drone plays it and the other scene plays no recording.
 */
class RecordedSoundsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final double TONE_HZ = 1500;
  static final double TONE_RATE = 16_000;

  @TempDir static Path dir;
  static Path soundsDir;
  static RecordedSounds sounds;
  static SyntheticDataset.Config config;
  static int recordedScene;
  static Path out;

  @BeforeAll
  static void generate() throws Exception {
    soundsDir = dir.resolve("sounds");
    Files.createDirectories(soundsDir);
    writeTone(soundsDir.resolve("tone.wav"));
    Files.writeString(
        soundsDir.resolve(RecordedSounds.MANIFEST),
        """
        {"sounds": [
          {"file": "tone.wav", "class": "drone", "licence": "CC0-1.0",
           "source": "written by the test", "author": "avloc"}
        ]}
        """);
    sounds = RecordedSounds.load(soundsDir);
    // the first seed whose two scenes are: one with a sounding drone playing the tone first, one
    // playing no recording
    for (long seed = 1; config == null; seed++) {
      SyntheticDataset.Config c =
          SyntheticDataset.Config.defaults(2, seed)
              .withSecondsPerScene(1)
              .withThreads(2)
              .withFractions(0, 0, 0);
      SyntheticScene a = SyntheticScene.compose(c, 0, null, sounds);
      SyntheticScene b = SyntheticScene.compose(c, 1, null, sounds);
      if (playsFirst(a) && b.recordings().isEmpty()) {
        config = c;
        recordedScene = 0;
      } else if (playsFirst(b) && a.recordings().isEmpty()) {
        config = c;
        recordedScene = 1;
      }
    }
    out = dir.resolve("synth");
    new SyntheticDataset(config, null, sounds).generate(out, null);
  }

  static boolean playsFirst(SyntheticScene s) {
    return !s.noiseOnly() && s.objects().get(0).recording() != null;
  }

  /** 0.8 s of a 1500 Hz tone at half full scale: a whole number of cycles, so it loops cleanly. */
  static void writeTone(Path file) throws Exception {
    float[] x = new float[(int) (0.8 * TONE_RATE)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * TONE_HZ * i / TONE_RATE));
    }
    AudioFiles.writePcm16(file, new MultichannelAudio(new float[][] {x}, TONE_RATE));
  }

  @Test
  void theCardAndReadmeListTheRecordingWithItsClassAndLicence() throws Exception {
    JsonNode card = JSON.readTree(out.resolve("dataset.json").toFile());
    JsonNode node = card.get("sounds");
    assertEquals("recordings", node.get("kind").asText());
    assertEquals(soundsDir.toAbsolutePath().toString(), node.get("origin").asText());
    assertEquals(1, node.get("recordings_available").asInt());
    assertEquals(0.5, node.get("replace_probability").asDouble());
    assertEquals(1, node.get("sources_playing_a_recording").asInt());
    JsonNode tone = node.get("recordings").get(0);
    assertEquals("tone.wav", tone.get("file").asText());
    assertEquals("drone", tone.get("class").asText());
    assertEquals("CC0-1.0", tone.get("licence").asText());
    assertEquals("written by the test", tone.get("source").asText());
    assertEquals("avloc", tone.get("author").asText());
    assertEquals(16_000, tone.get("sample_rate_hz").asInt());
    assertEquals(0.8, tone.get("seconds").asDouble(), 1e-9);
    assertEquals(1, tone.get("scenes").asInt());
    String readme = Files.readString(out.resolve("README.md"));
    assertTrue(
        readme.contains("| tone.wav | drone | CC0-1.0 | written by the test | avloc | 1 |"),
        readme);
  }

  @Test
  void theRecordedScenesMonoAudioCarriesTheToneWhereTheSignatureWouldNot() throws Exception {
    double[] recorded = monoAudio(recordedScene);
    assertEquals(TONE_HZ, peakHz(recorded), 1.5, "the spectrum peaks at the tone");
    double share = bandShare(recorded, TONE_HZ, 10);
    assertTrue(share > 0.5, "the tone holds most of the mono audio's power: " + share);
    double other = bandShare(monoAudio(1 - recordedScene), TONE_HZ, 10);
    assertTrue(other < 0.02, "a scene without a recording has no tone: " + other);

    // the synthetic drone signature this source would have played has no such line
    SyntheticScene plain = SyntheticScene.compose(config, recordedScene);
    assertEquals(SyntheticClass.DRONE, plain.objects().get(0).type());
    double[] signature = sampled(plain.scene().sources().get(0).signal(), 0, 1);
    double signatureShare = bandShare(signature, TONE_HZ, 10);
    assertTrue(signatureShare < 0.02, "signature's power near 1500 Hz: " + signatureShare);
  }

  @Test
  void aRecordingReplacesOnlyItsSourcesSignalAtTheSignaturesRms() {
    for (int i = 0; i < 2; i++) {
      SyntheticScene plain = SyntheticScene.compose(config, i);
      SyntheticScene mixed = SyntheticScene.compose(config, i, null, sounds);
      assertEquals(plain.label(), mixed.label());
      assertEquals(plain.diffuseSnrDb(), mixed.diffuseSnrDb());
      assertEquals(plain.scene().seed(), mixed.scene().seed());
      assertEquals(plain.scene().diffuseNoise(), mixed.scene().diffuseNoise());
      assertEquals(plain.scene().sensorNoise(), mixed.scene().sensorNoise());
      assertArrayEquals(
          PhotoBackdropsTest.pixels(plain.backdrop()), PhotoBackdropsTest.pixels(mixed.backdrop()));
      assertEquals(plain.objects().size(), mixed.objects().size());
      for (int o = 0; o < plain.objects().size(); o++) {
        SyntheticScene.Placed p = plain.objects().get(o);
        SyntheticScene.Placed m = mixed.objects().get(o);
        assertEquals(p.type(), m.type());
        assertEquals(p.role(), m.role());
        assertEquals(p.look(), m.look());
        assertEquals(p.source(), m.source());
        assertNull(p.recording());
        if (p.source() < 0) {
          continue;
        }
        SoundSource ps = plain.scene().sources().get(p.source());
        SoundSource ms = mixed.scene().sources().get(m.source());
        assertEquals(ps.trajectory(), ms.trajectory());
        assertEquals(ps.label(), ms.label());
        if (m.recording() == null) {
          assertSame(ps.signal().getClass(), ms.signal().getClass());
          continue;
        }
        assertEquals("tone.wav", m.recording().file());
        double synthetic = rms(periodOf((SourceSignal.Sampled) ps.signal()));
        double played = rms(sampled(ms.signal(), 0, config.secondsPerScene()));
        assertEquals(synthetic, played, 0.01 * synthetic, "scene " + i + " object " + o);
      }
    }
  }

  @Test
  void aboutHalfTheSourcesOfClassesWithRecordingsPlayOneOfTheirClassAndTheSeedDecidesWhich()
      throws Exception {
    Path every = dir.resolve("every-class");
    Files.createDirectories(every);
    StringBuilder manifest = new StringBuilder("{\"sounds\": [");
    for (SyntheticClass c : SyntheticClass.values()) {
      writeTone(every.resolve(c.label() + ".wav"));
      manifest
          .append(c.ordinal() == 0 ? "" : ",")
          .append("{\"file\": \"")
          .append(c.label())
          .append(".wav\", \"class\": \"")
          .append(c.label().toUpperCase(java.util.Locale.ROOT))
          .append("\", \"licence\": \"CC0-1.0\"}");
    }
    Files.writeString(every.resolve(RecordedSounds.MANIFEST), manifest + "]}");
    RecordedSounds all = RecordedSounds.load(every);
    assertEquals(10, all.recordings().size());
    SyntheticDataset.Config many = SyntheticDataset.Config.defaults(40, 3).withSecondsPerScene(1);
    int sources = 0;
    int played = 0;
    for (int i = 0; i < 40; i++) {
      SyntheticScene s = SyntheticScene.compose(many, i, null, all);
      if (i < 5) {
        SyntheticScene again = SyntheticScene.compose(many, i, null, all);
        assertEquals(s.recordings(), again.recordings(), "scene " + i);
      }
      for (int o = 0; o < s.objects().size(); o++) {
        SyntheticScene.Placed p = s.objects().get(o);
        if (p.source() < 0) {
          assertNull(p.recording());
          continue;
        }
        sources++;
        if (p.recording() != null) {
          played++;
          assertEquals(p.type(), p.recording().type());
          assertEquals(p.type().label() + ".wav", p.recording().file());
        }
      }
    }
    double share = (double) played / sources;
    assertTrue(sources >= 40, "sources " + sources);
    assertTrue(
        share > 0.25 && share < 0.75, played + " of " + sources + " sources play a recording");
  }

  @Test
  void anExcerptStartsAnywhereLoopsAndHasTheRequestedRms() {
    RecordedSounds.Recording tone = sounds.recordings().get(0);
    assertEquals(SyntheticClass.DRONE, tone.type());
    RecordedSounds.Excerpt excerpt = sounds.excerpt(SyntheticClass.DRONE, 2, 0.3, new Random(5));
    assertSame(tone, excerpt.recording());
    assertTrue(excerpt.offsetSeconds() >= 0 && excerpt.offsetSeconds() < 0.8);
    double[] x = sampled(excerpt.signal(), 0, 2);
    assertEquals(0.3, rms(x), 0.003);
    // the tone's phase at t is that of the recording at offset + t, across the loop point too
    double phase = 2 * Math.PI * TONE_HZ * excerpt.offsetSeconds();
    double amplitude = 0.3 * Math.sqrt(2);
    for (int i = 0; i < x.length; i += 97) {
      double t = i / SyntheticDataset.SAMPLE_RATE;
      assertEquals(
          amplitude * Math.sin(2 * Math.PI * TONE_HZ * t + phase),
          x[i],
          0.01 * amplitude,
          "t " + t);
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> sounds.excerpt(SyntheticClass.CAR, 1, 0.3, new Random(1)));
    assertTrue(e.getMessage().contains("no recording of class car"), e.getMessage());
  }

  @Test
  void aRecordingWithoutALicenceOrAKnownClassOrReadableAudioIsRefusedByName() throws Exception {
    Path notADir = dir.resolve("file.txt");
    Files.writeString(notADir, "x");
    assertMessage(notADir, "is not a directory");

    Path empty = folder("empty", "{\"sounds\": []}");
    Files.delete(empty.resolve("tone.wav"));
    assertMessage(empty, "holds no recording (.wav)");

    Path noManifest = folder("no-manifest", null);
    assertMessage(noManifest, "has no sounds.json");

    assertMessage(
        folder("no-licence", "{\"sounds\": [{\"file\": \"tone.wav\", \"class\": \"drone\"}]}"),
        "tone.wav has no licence in sounds.json");
    assertMessage(folder("unlisted", "{\"sounds\": []}"), "tone.wav has no licence");
    assertMessage(
        folder(
            "unknown-class",
            "{\"sounds\": [{\"file\": \"tone.wav\", \"class\": \"helicopter\","
                + " \"licence\": \"CC0-1.0\"}]}"),
        "tone.wav: class 'helicopter' in sounds.json is not one of synth's classes; give one of"
            + " drone, car, bird");
    assertMessage(
        folder("no-class", "{\"sounds\": [{\"file\": \"tone.wav\", \"licence\": \"CC0-1.0\"}]}"),
        "tone.wav has no \"class\" in sounds.json");
    assertMessage(
        folder(
            "missing",
            "{\"sounds\": [{\"file\": \"tone.wav\", \"class\": \"drone\", \"licence\": \"x\"},"
                + " {\"file\": \"gone.wav\", \"class\": \"drone\", \"licence\": \"x\"}]}"),
        "lists gone.wav, which is not a recording");

    Path broken =
        folder(
            "broken",
            "{\"sounds\": [{\"file\": \"tone.wav\", \"class\": \"drone\", \"licence\": \"x\"}]}");
    Files.writeString(broken.resolve("tone.wav"), "not a wav");
    assertMessage(broken, "tone.wav cannot be read");

    Path silent =
        folder(
            "silent",
            "{\"sounds\": [{\"file\": \"tone.wav\", \"class\": \"drone\", \"licence\": \"x\"}]}");
    AudioFiles.writePcm16(
        silent.resolve("tone.wav"), new MultichannelAudio(new float[][] {new float[8000]}, 16_000));
    assertMessage(silent, "tone.wav is silent");
  }

  /** A folder with the tone and, unless null, a manifest. */
  static Path folder(String name, String manifest) throws Exception {
    Path f = dir.resolve("refused").resolve(name);
    Files.createDirectories(f);
    writeTone(f.resolve("tone.wav"));
    if (manifest != null) {
      Files.writeString(f.resolve(RecordedSounds.MANIFEST), manifest);
    }
    return f;
  }

  static void assertMessage(Path folder, String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RecordedSounds.load(folder));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  /** The scene's mono audio (microphone 0, PCM16 units) over its one second. */
  static double[] monoAudio(int scene) throws Exception {
    List<String> paths;
    try (Stream<String> lines =
        SyntheticDataset.SPLITS.stream()
            .flatMap(
                sp -> {
                  try {
                    return Files.readAllLines(out.resolve("lists").resolve(sp + ".txt")).stream();
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })) {
      paths =
          lines
              .filter(p -> p.contains(String.format("/data_%05d/", scene)))
              .collect(Collectors.toList());
    }
    assertEquals(1, paths.size(), paths.toString());
    byte[] record = TfRecords.read(out.resolve(paths.get(0))).get(0);
    int[] audio = AudioVisualSecond.parse(record).audio();
    assertNotNull(audio);
    double[] x = new double[audio.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = audio[i];
    }
    return x;
  }

  /** A signal at the scene's rate from {@code from} for {@code seconds}. */
  static double[] sampled(SourceSignal signal, double from, double seconds) {
    int n = (int) Math.round(seconds * SyntheticDataset.SAMPLE_RATE);
    double[] times = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = from + i / SyntheticDataset.SAMPLE_RATE;
    }
    double[] out = new double[n];
    signal.valuesAt(times, out, n);
    return out;
  }

  /** One period of a sampled signal at its own grid's points. */
  static double[] periodOf(SourceSignal.Sampled signal) {
    int n = (int) Math.round(signal.periodSeconds() * signal.rate());
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = signal.valueAt(i / signal.rate());
    }
    return out;
  }

  static double rms(double[] x) {
    double e = 0;
    for (double v : x) {
      e += v * v;
    }
    return Math.sqrt(e / x.length);
  }

  /** Power per DFT bin of x (a Hann window keeps a line's power within a few bins). */
  static double[] power(double[] x) {
    int n = x.length;
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = x[i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
    }
    new DoubleFFT_1D(n).realForward(a);
    double[] p = new double[n / 2];
    for (int k = 1; k < n / 2; k++) {
      p[k] = a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1];
    }
    return p;
  }

  static double peakHz(double[] x) {
    double[] p = power(x);
    int best = 1;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best * SyntheticDataset.SAMPLE_RATE / x.length;
  }

  /** The share of x's power within {@code halfWidth} Hz of {@code hz}. */
  static double bandShare(double[] x, double hz, double halfWidth) {
    double[] p = power(x);
    double binHz = SyntheticDataset.SAMPLE_RATE / x.length;
    double in = 0;
    double all = 0;
    for (int k = 1; k < p.length; k++) {
      all += p[k];
      if (Math.abs(k * binHz - hz) <= halfWidth) {
        in += p[k];
      }
    }
    return in / all;
  }
}
