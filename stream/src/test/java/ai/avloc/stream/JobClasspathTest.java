package ai.avloc.stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The job ships what it runs and nothing of training: its classpath (this module's, tests included)
 * has the serving stack but neither the trainer, nor TensorFlow's training framework, nor the HDF5
 * reader of Keras weights. A dependency that drags them in fails here, not as a heavier job jar
 * nobody notices.
 */
class JobClasspathTest {
  @Test
  void shouldCarryServingButNoTrainingClasses() {
    assertDoesNotThrow(() -> Class.forName("ai.avloc.serving.AcousticModel"));
    assertDoesNotThrow(() -> Class.forName("ai.djl.Model"));
    for (String training :
        new String[] {
          "ai.avloc.training.uvae.UvaeTrainer",
          "org.tensorflow.framework.optimizers.Adam",
          "io.jhdf.HdfFile"
        }) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(training), training);
    }
  }
}
