package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SceneStreamTest {
  /** A moving harmonic source and band noise, with both noises relative to them. */
  static final String SCENE =
      """
      {"duration": 1.3, "seed": 7, "array": "vogel64",
       "sensorNoise": {"snrDb": 30}, "diffuseNoise": {"snrDb": 15, "planeWaves": 16},
       "sources": [
         {"signal": {"type": "harmonic", "f0": 200, "harmonics": 6, "amplitude": 0.5},
          "path": [{"t": 0, "azimuth": -20, "elevation": 5, "distance": 4},
                   {"t": 1.3, "azimuth": 25, "elevation": -5, "distance": 5}]},
         {"signal": {"type": "noise", "low": 300, "high": 2500, "amplitude": 0.1},
          "direction": {"azimuth": 10, "elevation": 0}, "distance": 7}
       ]}
      """;

  @Test
  void shouldRenderTheSimulatorsSamplesInAnyBlocks() {
    Scene scene = Scene.parse(SCENE, null);
    float[][] whole = SceneSimulator.render(scene).audio().channels();
    int[] mics = {63, 0, 17};
    SceneStream stream = new SceneStream(scene, mics);
    int n = scene.sampleCount();
    float[][] out = new float[3][n];
    int[] sizes = {1, 1023, 5000, 4096, 777};
    int at = 0;
    for (int k = 0; at < n; k++) {
      at += stream.read(out, at, sizes[k % sizes.length]);
    }
    assertEquals(n, stream.position());
    assertEquals(0, stream.read(out, 0, 10), "nothing past the scene's end");
    for (int c = 0; c < mics.length; c++) {
      assertArrayEquals(whole[mics[c]], out[c], "microphone " + mics[c]);
    }
    stream.rewind();
    float[][] again = new float[3][2000];
    stream.read(again, 0, 2000);
    assertArrayEquals(Arrays.copyOf(whole[0], 2000), again[1], "rewind starts over, noise too");
  }

  @Test
  void shouldRefuseAMicrophoneOutsideTheArray() {
    Scene scene = Scene.parse(SCENE, null);
    assertThrows(IllegalArgumentException.class, () -> new SceneStream(scene, 64));
    assertThrows(IllegalArgumentException.class, () -> new SceneStream(scene));
  }
}
