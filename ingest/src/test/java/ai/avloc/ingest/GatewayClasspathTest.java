package ai.avloc.ingest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The gateway decodes media and renders simulated scenes; it runs no model. Its classpath has
 * FFmpeg and the simulator, and no DJL, TensorFlow or training classes, without any exclusion in
 * its pom.
 */
class GatewayClasspathTest {
  @Test
  void shouldCarryTheSimulatorButNoModelStack() {
    assertDoesNotThrow(() -> Class.forName("ai.avloc.simulator.SceneSimulator"));
    assertDoesNotThrow(() -> Class.forName("org.bytedeco.javacv.FFmpegFrameGrabber"));
    for (String modelStack :
        new String[] {
          "ai.avloc.serving.AcousticModel",
          "ai.djl.Model",
          "org.tensorflow.Graph",
          "ai.avloc.training.uvae.UvaeTrainer",
          "io.jhdf.HdfFile"
        }) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(modelStack), modelStack);
    }
  }
}
