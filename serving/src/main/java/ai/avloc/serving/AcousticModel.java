package ai.avloc.serving;

import ai.avloc.schemas.ModelShapes;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SymbolBlock;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A SavedModel that meets the model contract, served through DJL's TensorFlow engine. One instance
 * holds one predictor: use it from one thread (a Flink subtask owns one).
 */
public final class AcousticModel implements AutoCloseable {
  private final ModelCard card;
  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final int height;
  private final int width;

  /** The latent's dimension, 0 when the model returns none. */
  private final int latentSize;

  /**
   * Native buffers the inputs are copied into, reused from call to call (calls are serialized).
   * Handed a heap array, DJL would allocate and zero a new native buffer for every call; at batch 1
   * that cost about a tenth of the window's time.
   */
  private ByteBuffer frameBuffer = ByteBuffer.allocateDirect(0);

  private ByteBuffer mfccBuffer = ByteBuffer.allocateDirect(0);

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(AcousticModel.class);

  private AcousticModel(
      ModelCard card, ZooModel<NDList, NDList> model, int height, int width, int latentSize) {
    this.card = card;
    this.model = model;
    this.predictor = model.newPredictor();
    this.height = height;
    this.width = width;
    this.latentSize = latentSize;
  }

  /**
   * Where the model runs: DJL's default device, a GPU when the TensorFlow natives were built for
   * CUDA and one is present, else the CPU.
   */
  public String device() {
    return model.getNDManager().getDevice().toString();
  }

  /**
   * Runs one all-zero window so that TensorFlow's one-time work (graph optimization, kernel
   * selection, memory pools) is not charged to the first real window.
   */
  private void warmUp() {
    long start = System.nanoTime();
    predict(new float[height * width * 3], new float[ModelShapes.COEFFICIENTS], 1);
    LOG.info(
        "model {} ready on {} ({}x{} frames), warm-up {} ms",
        card.id(),
        device(),
        height,
        width,
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Loads the model in {@code dir} (a SavedModel plus {@code model.json}) and checks its signature
   * against the contract.
   *
   * @throws IOException when the directory is not a model or the model breaks the contract
   */
  public static AcousticModel load(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new IOException(dir + " holds no saved_model.pb; is it a SavedModel directory?");
    }
    ModelCard card = ModelCard.read(dir);
    Criteria<NDList, NDList> criteria = TensorflowRuntime.savedModel(dir);
    ZooModel<NDList, NDList> model;
    try {
      model = criteria.loadModel();
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IOException("cannot load the SavedModel in " + dir + ": " + e.getMessage(), e);
    }
    try {
      PairList<String, Shape> inputs = model.getBlock().describeInput();
      PairList<String, Shape> outputs = ((SymbolBlock) model.getBlock()).describeOutput();
      Shape rgb = require(inputs, ModelContract.RGB, 4, dir);
      Shape mfcc = require(inputs, ModelContract.MFCC, 2, dir);
      Shape image = require(outputs, ModelContract.ACOUSTIC_IMAGE, 4, dir);
      Shape energy = require(outputs, ModelContract.ENERGY, 3, dir);
      expect(rgb.get(3) == 3, dir, "rgb must have 3 channels, has " + rgb);
      expect(mfcc.get(1) == ModelShapes.COEFFICIENTS, dir, "mfcc must be [B, 12], is " + mfcc);
      expect(
          image.get(1) == ModelShapes.ROWS
              && image.get(2) == ModelShapes.COLS
              && image.get(3) == ModelShapes.COEFFICIENTS,
          dir,
          "acoustic_image must be [B, 36, 48, 12], is " + image);
      expect(
          energy.get(1) == ModelShapes.ROWS && energy.get(2) == ModelShapes.COLS,
          dir,
          "energy must be [B, 36, 48], is " + energy);
      int height = (int) rgb.get(1);
      int width = (int) rgb.get(2);
      expect(
          height == card.inputHeight() && width == card.inputWidth(),
          dir,
          "model.json says "
              + card.inputHeight()
              + "x"
              + card.inputWidth()
              + " but the signature takes "
              + height
              + "x"
              + width);
      Shape latent = outputs.get(ModelContract.LATENT);
      expect(
          latent == null || (latent.dimension() == 2 && latent.get(1) > 0),
          dir,
          "latent must be [B, L], is " + latent);
      AcousticModel loaded =
          new AcousticModel(card, model, height, width, latent == null ? 0 : (int) latent.get(1));
      loaded.warmUp();
      return loaded;
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private static Shape require(PairList<String, Shape> described, String name, int rank, Path dir)
      throws IOException {
    Shape shape = described.get(name);
    if (shape == null) {
      throw new IOException(
          "the model in "
              + dir
              + " has no '"
              + name
              + "' in its serving_default signature (has "
              + described.keys()
              + ")");
    }
    expect(shape.dimension() == rank, dir, name + " must have rank " + rank + ", is " + shape);
    return shape;
  }

  private static void expect(boolean ok, Path dir, String what) throws IOException {
    if (!ok) {
      throw new IOException("the model in " + dir + " breaks the model contract: " + what);
    }
  }

  public ModelCard card() {
    return card;
  }

  /** Frame rows the model takes. */
  public int height() {
    return height;
  }

  /** Frame columns the model takes. */
  public int width() {
    return width;
  }

  /** The dimension of the latent the model returns, 0 when it returns none. */
  public int latentSize() {
    return latentSize;
  }

  /**
   * Runs one batch. Calls are serialized: one DJL predictor serves the model, and TensorFlow
   * already spreads one batch over the cores.
   *
   * @param rgb batch x height x width x 3 values in [0, 1], RGB, row-major
   * @param mfcc batch x 12 normalized coefficients
   * @param batch number of windows in the batch
   */
  public Output predict(float[] rgb, float[] mfcc, int batch) {
    return predict(rgb, mfcc, batch, true);
  }

  /**
   * Runs one batch, copying the acoustic images out only when asked: the job publishes energy maps,
   * and the images it would drop are 82 KB a window.
   *
   * @param acousticImages whether {@link Output#acousticImages()} is filled (else it is null)
   */
  public synchronized Output predict(float[] rgb, float[] mfcc, int batch, boolean acousticImages) {
    int pixels = ModelShapes.ROWS * ModelShapes.COLS;
    if (rgb.length < batch * height * width * 3 || mfcc.length < batch * 12) {
      throw new IllegalArgumentException("input arrays hold fewer than " + batch + " windows");
    }
    int frameValues = batch * height * width * 3;
    int mfccValues = batch * ModelShapes.COEFFICIENTS;
    frameBuffer = fill(frameBuffer, rgb, frameValues);
    mfccBuffer = fill(mfccBuffer, mfcc, mfccValues);
    try (NDManager manager = model.getNDManager().newSubManager()) {
      NDArray frames =
          manager.create(frameBuffer, new Shape(batch, height, width, 3), DataType.FLOAT32);
      frames.setName(ModelContract.RGB);
      NDArray coeffs =
          manager.create(mfccBuffer, new Shape(batch, ModelShapes.COEFFICIENTS), DataType.FLOAT32);
      coeffs.setName(ModelContract.MFCC);
      NDList out = predictor.predict(new NDList(coeffs, frames));
      NDArray imageArray = out.get(ModelContract.ACOUSTIC_IMAGE);
      float[] energy = out.get(ModelContract.ENERGY).toFloatArray();
      float[] images = acousticImages ? imageArray.toFloatArray() : null;
      if (energy.length != batch * pixels
          || imageArray.getShape().size() != (long) batch * pixels * ModelShapes.COEFFICIENTS) {
        throw new IllegalStateException(
            "model " + card.id() + " returned " + energy.length + " energy values for " + batch);
      }
      float[] latents = latentSize == 0 ? null : out.get(ModelContract.LATENT).toFloatArray();
      if (latents != null && latents.length != batch * latentSize) {
        throw new IllegalStateException(
            "model " + card.id() + " returned " + latents.length + " latent values for " + batch);
      }
      return new Output(images, energy, batch, latents);
    } catch (TranslateException e) {
      throw new IllegalStateException(
          "inference failed in " + card.id() + ": " + e.getMessage(), e);
    }
  }

  /** {@code values} floats of {@code from} in a native buffer, {@code buffer} or a larger one. */
  private static ByteBuffer fill(ByteBuffer buffer, float[] from, int values) {
    ByteBuffer target =
        buffer.capacity() >= values * Float.BYTES
            ? buffer
            : ByteBuffer.allocateDirect(values * Float.BYTES).order(ByteOrder.nativeOrder());
    target.clear();
    target.asFloatBuffer().put(from, 0, values);
    target.limit(values * Float.BYTES);
    return target;
  }

  /**
   * One batch's outputs.
   *
   * @param acousticImages batch x 36 x 48 x 12, or null when not asked for
   * @param energy batch x 36 x 48
   * @param latents batch x the latent's dimension, or null when the model returns no latent
   */
  public record Output(float[] acousticImages, float[] energy, int batch, float[] latents) {
    /** Outputs without a latent. */
    public Output(float[] acousticImages, float[] energy, int batch) {
      this(acousticImages, energy, batch, null);
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }
}
