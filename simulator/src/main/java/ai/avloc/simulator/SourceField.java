package ai.avloc.simulator;

import java.util.Arrays;
import java.util.List;

/**
 * The sources' free field at microphones, a block of samples at a time: Σ_sources s(t − R/c) / R
 * with the source positions at the reception time (see {@link SceneSimulator}). {@link
 * SceneSimulator} and {@link SceneStream} both sum it here, so they give the same samples.
 *
 * <p>Holds one block of source positions and scratch arrays; not thread-safe.
 */
final class SourceField {
  private final List<SoundSource> sources;
  private final double fs;
  private final double c;
  private final double[][][] positions;
  private final double[] times = new double[SceneSimulator.BLOCK];
  private final double[] gains = new double[SceneSimulator.BLOCK];
  private final double[] values = new double[SceneSimulator.BLOCK];
  private int start;
  private int len;

  SourceField(Scene scene) {
    this.sources = scene.sources();
    this.fs = scene.sampleRate();
    this.c = scene.speedOfSound();
    this.positions = new double[sources.size()][3][SceneSimulator.BLOCK];
  }

  /**
   * Moves every source to its positions at the reception times of samples {@code start .. start +
   * len - 1} (len at most {@link SceneSimulator#BLOCK}), computed once and shared by all
   * microphones.
   */
  void block(int start, int len) {
    this.start = start;
    this.len = len;
    for (int s = 0; s < sources.size(); s++) {
      Trajectory trajectory = sources.get(s).trajectory();
      double[] fixed = trajectory.isStatic() ? trajectory.positionAt(0) : null;
      double[][] pos = positions[s];
      for (int i = 0; i < len; i++) {
        double[] p = fixed != null ? fixed : trajectory.positionAt((start + i) / fs);
        pos[0][i] = p[0];
        pos[1][i] = p[1];
        pos[2][i] = p[2];
      }
    }
  }

  /**
   * {@code field[i]} = the sources' pressure (Pa) at microphone {@code m}, at {@code mic}, for
   * sample {@code start + i} of the current block.
   *
   * @throws IllegalArgumentException if a source comes within {@link SceneSimulator#MIN_DISTANCE}
   *     of the microphone
   */
  void pressure(int m, double[] mic, double[] field) {
    Arrays.fill(field, 0, len, 0.0);
    for (int s = 0; s < sources.size(); s++) {
      double[][] pos = positions[s];
      double minR = Double.POSITIVE_INFINITY;
      for (int i = 0; i < len; i++) {
        double dx = pos[0][i] - mic[0];
        double dy = pos[1][i] - mic[1];
        double dz = pos[2][i] - mic[2];
        double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
        minR = Math.min(minR, r);
        times[i] = (start + i) / fs - r / c;
        gains[i] = 1 / r;
      }
      if (minR < SceneSimulator.MIN_DISTANCE) {
        throw new IllegalArgumentException(
            "sources["
                + s
                + "] ('"
                + sources.get(s).name()
                + "') comes within "
                + minR
                + " m of microphone "
                + m
                + " (minimum "
                + SceneSimulator.MIN_DISTANCE
                + " m) in the block starting at t = "
                + (start / fs)
                + " s");
      }
      sources.get(s).signal().valuesAt(times, values, len);
      for (int i = 0; i < len; i++) {
        field[i] += values[i] * gains[i];
      }
    }
  }
}
