package ai.avloc.serving.beamforming;

import ai.avloc.schemas.WindowClock;
import ai.avloc.serving.TensorflowRuntime;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * A {@link BeamformingGraph} served through DJL's TensorFlow engine, as the U-VAE is: on a GPU when
 * the TensorFlow natives were built for CUDA and one is visible, else on the CPU. One instance
 * holds one predictor; calls are serialized.
 */
public final class BeamformingModel implements AutoCloseable {
  private final BeamformingGraph graph;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;

  /** The native buffer the samples are copied into, reused (as {@code AcousticModel} does). */
  private ByteBuffer samplesBuffer = ByteBuffer.allocateDirect(0);

  private BeamformingModel(BeamformingGraph graph, ZooModel<NDList, NDList> model) {
    this.graph = graph;
    this.model = model;
    this.predictor = model.newPredictor();
  }

  /**
   * Exports the graph into its cache directory under {@code cacheRoot} when needed, and loads it.
   */
  public static BeamformingModel load(BeamformingGraph graph, Path cacheRoot) {
    Path dir = graph.cached(cacheRoot);
    Criteria<NDList, NDList> criteria = TensorflowRuntime.savedModel(dir);
    try {
      return new BeamformingModel(graph, criteria.loadModel());
    } catch (ModelNotFoundException | MalformedModelException | IOException e) {
      throw new UncheckedIOException(
          new IOException(
              "cannot load the beamforming graph in " + dir + ": " + e.getMessage(), e));
    }
  }

  /** Where the graph runs: DJL's default device for the TensorFlow engine. */
  public String device() {
    return model.getNDManager().getDevice().toString();
  }

  public BeamformingGraph graph() {
    return graph;
  }

  /**
   * One batch of windows.
   *
   * @param samples batch x mics x 1024 samples, row-major (each window's microphones one after the
   *     other, as an array window holds them)
   * @return batch x {@link BeamformingGraph#outputSize()} values, row-major
   */
  public synchronized float[] apply(float[] samples, int batch) {
    int n = WindowClock.SAMPLES_PER_WINDOW;
    int values = batch * graph.mics() * n;
    if (batch < 1 || samples.length < values) {
      throw new IllegalArgumentException(
          "samples hold " + samples.length + " floats, " + batch + " windows need " + values);
    }
    if (samplesBuffer.capacity() < values * Float.BYTES) {
      samplesBuffer =
          ByteBuffer.allocateDirect(values * Float.BYTES).order(ByteOrder.nativeOrder());
    }
    samplesBuffer.clear();
    FloatBuffer floats = samplesBuffer.asFloatBuffer();
    floats.put(samples, 0, values);
    samplesBuffer.limit(values * Float.BYTES);
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray input =
          manager.create(samplesBuffer, new Shape(batch, graph.mics(), n), DataType.FLOAT32);
      input.setName(BeamformingGraph.SAMPLES);
      NDList out = predictor.predict(new NDList(input));
      float[] result = out.get(graph.output()).toFloatArray();
      if (result.length != batch * graph.outputSize()) {
        throw new IllegalStateException(
            "the beamforming graph returned "
                + result.length
                + " values for "
                + batch
                + " windows");
      }
      return result;
    } catch (TranslateException e) {
      throw new IllegalStateException("beamforming graph failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }
}
