package ai.avloc.stream.job;

import ai.avloc.acoustics.audio.Mfcc;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.AcousticModel;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.features.AudioLevel;
import ai.avloc.stream.features.FramePixels;
import ai.avloc.stream.features.Localizations;
import ai.avloc.stream.kafka.Failed;
import ai.avloc.stream.metrics.StageNanos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mono path: per window, the normalized MFCC of its 1024 samples and its frame's pixels; per
 * batch, one call of a contract model through DJL; per window again, the energy map's peaks. A
 * window without a usable frame, or whose map is not finite, is published uninferred rather than
 * dropped.
 *
 * <p>A model that cannot be loaded (missing, corrupt, breaking the contract) or that fails {@link
 * #MODEL_FAILURE_LIMIT} windows in a row, each alone, disables the mono path of the subtask until
 * the job restarts: one ERROR in the log, one dead letter (stage "model") with the reason, and
 * every mono window published uninferred with model id {@value #MODEL_UNAVAILABLE}. Array cameras
 * are not touched; the job never fails over a model.
 */
public final class MonoInference extends BatchingOperator<AlignedWindow> {
  private final String modelDir;
  private final String framesTopic;
  private final double silenceDbfs;
  private final double maxFlatness;

  /** Without a threshold from the job or the model card: a map within 2e-5 of flat. */
  static final double DEFAULT_MAX_FLATNESS = 0.99999;

  /** The model id of mono windows published while the model is unavailable. */
  public static final String MODEL_UNAVAILABLE = "unavailable";

  /** Windows that fail inference one after another, each alone, before the model is disabled. */
  static final int MODEL_FAILURE_LIMIT = 5;

  private static final Logger LOG = LoggerFactory.getLogger(MonoInference.class);

  private transient AcousticModel model;
  private transient double flatnessLimit;
  private transient Mfcc mfcc;
  private transient FramePixels framePixels;
  private transient float[] rgb;
  private transient float[] coefficients;
  private transient Counter jpegNanos;
  private transient Counter mfccNanos;
  private transient Counter inferenceNanos;
  private transient Counter peaksNanos;

  /** Why the model is off, null while it serves; reported once in a dead letter. */
  private transient String disabled;

  private transient boolean disabledReported;
  private transient int failuresInRow;

  /**
   * @param modelDir a SavedModel directory with its model.json, readable on every TaskManager
   * @param framesTopic named in the dead letter of a frame that cannot be decoded
   * @param silenceDbfs windows quieter than this are reported silent
   * @param maxFlatness energy maps at or above this flatness are reported silent; NaN takes the
   *     model card's {@code flatContrast} (the peak contrast below which its evaluation found maps
   *     to hold no source) as flatness 2 / (2 + contrast)
   */
  public MonoInference(
      String modelDir,
      String framesTopic,
      double silenceDbfs,
      double maxFlatness,
      int maxBatch,
      long maxWaitMillis) {
    super(maxBatch, maxWaitMillis);
    this.modelDir = modelDir;
    this.framesTopic = framesTopic;
    this.silenceDbfs = silenceDbfs;
    this.maxFlatness = maxFlatness;
  }

  @Override
  protected void openModel() {
    jpegNanos = stageNanos(StageNanos.JPEG);
    mfccNanos = stageNanos(StageNanos.MFCC);
    inferenceNanos = stageNanos(StageNanos.INFERENCE);
    peaksNanos = stageNanos(StageNanos.PEAKS);
    mfcc = new Mfcc();
    framePixels = new FramePixels();
    coefficients = new float[maxBatch * ModelShapes.COEFFICIENTS];
    flatnessLimit = Double.isNaN(maxFlatness) ? DEFAULT_MAX_FLATNESS : maxFlatness;
    try {
      model = AcousticModel.load(Path.of(modelDir));
      flatnessLimit = flatnessLimit(maxFlatness, model.card());
      rgb = new float[maxBatch * model.height() * model.width() * 3];
    } catch (IOException | RuntimeException | LinkageError e) {
      // a LinkageError: TensorFlow's natives missing or broken, which no window can fix either
      disable("the model in " + modelDir + " cannot be loaded: " + describe(e), e);
    }
  }

  /** Turns the mono path of this subtask off, saying so once. */
  private void disable(String reason, Throwable cause) {
    disabled = reason;
    LOG.error(
        "Mono path disabled on subtask {}: {}. Mono windows are published uninferred (model id"
            + " '{}') until the job restarts with a working model; array cameras go on.",
        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
        reason,
        MODEL_UNAVAILABLE,
        cause);
    if (model != null) {
      try {
        model.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the disabled model failed", e);
      }
      model = null;
    }
  }

  /**
   * The flatness at or above which a map holds no source: the job's, the card's, or the default.
   */
  static double flatnessLimit(double configured, ai.avloc.serving.ModelCard card) {
    if (!Double.isNaN(configured)) {
      return configured;
    }
    Double contrast = card.metrics() == null ? null : card.metrics().get("flatContrast");
    return contrast == null || !(contrast >= 0) ? DEFAULT_MAX_FLATNESS : 2 / (2 + contrast);
  }

  @Override
  protected List<Localization> localize(List<AlignedWindow> batch, DeadLetterOutput deadLetters) {
    if (model == null) {
      if (!disabledReported) {
        deadLetters.send(modelLetter(batch.get(0)));
        disabledReported = true;
      }
      return uninferred(batch);
    }
    int pixels = model.height() * model.width() * 3;
    int[] slot = new int[batch.size()];
    int inferred = 0;
    for (int i = 0; i < batch.size(); i++) {
      AlignedWindow w = batch.get(i);
      slot[i] = -1;
      if (!w.hasFrame()) {
        continue;
      }
      long start = System.nanoTime();
      try {
        framePixels.decode(w.frame().jpeg(), model.height(), model.width(), rgb, inferred * pixels);
      } catch (IOException | RuntimeException e) {
        deadLetters.send(undecodable(w, e));
        continue;
      } finally {
        jpegNanos.inc(System.nanoTime() - start);
      }
      start = System.nanoTime();
      float[] c = mfcc.normalized(w.samples(), 0);
      System.arraycopy(c, 0, coefficients, inferred * c.length, c.length);
      mfccNanos.inc(System.nanoTime() - start);
      slot[i] = inferred++;
    }
    long start = System.nanoTime();
    AcousticModel.Output out;
    try {
      out = inferred > 0 ? predict(inferred, batch.size() == 1) : null;
    } finally {
      inferenceNanos.inc(System.nanoTime() - start);
    }
    if (model == null) { // this call disabled it
      return localize(batch, deadLetters);
    }
    start = System.nanoTime();
    int cells = ModelShapes.ROWS * ModelShapes.COLS;
    List<Localization> result = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      AlignedWindow w = batch.get(i);
      float[] map = null;
      if (slot[i] >= 0) {
        map = new float[cells];
        System.arraycopy(out.energy(), slot[i] * cells, map, 0, cells);
        int bad = PeakFinder.firstNonFinite(map);
        if (bad >= 0) {
          deadLetters.send(
              failedWindow(
                  w,
                  stage(),
                  "energy map not finite (row "
                      + bad / ModelShapes.COLS
                      + ", col "
                      + bad % ModelShapes.COLS
                      + " is "
                      + map[bad]
                      + "); published uninferred"));
          map = null;
        }
      }
      result.add(Localizations.of(window(w, map, model.card().id()), 0));
    }
    peaksNanos.inc(System.nanoTime() - start);
    return result;
  }

  /**
   * One model call; a window that fails alone counts towards {@link #MODEL_FAILURE_LIMIT}, and one
   * that passes resets the count. Only a call for a batch of one window counts: a larger batch with
   * one decodable frame is retried window by window, and would count that window twice.
   *
   * @return null when this failure disabled the model
   */
  private AcousticModel.Output predict(int windows, boolean batchOfOne) {
    try {
      AcousticModel.Output out = model.predict(rgb, coefficients, windows, false);
      failuresInRow = 0;
      return out;
    } catch (RuntimeException e) {
      if (windows == 1 && batchOfOne && ++failuresInRow >= MODEL_FAILURE_LIMIT) {
        disable(
            "model "
                + model.card().id()
                + " failed "
                + failuresInRow
                + " windows in a row, each alone; last: "
                + describe(e),
            e);
        return null;
      }
      throw e;
    }
  }

  private List<Localization> uninferred(List<AlignedWindow> batch) {
    List<Localization> out = new ArrayList<>(batch.size());
    for (AlignedWindow w : batch) {
      out.add(unlocalized(w));
    }
    return out;
  }

  /** What the record of window {@code w} says, with its map (null: not inferred). */
  private Localizations.Window window(AlignedWindow w, float[] map, String modelId) {
    return new Localizations.Window(
        w.streamId(),
        w.window(),
        LocalizationMode.MONO,
        modelId,
        map,
        ModelShapes.ROWS,
        ModelShapes.COLS,
        AudioLevel.dbfs(w.samples()) < silenceDbfs,
        flatnessLimit,
        w.hasFrame() ? w.frameAgeMicros() : null,
        w.coverage(),
        w.ingestMillis() * 1000);
  }

  @Override
  protected String stage() {
    return "infer";
  }

  @Override
  protected Localization unlocalized(AlignedWindow w) {
    return Localizations.of(
        window(w, null, model != null ? model.card().id() : MODEL_UNAVAILABLE), 0);
  }

  @Override
  protected Failed failedWindow(AlignedWindow w, String stage, String reason) {
    return failedWindow(
        framesTopic,
        w.hasFrame() ? w.frame().sequence() : -1,
        w.startMicros(),
        w.streamId(),
        w.window(),
        stage,
        reason);
  }

  /** The one dead letter that says the mono path of this subtask is off, and why. */
  private Failed modelLetter(AlignedWindow first) {
    return new Failed(
        framesTopic,
        -1,
        -1,
        Math.floorDiv(first.startMicros(), 1000),
        null,
        null,
        "model",
        "mono path disabled on subtask "
            + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()
            + ": "
            + disabled
            + "; mono windows are published uninferred (model id '"
            + MODEL_UNAVAILABLE
            + "') until the job restarts with a working model");
  }

  private Failed undecodable(AlignedWindow w, Exception e) {
    return new Failed(
        framesTopic,
        -1,
        w.frame().sequence(),
        w.frame().timestampMicros() / 1000,
        w.streamId().getBytes(StandardCharsets.UTF_8),
        w.frame().jpeg(),
        "decode-frame",
        "frame " + w.frame().sequence() + " of " + w.streamId() + ": " + e.getMessage());
  }

  @Override
  protected void closeModel() {
    if (model != null) {
      model.close();
    }
  }
}
