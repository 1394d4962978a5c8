package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Localization;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneSimulator;
import ai.avloc.stream.align.ArrayWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@code --array-bin-stride} reaches the array operator: with stride 2 its maps of a drone crossing
 * the view stay within 2 % of the exact maps' peaks (the tolerance {@code BandPowerBinStrideTest}
 * states), publish the same peaks, and say so in their model id.
 */
class ArrayBinStrideTest {
  static final int WINDOWS = 4;

  /** The bench's drone (190 Hz, 16 harmonics) at 20 degrees left, over diffuse noise. */
  static List<ArrayWindow> droneWindows() {
    int n = WindowClock.SAMPLES_PER_WINDOW;
    String json =
        String.format(
            Locale.ROOT,
            "{\"sampleRate\": 12288, \"duration\": %.4f, \"seed\": 7, \"array\": \"dualcam128\","
                + " \"sensorNoise\": {\"snrDb\": 40}, \"diffuseNoise\": {\"snrDb\": 25,"
                + " \"planeWaves\": 64}, \"sources\": [{\"signal\": {\"type\": \"harmonic\","
                + " \"f0\": 190, \"harmonics\": 16, \"amplitude\": 0.5, \"rolloff\": 0.85},"
                + " \"direction\": {\"azimuth\": -20, \"elevation\": 6}, \"distance\": 8}]}",
            (double) WINDOWS * n / WindowClock.SAMPLE_RATE);
    float[][] channels = SceneSimulator.render(Scene.parse(json, null)).audio().channels();
    List<ArrayWindow> windows = new ArrayList<>();
    for (int w = 0; w < WINDOWS; w++) {
      float[] samples = new float[channels.length * n];
      for (int m = 0; m < channels.length; m++) {
        System.arraycopy(channels[m], w * n, samples, m * n, n);
      }
      windows.add(
          new ArrayWindow(
              "cam-1", WindowIsolationTest.W0 + w, "dualcam128", 128, samples, 1.0, 0L));
    }
    return windows;
  }

  static List<Localization> run(int binStride, List<ArrayWindow> windows) throws Exception {
    ArrayBeamforming operator =
        new ArrayBeamforming(65, 50, 500, 5000, 8, 60_000, "t.array-audio", "java", binStride);
    try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
      h.open();
      assertEquals(binStride, operator.binStride());
      for (ArrayWindow w : windows) {
        h.processElement(w, 0);
      }
      h.endInput();
      return h.extractOutputValues();
    }
  }

  @Test
  void strideTwoPublishesTheExactMapsPeaksWithinTolerance() throws Exception {
    List<ArrayWindow> windows = droneWindows();
    List<Localization> exact = run(1, windows);
    List<Localization> coarse = run(2, windows);
    assertEquals(WINDOWS, coarse.size());
    for (int i = 0; i < WINDOWS; i++) {
      Localization e = exact.get(i);
      Localization c = coarse.get(i);
      assertEquals("beamforming:dualcam128:500-5000Hz:fov65x50", e.getModelId().toString());
      assertEquals("beamforming:dualcam128:500-5000Hz:fov65x50:bins/2", c.getModelId().toString());
      float[] em = ArrayImagingChoiceTest.map(e);
      float[] cm = ArrayImagingChoiceTest.map(c);
      float peak = 0;
      for (float v : em) {
        peak = Math.max(peak, v);
      }
      for (int k = 0; k < em.length; k++) {
        assertEquals(em[k], cm[k], 0.02f * peak, "window " + i + ", cell " + k);
      }
      assertEquals(e.getSilent(), c.getSilent());
      assertTrue(!c.getPeaks().isEmpty(), "the drone is heard");
      SourcePeak ep = e.getPeaks().get(0);
      SourcePeak cp = c.getPeaks().get(0);
      assertTrue(
          Math.abs(ep.getRow() - cp.getRow()) <= 1 && Math.abs(ep.getCol() - cp.getCol()) <= 1,
          "window " + i + ": peak " + cp + ", exact " + ep);
    }
  }

  @Test
  void theJobTakesTheStrideAndRefusesOnesThatDoNotDivideAWindow() {
    // by default every 4th bin with a 150 ms wait: eight 128-mic cameras keep real time on 2 cores
    JobConfig defaults = JobConfig.parse(new String[] {"--bootstrap", "h:1"});
    assertEquals(4, defaults.arrayBinStride());
    assertEquals(150, defaults.arrayMaxWaitMillis());
    assertEquals(
        1,
        JobConfig.parse(new String[] {"--bootstrap", "h:1", "--array-bin-stride", "1"})
            .arrayBinStride());
    for (String bad : new String[] {"0", "3", "128"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  JobConfig.parse(new String[] {"--bootstrap", "h:1", "--array-bin-stride", bad}));
      assertTrue(e.getMessage().contains("--array-bin-stride"), e.getMessage());
    }
  }
}
