package ai.avloc.serving.beamforming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The array path's choice of beamformer, without loading TensorFlow. */
class ImagingBackendTest {

  @Test
  void autoTakesTheGraphWithAGpuAndJavaWithout() {
    assertTrue(ImagingBackend.choose("auto", () -> 2).tensorflow());
    assertEquals(
        "array imaging: tensorflow graph (2 GPU(s) visible to TensorFlow)",
        ImagingBackend.choose("auto", () -> 2).logLine());
    assertFalse(ImagingBackend.choose("auto", () -> 0).tensorflow());
  }

  @Test
  void autoKeepsJavaWhenTensorflowCannotBeLoaded() {
    ImagingBackend b =
        ImagingBackend.choose(
            "auto",
            () -> {
              throw new UnsatisfiedLinkError("no jnitensorflow in java.library.path");
            });
    assertFalse(b.tensorflow(), "array cameras do not depend on TensorFlow's natives");
    assertEquals(
        "array imaging: java sgemm (TensorFlow unavailable: UnsatisfiedLinkError)", b.logLine());
  }

  @Test
  void anExplicitChoiceDoesNotLookForAGpu() {
    assertFalse(
        ImagingBackend.choose(
                "java",
                () -> {
                  throw new AssertionError("no GPU lookup for an explicit choice");
                })
            .tensorflow());
    assertTrue(ImagingBackend.choose("TensorFlow", () -> 0).tensorflow());
  }
}
