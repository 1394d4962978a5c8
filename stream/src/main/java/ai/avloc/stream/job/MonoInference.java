package ai.avloc.stream.job;

import ai.avloc.acoustics.audio.Mfcc;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.AcousticModel;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.features.AudioLevel;
import ai.avloc.stream.features.FramePixels;
import ai.avloc.stream.features.Localizations;
import ai.avloc.stream.kafka.Failed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mono path: per window, the normalized MFCC of its 1024 samples and its frame's pixels; per
 * batch, one call of a contract model through DJL; per window again, the energy map's peaks. A
 * window without a usable frame is published uninferred rather than dropped.
 */
public final class MonoInference extends BatchingOperator<AlignedWindow> {
  private final String modelDir;
  private final String framesTopic;
  private final double silenceDbfs;
  private final double maxFlatness;

  /** Without a threshold from the job or the model card: a map within 2e-5 of flat. */
  static final double DEFAULT_MAX_FLATNESS = 0.99999;

  private transient AcousticModel model;
  private transient double flatnessLimit;
  private transient Mfcc mfcc;
  private transient float[] rgb;
  private transient float[] coefficients;

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
  protected void openModel() throws IOException {
    model = AcousticModel.load(Path.of(modelDir));
    flatnessLimit = flatnessLimit(maxFlatness, model.card());
    mfcc = new Mfcc();
    rgb = new float[maxBatch * model.height() * model.width() * 3];
    coefficients = new float[maxBatch * ModelShapes.COEFFICIENTS];
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
    int pixels = model.height() * model.width() * 3;
    int[] slot = new int[batch.size()];
    int inferred = 0;
    for (int i = 0; i < batch.size(); i++) {
      AlignedWindow w = batch.get(i);
      slot[i] = -1;
      if (!w.hasFrame()) {
        continue;
      }
      try {
        FramePixels.decode(w.frame().jpeg(), model.height(), model.width(), rgb, inferred * pixels);
      } catch (IOException | RuntimeException e) {
        deadLetters.send(undecodable(w, e));
        continue;
      }
      float[] c = mfcc.normalized(w.samples(), 0);
      System.arraycopy(c, 0, coefficients, inferred * c.length, c.length);
      slot[i] = inferred++;
    }
    AcousticModel.Output out = inferred > 0 ? model.predict(rgb, coefficients, inferred) : null;
    int cells = ModelShapes.ROWS * ModelShapes.COLS;
    List<Localization> result = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      AlignedWindow w = batch.get(i);
      float[] map = null;
      if (slot[i] >= 0) {
        map = new float[cells];
        System.arraycopy(out.energy(), slot[i] * cells, map, 0, cells);
      }
      boolean silent = AudioLevel.dbfs(w.samples()) < silenceDbfs;
      result.add(
          Localizations.of(
              new Localizations.Window(
                  w.streamId(),
                  w.window(),
                  LocalizationMode.MONO,
                  model.card().id(),
                  map,
                  ModelShapes.ROWS,
                  ModelShapes.COLS,
                  silent,
                  flatnessLimit,
                  w.hasFrame() ? w.frameAgeMicros() : null,
                  w.coverage(),
                  w.ingestMillis() * 1000),
              0));
    }
    return result;
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
