package ai.avloc.acoustics.beamforming;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS's thread count shared out among the beamforming tasks that run at once in this JVM. The
 * count is one setting per process: two tasks that each multiply with every core's worth of threads
 * put twice the threads on the cores and lose more to switching than they gain (on 2 cores, the job
 * with 2 array tasks ran slower in total than with 1). So each task that joins divides the cores: n
 * tasks get cores / n threads each (at least 1), and the last to leave restores the count found
 * before the first joined (-1 when none was set, which OpenBLAS takes as its default).
 */
public final class BlasThreads {
  private static int tasks;
  private static int before;

  private BlasThreads() {}

  /** A task that will multiply concurrently with the others joins; returns its thread count. */
  public static synchronized int join() {
    if (tasks == 0) {
      before = openblas_nolapack.blas_get_num_threads();
    }
    tasks++;
    return apply();
  }

  /** A task that joined is done multiplying. */
  public static synchronized void leave() {
    if (tasks == 0) {
      throw new IllegalStateException("no beamforming task joined");
    }
    tasks--;
    if (tasks == 0) {
      openblas_nolapack.blas_set_num_threads(before);
    } else {
      apply();
    }
  }

  /** Threads per task for {@code tasks} concurrent tasks on {@code cores} cores. */
  static int perTask(int cores, int tasks) {
    return Math.max(1, cores / Math.max(1, tasks));
  }

  private static int apply() {
    int threads = perTask(Runtime.getRuntime().availableProcessors(), tasks);
    openblas_nolapack.blas_set_num_threads(threads);
    return threads;
  }
}
