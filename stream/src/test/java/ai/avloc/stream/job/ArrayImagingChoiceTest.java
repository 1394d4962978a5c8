package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Localization;
import ai.avloc.serving.beamforming.ImagingBackend;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The array path's implementation is chosen once at open: the TensorFlow graph publishes the maps
 * the Java beamformer does (every bin, whatever bin stride the Java path is given), and {@code
 * auto} takes the graph only when TensorFlow sees a GPU.
 */
class ArrayImagingChoiceTest {
  static List<Localization> run(String imaging, ImagingBackend[] chosen) throws Exception {
    return run(imaging, chosen, 1);
  }

  /** The graph always sums every bin: a bin stride is the Java path's. */
  static List<Localization> run(String imaging, ImagingBackend[] chosen, int binStride)
      throws Exception {
    ArrayBeamforming operator =
        new ArrayBeamforming(65, 50, 500, 5000, 8, 60_000, "t.array-audio", imaging, binStride);
    try (var h = new OneInputStreamOperatorTestHarness<>(operator)) {
      h.open();
      chosen[0] = operator.backend();
      assertEquals(chosen[0].tensorflow() ? 1 : binStride, operator.binStride());
      h.processElement(WindowIsolationTest.window("cam-1", "dualcam128", 300f, 1), 0);
      h.processElement(WindowIsolationTest.window("cam-2", "dualcam128", 300f, 2), 0);
      h.endInput();
      return h.extractOutputValues();
    }
  }

  static float[] map(Localization l) {
    FloatBuffer floats = l.getEnergy().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[floats.remaining()];
    floats.get(out);
    return out;
  }

  @Test
  void theGraphPublishesTheJavaMapsWithTheSamePeaks() throws Exception {
    ImagingBackend[] java = new ImagingBackend[1];
    ImagingBackend[] graph = new ImagingBackend[1];
    List<Localization> expected = run("java", java);
    List<Localization> actual = run("tensorflow", graph, 2);
    assertEquals("java sgemm (--array-imaging java)", java[0].reason());
    assertTrue(graph[0].tensorflow());
    assertEquals(2, actual.size());
    for (int i = 0; i < expected.size(); i++) {
      float[] e = map(expected.get(i));
      float[] a = map(actual.get(i));
      assertEquals(36 * 48, a.length);
      float peak = 0;
      for (float v : e) {
        peak = Math.max(peak, v);
      }
      for (int c = 0; c < e.length; c++) {
        assertEquals(e[c], a[c], 1e-4f * peak, "cell " + c);
      }
      assertEquals(expected.get(i).getPeaks(), actual.get(i).getPeaks());
      assertEquals(expected.get(i).getModelId(), actual.get(i).getModelId());
      assertTrue(actual.get(i).getInferred());
    }
  }

  @Test
  void autoTakesTheGraphOnlyWhenTensorflowSeesAGpu() throws Exception {
    ImagingBackend[] chosen = new ImagingBackend[1];
    run("auto", chosen);
    boolean gpu = ImagingBackend.visibleGpus() > 0;
    assertEquals(gpu, chosen[0].tensorflow());
    String expected =
        gpu
            ? "array imaging: tensorflow graph ("
            : "array imaging: java sgemm (no GPU visible to TensorFlow)";
    assertTrue(chosen[0].logLine().startsWith(expected), chosen[0].logLine());
  }

  @Test
  void theJobTakesTheOptionAndRefusesOthers() {
    assertEquals("auto", JobConfig.parse(new String[] {"--bootstrap", "h:1"}).arrayImaging());
    assertEquals(
        "tensorflow",
        JobConfig.parse(new String[] {"--bootstrap", "h:1", "--array-imaging", "TensorFlow"})
            .arrayImaging());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--array-imaging", "gpu"}));
    assertTrue(e.getMessage().contains("auto, java or tensorflow"), e.getMessage());
  }
}
