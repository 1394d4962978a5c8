package ai.avloc.simulator;

import java.util.Arrays;
import java.util.Random;

/**
 * Renders a {@link Scene} a block at a time for chosen microphones, so a stream of any length holds
 * one block of audio, not the whole scene. Each sample is the float {@link SceneSimulator#render}
 * gives for that microphone: the same arithmetic in the same order, only split differently in time.
 *
 * <p>What is held instead of the audio: when a noise level is relative to the sources ({@code
 * snrDb}), their mean power over the whole scene, computed once up front by rendering the sources
 * (not the noise) at every microphone, about half the cost of one full render; one period of the
 * diffuse background per chosen microphone (at most 2^19 floats, 2 MB, each); and a random stream
 * per chosen microphone for the sensor noise, which is why reading is sequential ({@link #rewind()}
 * starts over).
 */
public final class SceneStream {
  private final Scene scene;
  private final int[] mics;
  private final double[][] micPositions;
  private final int length;
  private final float[][] diffuse;
  private final int diffusePeriod;
  private final double sensorSigma;
  private Random[] sensor;
  private int position;

  private final SourceField sources;
  private final double[] field = new double[SceneSimulator.BLOCK];

  /**
   * A stream of the given microphones (indices into the scene's array, in the order wanted).
   *
   * @throws IllegalArgumentException for no microphone, or one outside the array; for a source
   *     within {@link SceneSimulator#MIN_DISTANCE} of a microphone (found up front when a noise
   *     level is relative, else when that block is read); for a diffuse band without an FFT bin
   */
  public SceneStream(Scene scene, int... microphones) {
    this.scene = scene;
    int count = scene.array().size();
    if (microphones.length == 0) {
      throw new IllegalArgumentException("a scene stream needs at least one microphone");
    }
    for (int m : microphones) {
      if (m < 0 || m >= count) {
        throw new IllegalArgumentException(
            "microphone "
                + m
                + " is not in array '"
                + scene.array().name()
                + "' (0.."
                + (count - 1)
                + ")");
      }
    }
    this.mics = microphones.clone();
    double[][] all = scene.array().positions();
    this.micPositions = new double[mics.length][];
    for (int c = 0; c < mics.length; c++) {
      micPositions[c] = all[mics[c]];
    }
    this.length = scene.sampleCount();
    this.sources = new SourceField(scene);

    double signalPower = needsSignalPower(scene) ? sourcePower(all) : 0;
    Scene.DiffuseNoise diffuseNoise = scene.diffuseNoise();
    double diffusePower = diffuseNoise == null ? 0 : diffuseNoise.level().power(signalPower);
    if (diffusePower > 0) {
      diffusePeriod = DiffuseField.period(length);
      diffuse = new float[mics.length][diffusePeriod];
      DiffuseField.synthesize(
          scene,
          micPositions,
          diffusePower,
          diffusePeriod,
          (x, c) -> {
            for (int p = 0; p < diffusePeriod; p++) {
              diffuse[c][p] = (float) x[p];
            }
          });
    } else {
      diffusePeriod = 0;
      diffuse = null;
    }
    sensorSigma =
        scene.sensorNoise() == null ? 0 : Math.sqrt(scene.sensorNoise().level().power(signalPower));
    rewind();
  }

  /** A stream of every microphone of the scene's array, in channel order. */
  public static SceneStream allMicrophones(Scene scene) {
    int[] all = new int[scene.array().size()];
    Arrays.setAll(all, m -> m);
    return new SceneStream(scene, all);
  }

  /** How many channels {@link #read} fills: the chosen microphones. */
  public int channelCount() {
    return mics.length;
  }

  /** Samples per channel in the whole scene ({@link Scene#sampleCount()}). */
  public int length() {
    return length;
  }

  /** The index of the next sample {@link #read} renders. */
  public int position() {
    return position;
  }

  public int remaining() {
    return length - position;
  }

  /** Back to sample 0: the same samples again, noise included. */
  public void rewind() {
    position = 0;
    if (sensorSigma > 0) {
      sensor = new Random[mics.length];
      for (int c = 0; c < mics.length; c++) {
        sensor[c] = new Random(Seeds.derive(scene.seed(), Seeds.SENSOR, mics[c]));
      }
    }
  }

  /**
   * Renders the next samples, at most {@code count} and never past the scene's end, into {@code
   * out[c][offset ..]} for chosen microphone c (pascals).
   *
   * @return how many samples were rendered per channel; 0 at the end of the scene
   */
  public int read(float[][] out, int offset, int count) {
    if (out.length < mics.length) {
      throw new IllegalArgumentException(
          "need " + mics.length + " output channels, got " + out.length);
    }
    int todo = Math.min(count, remaining());
    for (int done = 0; done < todo; ) {
      int len = Math.min(SceneSimulator.BLOCK, todo - done);
      int start = position + done;
      sources.block(start, len);
      for (int c = 0; c < mics.length; c++) {
        sources.pressure(mics[c], micPositions[c], field);
        float[] row = out[c];
        int at = offset + done;
        // Three float steps per sample in SceneSimulator's order: sources, diffuse, sensor.
        for (int i = 0; i < len; i++) {
          row[at + i] = (float) field[i];
        }
        if (diffuse != null) {
          float[] wave = diffuse[c];
          for (int i = 0, p = start % diffusePeriod;
              i < len;
              i++, p = (p + 1 == diffusePeriod ? 0 : p + 1)) {
            row[at + i] += wave[p];
          }
        }
        if (sensorSigma > 0) {
          Random random = sensor[c];
          for (int i = 0; i < len; i++) {
            row[at + i] += (float) (sensorSigma * random.nextGaussian());
          }
        }
      }
      done += len;
    }
    position += todo;
    return todo;
  }

  private static boolean needsSignalPower(Scene scene) {
    return (scene.sensorNoise() != null && scene.sensorNoise().level() instanceof Scene.Snr)
        || (scene.diffuseNoise() != null && scene.diffuseNoise().level() instanceof Scene.Snr);
  }

  /**
   * Mean power of the sources' field over every microphone and sample, summed as the simulator
   * does.
   */
  private double sourcePower(double[][] all) {
    if (scene.sources().isEmpty()) {
      return 0;
    }
    double energy = 0;
    for (int start = 0; start < length; start += SceneSimulator.BLOCK) {
      int len = Math.min(SceneSimulator.BLOCK, length - start);
      sources.block(start, len);
      for (int m = 0; m < all.length; m++) {
        sources.pressure(m, all[m], field);
        for (int i = 0; i < len; i++) {
          energy += field[i] * field[i];
        }
      }
    }
    return energy / ((double) length * all.length);
  }
}
