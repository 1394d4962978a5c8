package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoundSignatureTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static SourceSignal parse(String json, double sampleRate) throws Exception {
    return SourceSignal.fromJson(MAPPER.readTree(json), 5, sampleRate, 3, null, "signal");
  }

  private static double[] samples(SourceSignal s, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = s.valueAt(i / 12288.0);
    }
    return x;
  }

  @Test
  void aSceneFileSoundsLikeTheDatasetsClassForTheSameSeed() throws Exception {
    SourceSignal fromJson =
        parse("{\"type\": \"signature\", \"class\": \"Boat\", \"amplitude\": 0.4}", 12288);
    SourceSignal direct = SoundSignature.of(ObjectShape.BOAT, new Random(5)).signal(3, 0.4, 5);
    double[] a = samples(fromJson, 4096);
    assertArrayEquals(samples(direct, 4096), a);
    double energy = 0;
    for (double v : a) {
      energy += v * v;
    }
    // the RMS is set over the whole period; 1/3 s of a steady boat lies within 30 % of it
    assertEquals(0.4, Math.sqrt(energy / a.length), 0.12);
  }

  @Test
  void theMonoExampleSceneHasASoundingLoudspeakerAndASilentCar() throws Exception {
    Scene scene = Scene.parse(Path.of("../examples/scenes/mono-loudspeaker.json"));
    assertEquals(2, scene.sources().size());
    SoundSource speaker = scene.sources().get(0);
    SoundSource car = scene.sources().get(1);
    assertEquals("loudspeaker", speaker.label());
    assertEquals("car", car.label());
    double speakerEnergy = 0;
    double carEnergy = 0;
    for (int i = 0; i < 12288; i++) {
      double t = i / 12288.0;
      speakerEnergy += Math.pow(speaker.signal().valueAt(t), 2);
      carEnergy += Math.pow(car.signal().valueAt(t), 2);
    }
    assertEquals(0.3, Math.sqrt(speakerEnergy / 12288), 0.1);
    assertEquals(0, carEnergy);
  }

  @Test
  void anUnknownClassOrALowSampleRateIsRefusedWithTheJsonPath() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("{\"type\": \"signature\", \"class\": \"tram\", \"amplitude\": 1}", 12288));
    assertTrue(
        e.getMessage()
            .startsWith("signal.class: no sound signature for class 'tram', known: drone,"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("{\"type\": \"signature\", \"class\": \"dog\", \"amplitude\": 1}", 8000));
    assertTrue(e.getMessage().contains("above this scene's Nyquist 4000 Hz"), e.getMessage());
  }

  @Test
  void aSignaturesPeriodWrapsAfterTheSceneNotAtZero() {
    SourceSignal.Sampled signal =
        SoundSignature.of(ObjectShape.SIREN, new Random(1)).signal(2, 0.3, 1);
    double period = signal.periodSeconds();
    assertTrue(period >= 2 + 2 * SoundSignature.LEAD, "period " + period);
    int n = (int) Math.round(period * SoundSignature.RATE);
    // the last LEAD seconds of the period are the LEAD seconds before 0 (propagation delays reach
    // back there); the seam between the period's end and its start falls after the scene
    assertEquals(0, SoundSignature.timeOf(0, n));
    assertEquals(-1 / SoundSignature.RATE, SoundSignature.timeOf(n - 1, n), 1e-12);
    double seam =
        SoundSignature.timeOf(n - (int) (SoundSignature.LEAD * SoundSignature.RATE) - 1, n);
    assertTrue(seam >= 2 + SoundSignature.LEAD - 1e-3, "seam at " + seam + " s");
  }
}
