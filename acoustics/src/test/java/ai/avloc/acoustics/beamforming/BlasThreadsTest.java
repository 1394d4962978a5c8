package ai.avloc.acoustics.beamforming;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.junit.jupiter.api.Test;

/** The cores shared out among concurrent beamforming tasks, and given back when they leave. */
class BlasThreadsTest {
  @Test
  void shouldGiveEachOfTwoTasksHalfTheCoresAndRestoreTheCountAfterTheLast() {
    int cores = Runtime.getRuntime().availableProcessors();
    int before = openblas_nolapack.blas_get_num_threads();
    assertEquals(Math.max(1, cores), BlasThreads.join());
    assertEquals(Math.max(1, cores / 2), BlasThreads.join());
    assertEquals(Math.max(1, cores / 2), openblas_nolapack.blas_get_num_threads());
    BlasThreads.leave();
    assertEquals(Math.max(1, cores), openblas_nolapack.blas_get_num_threads());
    BlasThreads.leave();
    assertEquals(before, openblas_nolapack.blas_get_num_threads());
  }

  @Test
  void shouldNeverGiveATaskLessThanOneThread() {
    assertEquals(1, BlasThreads.perTask(2, 2));
    assertEquals(1, BlasThreads.perTask(2, 8));
    assertEquals(2, BlasThreads.perTask(2, 1));
    assertEquals(5, BlasThreads.perTask(16, 3));
  }
}
