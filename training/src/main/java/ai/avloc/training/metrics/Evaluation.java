package ai.avloc.training.metrics;

import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.serving.AcousticModel;
import ai.avloc.training.data.FrameSample;
import ai.avloc.training.data.SoundingBox;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scores acoustic-image models on dataset frames the paper's way (uvae-reference.md §5.2), next to
 * its ablations and two baselines, and checks what they make of noise-only frames.
 *
 * <p>Rows of the report, for every frame of the chosen split:
 *
 * <ul>
 *   <li>each model, on the frame and its MFCC;
 *   <li>its ablations: "audio + black image" (every RGB value 0) and "video + background noise"
 *       (the input MFCC replaced by the low-passed one of §4.3);
 *   <li>"tiled MFCC": the input MFCC repeated at every pixel as the acoustic image (the paper's
 *       MFCC-map row; its energy map is constant, so its mask is empty);
 *   <li>"centre prior": no acoustic image, an energy map that is a centred Gaussian (σ a quarter of
 *       each side by default).
 * </ul>
 *
 * Columns: MSE over all values of the acoustic image against the target; IoU of the energy maps at
 * 36 x 48 (the model's {@code energy} output against {@link EnergyMap#of} the target), as success
 * rate at 0.5 and AUC over the 11 thresholds; cIoU against the annotated boxes of the sounding
 * objects where a frame has any. Each box counts as a box all annotators agree on (consensus 1), so
 * cIoU is the IoU of the upsampled mask and the boxes' union. Noise-only frames (class = the
 * dataset's noise-only id) have no source to localize: they are left out of these columns and
 * scored by the flatness check instead (docs/decisions.md).
 *
 * <p>KNN (uvae-reference.md §6.3, Table 3): where a model returns its latent ({@link
 * AcousticModel.Output#latents}), its row's {@code knn} is the accuracy of a {@link
 * NearestNeighbours} classifier (k = 15, Euclidean, majority vote) of the labelled frames' latents
 * into the dataset's classes, the noise-only class among them. One split is evaluated, so the
 * protocol is leave-one-scene-out over it: each frame is classified by the frames of the other
 * scenes ({@link FrameSample#location}, or the other seconds where a dataset names no scene), since
 * the frames of one scene are near copies of one another. The paper fits on the training list and
 * scores the test list instead. Rows of models without a latent have none.
 *
 * <p>Feed frames with {@link #accept} (in chunks, so a large split need not fit in memory), then
 * call {@link #finish}. Not thread safe.
 */
public final class Evaluation {
  /** A model as the evaluation sees it; {@code AcousticModel::predict} is one. */
  @FunctionalInterface
  public interface Predictor {
    /**
     * @param rgb batch x 224 x 298 x 3 values in [0, 1]
     * @param mfcc batch x 12 normalized coefficients
     */
    AcousticModel.Output predict(float[] rgb, float[] mfcc, int batch);
  }

  public record Model(String name, Predictor predictor) {
    public Model {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(predictor, "predictor");
    }
  }

  /** Told after every batch. */
  @FunctionalInterface
  public interface Progress {
    void frames(int done, int total);

    Progress NONE = (done, total) -> {};
  }

  /**
   * @param batch frames per model call
   * @param gridSamples frames kept for the sample grid, spread evenly over all frames
   * @param flatThreshold peak contrast below which an energy map reads as flat; NaN to derive it
   *     from the ground truth (see {@link FlatnessCheck})
   * @param priorSigma the centre prior's standard deviation as a fraction of each side
   * @param flatNoiseShare the share of noise-only maps each row's second threshold reads as flat
   *     (see {@link RowReport#noiseShareThreshold})
   * @param confirmation the rule by which a stream publishes a source over consecutive windows; the
   *     frames of one second are one stream's consecutive windows (see {@link
   *     RowReport#noiseOnlyFlatConfirmed})
   */
  public record Options(
      int batch,
      int gridSamples,
      double flatThreshold,
      double priorSigma,
      double flatNoiseShare,
      SourceConfirmation confirmation) {
    public static final double PRIOR_SIGMA = 0.25;

    /** A false source costs an alert, a sounding window read as flat one window of a track. */
    public static final double FLAT_NOISE_SHARE = 0.97;

    public Options(int batch, int gridSamples, double flatThreshold, double priorSigma) {
      this(
          batch,
          gridSamples,
          flatThreshold,
          priorSigma,
          FLAT_NOISE_SHARE,
          SourceConfirmation.DEFAULT);
    }

    public Options {
      Objects.requireNonNull(confirmation, "confirmation");
      if (!(flatNoiseShare > 0 && flatNoiseShare <= 1)) {
        throw new IllegalArgumentException(
            "the noise-only flat share must be in (0, 1], got " + flatNoiseShare);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be at least 1, got " + batch);
      }
      if (gridSamples < 0) {
        throw new IllegalArgumentException("grid samples must be >= 0, got " + gridSamples);
      }
      if (!(priorSigma > 0)) {
        throw new IllegalArgumentException("prior sigma must be positive, got " + priorSigma);
      }
    }

    public static Options defaults() {
      return new Options(16, 16, Double.NaN, PRIOR_SIGMA);
    }
  }

  public static final String BLACK_IMAGE = "audio + black image";
  public static final String BACKGROUND_NOISE = "video + background noise";
  public static final String TILED_MFCC = "tiled MFCC";
  public static final String CENTRE_PRIOR = "centre prior";

  static final int PIXELS = ModelShapes.ROWS * ModelShapes.COLS;
  static final int IMAGE = PIXELS * MfccSpec.COEFFICIENTS;

  private final List<Model> models;
  private final Map<Long, String> classNames;
  private final Long noiseOnlyClass;
  private final Options options;
  private final int totalFrames;
  private final List<Row> rows = new ArrayList<>();
  private final float[] prior;
  private final Scores truthSounding = new Scores();
  private final Scores truthNoise = new Scores();
  private final TreeMap<Long, Integer> classFrames = new TreeMap<>();
  private final TreeSet<Integer> gridIndices = new TreeSet<>();
  private final List<GridSample> grid = new ArrayList<>();
  private double truthCoverage;
  private int seen;
  private int sounding;
  private int noise;
  private int boxed;
  private int truthPeaksOnObject;

  /** The labelled frames' classes and scenes, and each model's latent of each (KNN). */
  private final List<Long> knnLabels = new ArrayList<>();

  private final List<String> knnScenes = new ArrayList<>();
  private final List<List<float[]>> latents = new ArrayList<>();
  private final boolean[] withoutLatent;

  /**
   * @param classNames names by class id (missing ones read "class N")
   * @param noiseOnlyClass the class of noise-only seconds, if the dataset has one
   * @param totalFrames how many frames {@link #accept} will get, to place the grid's samples
   */
  public Evaluation(
      List<Model> models,
      Map<Long, String> classNames,
      OptionalLong noiseOnlyClass,
      Options options,
      int totalFrames) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("nothing to evaluate: no model");
    }
    this.models = List.copyOf(models);
    this.classNames = Map.copyOf(classNames);
    this.noiseOnlyClass = noiseOnlyClass.isPresent() ? noiseOnlyClass.getAsLong() : null;
    this.options = options;
    this.totalFrames = totalFrames;
    this.withoutLatent = new boolean[models.size()];
    for (Model m : models) {
      latents.add(new ArrayList<>());
      rows.add(new Row(m.name(), "model", m.name(), true));
      rows.add(new Row(m.name() + ": " + BLACK_IMAGE, "ablation", m.name(), true));
      rows.add(new Row(m.name() + ": " + BACKGROUND_NOISE, "ablation", m.name(), true));
    }
    rows.add(new Row(TILED_MFCC, "baseline", null, true));
    rows.add(new Row(CENTRE_PRIOR, "baseline", null, false));
    prior = centrePrior(ModelShapes.ROWS, ModelShapes.COLS, options.priorSigma());
    // one frame from each of n equal stretches, at a different entry of its second each time
    int n = Math.min(options.gridSamples(), totalFrames);
    for (int i = 0; i < n; i++) {
      int from = (int) ((long) i * totalFrames / n);
      int to = (int) ((long) (i + 1) * totalFrames / n);
      int width = Math.min(to - from, 12);
      gridIndices.add(from + (5 + 7 * i) % width);
    }
  }

  /**
   * A centred Gaussian energy map: exp(−((r − r0)² / 2σr² + (c − c0)² / 2σc²)) with the centre at
   * the middle of the map and σ = {@code sigma} times the rows and the columns.
   */
  public static float[] centrePrior(int rows, int cols, double sigma) {
    float[] map = new float[rows * cols];
    double r0 = (rows - 1) / 2.0;
    double c0 = (cols - 1) / 2.0;
    double sr = sigma * rows;
    double sc = sigma * cols;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double dr = (r - r0) / sr;
        double dc = (c - c0) / sc;
        map[r * cols + c] = (float) Math.exp(-0.5 * (dr * dr + dc * dc));
      }
    }
    return map;
  }

  /**
   * Peak contrast of a map: (max − median) / median; 0 for a constant map, infinite when the median
   * is 0 and the maximum is not.
   */
  public static double peakContrast(float[] map) {
    float[] sorted = map.clone();
    Arrays.sort(sorted);
    int half = sorted.length / 2;
    double median =
        sorted.length % 2 == 1
            ? sorted[half]
            : ((double) sorted[half - 1] + (double) sorted[half]) / 2;
    double rise = sorted[sorted.length - 1] - median;
    if (rise == 0) {
      return 0;
    }
    return rise / Math.abs(median);
  }

  private boolean isNoise(FrameSample f) {
    return noiseOnlyClass != null && f.classId() == noiseOnlyClass;
  }

  /** Scores a chunk of frames: every model and ablation in batches, then the baselines. */
  public void accept(List<FrameSample> frames, Progress progress) {
    int batch = options.batch();
    int rgbValues = FrameSample.RGB_VALUES;
    int c = MfccSpec.COEFFICIENTS;
    float[] rgb = new float[batch * rgbValues];
    float[] black = new float[batch * rgbValues];
    float[] mfcc = new float[batch * c];
    float[] noiseMfcc = new float[batch * c];
    for (int start = 0; start < frames.size(); start += batch) {
      int n = Math.min(batch, frames.size() - start);
      for (int i = 0; i < n; i++) {
        FrameSample f = frames.get(start + i);
        f.rgbInto(rgb, i * rgbValues);
        System.arraycopy(f.mfcc(), 0, mfcc, i * c, c);
        System.arraycopy(f.noiseMfcc(), 0, noiseMfcc, i * c, c);
      }
      AcousticModel.Output[] outputs = new AcousticModel.Output[3 * models.size()];
      for (int m = 0; m < models.size(); m++) {
        Predictor p = models.get(m).predictor();
        outputs[3 * m] = checked(p.predict(rgb, mfcc, n), n, models.get(m).name());
        outputs[3 * m + 1] = checked(p.predict(black, mfcc, n), n, models.get(m).name());
        outputs[3 * m + 2] = checked(p.predict(rgb, noiseMfcc, n), n, models.get(m).name());
      }
      for (int i = 0; i < n; i++) {
        score(frames.get(start + i), outputs, i);
      }
      progress.frames(seen, totalFrames);
    }
  }

  private static AcousticModel.Output checked(AcousticModel.Output out, int n, String model) {
    if (out.acousticImages().length < n * IMAGE || out.energy().length < n * PIXELS) {
      throw new IllegalStateException(
          model + " returned fewer than " + n + " acoustic images and energy maps");
    }
    return out;
  }

  private void score(FrameSample f, AcousticModel.Output[] outputs, int i) {
    boolean noiseOnly = isNoise(f);
    float[] truth = EnergyMap.of(f.target());
    List<SoundingBox> boxes = new ArrayList<>();
    for (SoundingBox b : f.boxes()) {
      // every annotator agrees: the box counts twice, so the consensus map is 1 inside
      boxes.add(b);
      boxes.add(b);
    }
    boolean withBoxes = !noiseOnly && !boxes.isEmpty();
    if (noiseOnly) {
      noise++;
      truthNoise.add(peakContrast(truth));
    } else {
      sounding++;
      truthSounding.add(peakContrast(truth));
      truthCoverage += coverage(LocalizationMetrics.aboveMean(truth));
      if (withBoxes) {
        boxed++;
        if (LocalizationMetrics.peakOnBox(truth, ModelShapes.ROWS, ModelShapes.COLS, boxes)) {
          truthPeaksOnObject++;
        }
      }
    }
    classFrames.merge(f.classId(), 1, Integer::sum);
    if (f.classId() >= 0) {
      knnLabels.add(f.classId());
      knnScenes.add(f.location() >= 0 ? "scene " + f.location() : "second " + f.source());
      for (int m = 0; m < models.size(); m++) {
        float[] z = outputs[3 * m].latents();
        if (z == null) {
          withoutLatent[m] = true;
        } else if (!withoutLatent[m]) {
          int size = z.length / outputs[3 * m].batch();
          latents.get(m).add(Arrays.copyOfRange(z, i * size, (i + 1) * size));
        }
      }
    }
    boolean inGrid = gridIndices.contains(seen);
    List<float[]> generated = inGrid ? new ArrayList<>() : null;
    List<Double> ious = inGrid ? new ArrayList<>() : null;
    for (int r = 0; r < outputs.length; r++) {
      AcousticModel.Output out = outputs[r];
      float[] energy = Arrays.copyOfRange(out.energy(), i * PIXELS, (i + 1) * PIXELS);
      Double iou =
          rows.get(r).add(f, noiseOnly, truth, out.acousticImages(), i * IMAGE, energy, boxes);
      if (inGrid && r % 3 == 0) {
        generated.add(energy);
        ious.add(iou);
      }
    }
    float[] tiled = FrameSample.tile(f.mfcc());
    rows.get(outputs.length).add(f, noiseOnly, truth, tiled, 0, EnergyMap.of(tiled), boxes);
    rows.get(outputs.length + 1).add(f, noiseOnly, truth, null, 0, prior, boxes);
    if (inGrid) {
      grid.add(new GridSample(f, truth, generated, ious));
    }
    seen++;
  }

  private static double coverage(boolean[] mask) {
    int on = 0;
    for (boolean b : mask) {
      if (b) {
        on++;
      }
    }
    return (double) on / mask.length;
  }

  /** The report over every frame accepted so far. */
  public Report finish() {
    FlatnessCheck check =
        FlatnessCheck.of(truthSounding.values(), truthNoise.values(), options.flatThreshold());
    Map<String, NearestNeighbours.Accuracy> knn = nearestNeighbours();
    List<RowReport> reports = new ArrayList<>();
    for (Row r : rows) {
      reports.add(r.report(check.threshold(), r.kind.equals("model") ? knn.get(r.model) : null));
    }
    List<ClassInfo> classes = new ArrayList<>();
    classFrames.forEach(
        (id, n) ->
            classes.add(
                new ClassInfo(
                    id, name(id), n, noiseOnlyClass != null && id.equals(noiseOnlyClass))));
    return new Report(
        seen,
        sounding,
        noise,
        boxed,
        noiseOnlyClass,
        sounding == 0 ? null : truthCoverage / sounding,
        boxed == 0 ? null : (double) truthPeaksOnObject / boxed,
        coverage(LocalizationMetrics.aboveMean(prior)),
        options.priorSigma(),
        options.flatNoiseShare(),
        options.confirmation(),
        LocalizationMetrics.thresholds(),
        reports,
        classes,
        check,
        models.stream().map(Model::name).toList(),
        grid,
        new KnnSetup(
            NearestNeighbours.K,
            KnnSetup.PROTOCOL,
            knnLabels.size(),
            models.stream().filter(m -> knn.containsKey(m.name())).map(Model::name).toList()));
  }

  /** Each model's KNN accuracy, for the models that returned a latent for every frame. */
  private Map<String, NearestNeighbours.Accuracy> nearestNeighbours() {
    Map<String, NearestNeighbours.Accuracy> out = new LinkedHashMap<>();
    long[] labels = knnLabels.stream().mapToLong(Long::longValue).toArray();
    Object[] scenes = knnScenes.toArray();
    for (int m = 0; m < models.size(); m++) {
      if (withoutLatent[m] || latents.get(m).isEmpty()) {
        continue;
      }
      NearestNeighbours.Accuracy a =
          NearestNeighbours.leaveGroupOut(
              latents.get(m).toArray(float[][]::new), labels, scenes, NearestNeighbours.K);
      if (a != null) {
        out.put(models.get(m).name(), a);
      }
    }
    return out;
  }

  private String name(long id) {
    String n = classNames.get(id);
    return n != null ? n : id < 0 ? "unlabelled" : "class " + id;
  }

  /** Growable list of doubles. */
  static final class Scores {
    private double[] values = new double[64];
    private int size;

    void add(double v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, 2 * size);
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    double[] values() {
      return Arrays.copyOf(values, size);
    }
  }

  /** One class's scores in one row. */
  private static final class ClassScores {
    final Scores iou = new Scores();
    final Scores ciou = new Scores();
    double squares;
    int frames;
  }

  /** The running sums of one row. */
  private final class Row {
    final String name;
    final String kind;
    final String model;
    final boolean hasImage;
    final Scores iou = new Scores();
    final Scores ciou = new Scores();
    int peaksOnObject;

    /** Every frame's peak contrast in order: the contrast shares and the confirmation read it. */
    final List<Judged> judged = new ArrayList<>();

    final double[] groupSquares = new double[4];
    double squares;
    double noiseSquares;
    final Map<Long, ClassScores> perClass = new TreeMap<>();

    Row(String name, String kind, String model, boolean hasImage) {
      this.name = name;
      this.kind = kind;
      this.model = model;
      this.hasImage = hasImage;
    }

    /** Adds one frame; returns its IoU, or null for a noise-only frame. */
    Double add(
        FrameSample f,
        boolean noiseOnly,
        float[] truth,
        float[] image,
        int offset,
        float[] energy,
        List<SoundingBox> boxes) {
      ClassScores cls = perClass.computeIfAbsent(f.classId(), k -> new ClassScores());
      cls.frames++;
      if (image != null) {
        float[] target = f.target();
        double sum = 0;
        double[] groups = new double[4];
        for (int p = 0; p < IMAGE; p++) {
          double d = image[offset + p] - target[p];
          sum += d * d;
          groups[(p % MfccSpec.COEFFICIENTS) / 3] += d * d;
        }
        double mse = sum / IMAGE;
        cls.squares += mse;
        if (noiseOnly) {
          noiseSquares += mse;
        } else {
          squares += mse;
          for (int g = 0; g < 4; g++) {
            groupSquares[g] += groups[g] / (IMAGE / 4.0);
          }
        }
      }
      double contrast = peakContrast(energy);
      judged.add(new Judged(f.source(), f.entry(), noiseOnly, contrast));
      if (noiseOnly) {
        return null;
      }
      double score = LocalizationMetrics.iou(truth, energy);
      iou.add(score);
      cls.iou.add(score);
      if (!boxes.isEmpty()) {
        double c = LocalizationMetrics.ciou(energy, ModelShapes.ROWS, ModelShapes.COLS, boxes);
        ciou.add(c);
        cls.ciou.add(c);
        if (LocalizationMetrics.peakOnBox(energy, ModelShapes.ROWS, ModelShapes.COLS, boxes)) {
          peaksOnObject++;
        }
      }
      return score;
    }

    /**
     * The shares of noise-only and sounding frames published without a source, under the options'
     * confirmation rule: each second (source file) is one stream, its entries its windows. Only
     * windows with the rule's whole history in their second count, since a camera's stream is
     * continuous where a dataset's seconds are cut apart.
     */
    double[] confirmedFlat(double threshold) {
      SourceConfirmation rule = options.confirmation();
      SourceConfirmation.History history = SourceConfirmation.History.EMPTY;
      String stream = null;
      int position = 0;
      int lastEntry = -1;
      int noiseFlat = 0;
      int noiseFrames = 0;
      int soundingFlat = 0;
      int soundingFrames = 0;
      for (Judged j : judged) {
        if (!j.source().equals(stream)) {
          stream = j.source();
          history = SourceConfirmation.History.EMPTY;
          position = 0;
        } else if (j.entry() <= lastEntry) {
          throw new IllegalStateException(
              stream
                  + ": entry "
                  + j.entry()
                  + " after "
                  + lastEntry
                  + "; frames must come in order");
        }
        lastEntry = j.entry();
        boolean own = j.contrast() >= threshold;
        boolean flat = !rule.confirms(history, j.entry(), own);
        history = rule.after(history, j.entry(), own);
        if (position++ < rule.windows() - 1) {
          continue;
        }
        if (j.noiseOnly()) {
          noiseFrames++;
          noiseFlat += flat ? 1 : 0;
        } else {
          soundingFrames++;
          soundingFlat += flat ? 1 : 0;
        }
      }
      return new double[] {
        noiseFrames == 0 ? Double.NaN : (double) noiseFlat / noiseFrames,
        soundingFrames == 0 ? Double.NaN : (double) soundingFlat / soundingFrames
      };
    }

    /** The peak contrasts of the noise-only frames, or of the sounding ones, in order. */
    double[] contrasts(boolean noiseOnly) {
      return judged.stream()
          .filter(j -> j.noiseOnly() == noiseOnly)
          .mapToDouble(Judged::contrast)
          .toArray();
    }

    RowReport report(Double threshold, NearestNeighbours.Accuracy knn) {
      double[] noise = contrasts(true);
      double[] sounding = contrasts(false);
      double[] confirmed = threshold == null ? null : confirmedFlat(threshold);
      int n = iou.size();
      Curve loc = Curve.of(iou.values());
      Curve con = Curve.of(ciou.values());
      double[] groups = null;
      if (hasImage && n > 0) {
        groups = new double[4];
        for (int g = 0; g < 4; g++) {
          groups[g] = groupSquares[g] / n;
        }
      }
      List<ClassReport> classes = new ArrayList<>();
      for (Map.Entry<Long, ClassScores> e : perClass.entrySet()) {
        ClassScores s = e.getValue();
        Curve cl = Curve.of(s.iou.values());
        Curve cc = Curve.of(s.ciou.values());
        classes.add(
            new ClassReport(
                e.getKey(),
                name(e.getKey()),
                s.frames,
                hasImage ? s.squares / s.frames : null,
                cl.at50(),
                cl.auc(),
                cc.at50(),
                cc.auc(),
                s.ciou.size(),
                knn == null ? null : knn.perClass().get(e.getKey())));
      }
      return new RowReport(
          name,
          kind,
          model,
          hasImage && n > 0 ? squares / n : null,
          groups,
          loc.at50(),
          loc.auc(),
          loc.success(),
          con.at50(),
          con.auc(),
          con.success(),
          ciou.size() > 0 ? (double) peaksOnObject / ciou.size() : null,
          n,
          ciou.size(),
          hasImage && noise.length > 0 ? noiseSquares / noise.length : null,
          fractionBelow(noise, threshold),
          fractionBelow(sounding, threshold),
          confirmed == null || Double.isNaN(confirmed[0]) ? null : confirmed[0],
          confirmed == null || Double.isNaN(confirmed[1]) ? null : confirmed[1],
          Quantiles.of(sounding),
          Quantiles.of(noise),
          sounding.length > 0 && noise.length > 0 ? FlatnessCheck.derive(sounding, noise) : null,
          noise.length > 0 ? FlatnessCheck.forNoiseShare(noise, options.flatNoiseShare()) : null,
          classes,
          knn == null ? null : knn.overall());
    }
  }

  private static Double fractionBelow(double[] values, Double threshold) {
    if (threshold == null || values.length == 0) {
      return null;
    }
    int below = 0;
    for (double v : values) {
      if (v < threshold) {
        below++;
      }
    }
    return (double) below / values.length;
  }

  /** Success rates over the 11 thresholds, their value at 0.5 and their area; nulls if empty. */
  record Curve(double[] success, Double at50, Double auc) {
    static Curve of(double[] scores) {
      if (scores.length == 0) {
        return new Curve(null, null, null);
      }
      double[] s = LocalizationMetrics.successRate(scores);
      return new Curve(s, s[5], LocalizationMetrics.auc(s));
    }
  }

  /** Distribution summary; infinite values are counted but left out of the quantiles. */
  public record Quantiles(
      int count,
      int infinite,
      Double min,
      Double p5,
      Double p25,
      Double median,
      Double p75,
      Double p95,
      Double max) {
    static Quantiles of(double[] values) {
      double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
      int infinite = values.length - finite.length;
      if (finite.length == 0) {
        return new Quantiles(values.length, infinite, null, null, null, null, null, null, null);
      }
      return new Quantiles(
          values.length,
          infinite,
          finite[0],
          quantile(finite, 0.05),
          quantile(finite, 0.25),
          quantile(finite, 0.5),
          quantile(finite, 0.75),
          quantile(finite, 0.95),
          finite[finite.length - 1]);
    }

    /** Linear interpolation between order statistics (numpy's default). */
    static double quantile(double[] sorted, double q) {
      double pos = q * (sorted.length - 1);
      int lo = (int) Math.floor(pos);
      int hi = Math.min(lo + 1, sorted.length - 1);
      return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
  }

  /**
   * When an energy map "reads as flat (no source)": its {@link #peakContrast} is below a threshold.
   * Unless one is given, the threshold comes from the ground truth, not from any model: among the
   * geometric midpoints between neighbouring contrasts of the true energy maps, the one with the
   * lowest balanced error (the mean of the share of noise-only maps at or above it and the share of
   * sounding maps below it), the middle one of a run of equally good midpoints. When the two groups
   * do not overlap that is the geometric middle of the gap between them. A generated map then reads
   * as flat when its peak stands out less than that.
   *
   * @param threshold the threshold used, or null when it could not be had (no noise-only or no
   *     sounding frames and none given)
   * @param source "given" or "ground truth"
   * @param truthBalancedError the threshold's balanced error on the true maps
   * @param truthNoiseOnlyFlat share of the true noise-only maps that read as flat
   * @param truthSoundingFlat share of the true sounding maps that read as flat
   */
  public record FlatnessCheck(
      String criterion,
      Double threshold,
      String source,
      Double truthBalancedError,
      Double truthNoiseOnlyFlat,
      Double truthSoundingFlat,
      Quantiles truthSounding,
      Quantiles truthNoiseOnly) {
    static final String CRITERION =
        "energy map reads as flat (no source) when (max - median) / median < threshold";

    static FlatnessCheck of(double[] sounding, double[] noise, double given) {
      Quantiles qs = Quantiles.of(sounding);
      Quantiles qn = Quantiles.of(noise);
      if (Double.isFinite(given)) {
        return new FlatnessCheck(
            CRITERION,
            given,
            "given",
            balancedError(sounding, noise, given),
            fractionBelow(noise, given),
            fractionBelow(sounding, given),
            qs,
            qn);
      }
      if (sounding.length == 0 || noise.length == 0) {
        return new FlatnessCheck(CRITERION, null, "ground truth", null, null, null, qs, qn);
      }
      double t = derive(sounding, noise);
      return new FlatnessCheck(
          CRITERION,
          t,
          "ground truth",
          balancedError(sounding, noise, t),
          fractionBelow(noise, t),
          fractionBelow(sounding, t),
          qs,
          qn);
    }

    static Double balancedError(double[] sounding, double[] noise, double t) {
      if (sounding.length == 0 || noise.length == 0) {
        return null;
      }
      int missed = 0;
      for (double v : noise) {
        if (!(v < t)) {
          missed++;
        }
      }
      int flattened = 0;
      for (double v : sounding) {
        if (v < t) {
          flattened++;
        }
      }
      return 0.5 * ((double) missed / noise.length + (double) flattened / sounding.length);
    }

    static double derive(double[] sounding, double[] noise) {
      double[] all = new double[sounding.length + noise.length];
      System.arraycopy(sounding, 0, all, 0, sounding.length);
      System.arraycopy(noise, 0, all, sounding.length, noise.length);
      double[] distinct = Arrays.stream(all).map(v -> Math.max(0, v)).sorted().distinct().toArray();
      List<Double> candidates = new ArrayList<>();
      for (int i = 0; i + 1 < distinct.length; i++) {
        candidates.add(midpoint(distinct[i], distinct[i + 1]));
      }
      if (candidates.isEmpty()) {
        candidates.add(distinct[0] > 0 ? distinct[0] * 2 : 1e-9);
      }
      double best = Double.POSITIVE_INFINITY;
      List<Double> ties = new ArrayList<>();
      for (double t : candidates) {
        double e = balancedError(sounding, noise, t);
        if (e < best - 1e-12) {
          best = e;
          ties.clear();
          ties.add(t);
        } else if (Math.abs(e - best) <= 1e-12) {
          ties.add(t);
        }
      }
      return ties.get(ties.size() / 2);
    }

    /**
     * The lowest threshold, a midpoint between neighbouring distinct contrasts (or above the
     * largest), below which at least {@code share} of the noise-only maps fall; infinite when more
     * than the rest of them have an infinite contrast.
     */
    static double forNoiseShare(double[] noise, double share) {
      double[] distinct =
          Arrays.stream(noise).map(v -> Math.max(0, v)).sorted().distinct().toArray();
      for (int i = 0; i < distinct.length; i++) {
        double t =
            midpoint(
                distinct[i], i + 1 < distinct.length ? distinct[i + 1] : Double.POSITIVE_INFINITY);
        if (fractionBelow(noise, t) >= share) {
          return t;
        }
      }
      // the share is not reached below infinity: maps with a zero median (infinite contrast)
      return Double.POSITIVE_INFINITY;
    }

    private static double midpoint(double a, double b) {
      if (Double.isInfinite(b)) {
        return a * 2 + 1;
      }
      return a > 0 ? Math.sqrt(a * b) : b / 2;
    }
  }

  /** One class of the evaluated frames. */
  public record ClassInfo(long id, String name, int frames, boolean noiseOnly) {}

  /**
   * One class in one row; IoU columns are null for noise-only frames, cIoU ones without boxes.
   *
   * @param knn share of the class's frames the row's KNN classifier gives their own class; null for
   *     rows without a latent
   */
  public record ClassReport(
      long id,
      String name,
      int frames,
      Double mse,
      Double iou50,
      Double auc,
      Double ciou50,
      Double cauc,
      int boxedFrames,
      Double knn) {}

  /**
   * One row of the table.
   *
   * @param kind "model", "ablation" or "baseline"
   * @param model the model a model or ablation row belongs to
   * @param mse mean over the sounding frames of the acoustic image's mean squared error; null for
   *     the centre prior
   * @param mseGroups the MSE of coefficient groups 0-2, 3-5, 6-8 and 9-11 (§4.2)
   * @param success IoU success rate at thresholds 0.0, 0.1, ..., 1.0
   * @param peakOnObject share of the boxed frames whose energy peak lies on a sounding object's box
   *     ({@link LocalizationMetrics#peakOnBox}): how often the direction a stream publishes is on
   *     the object that sounds; null without boxes
   * @param frames sounding frames scored
   * @param boxedFrames frames scored by cIoU
   * @param noiseOnlyMse the MSE on noise-only frames
   * @param noiseOnlyFlat share of noise-only frames whose energy map reads as flat
   * @param soundingFlat share of sounding frames whose energy map reads as flat
   * @param noiseOnlyFlatConfirmed share of noise-only frames a stream publishes without a source
   *     under the options' {@link SourceConfirmation}: flat, or not confirmed by the frames before
   *     it in its second; of the frames with the rule's whole history in their second
   * @param soundingFlatConfirmed the same share of sounding frames
   * @param fittedFlatThreshold this row's own threshold with the lowest balanced error on these
   *     frames (as {@link FlatnessCheck} derives one from the true maps); fitted on the validation
   *     split, it is the threshold to test and ship the model with; null without both kinds of
   *     frame
   * @param noiseShareThreshold this row's lowest threshold that reads the options' share (0.97 by
   *     default) of its noise-only maps as flat: the operating point for alerts, where a false
   *     source raises an alarm and a sounding window read as flat only thins a track; null without
   *     noise-only frames
   * @param knn accuracy of the k-nearest-neighbour classifier over the model's latents ({@link
   *     KnnSetup}); null for ablations, baselines and models that return no latent
   */
  public record RowReport(
      String name,
      String kind,
      String model,
      Double mse,
      double[] mseGroups,
      Double iou50,
      Double auc,
      double[] success,
      Double ciou50,
      Double cauc,
      double[] ciouSuccess,
      Double peakOnObject,
      int frames,
      int boxedFrames,
      Double noiseOnlyMse,
      Double noiseOnlyFlat,
      Double soundingFlat,
      Double noiseOnlyFlatConfirmed,
      Double soundingFlatConfirmed,
      Quantiles contrastSounding,
      Quantiles contrastNoiseOnly,
      Double fittedFlatThreshold,
      Double noiseShareThreshold,
      List<ClassReport> perClass,
      Double knn) {}

  /**
   * How the rows' KNN accuracy was measured.
   *
   * @param k neighbours that vote (fewer where fewer frames are left to vote)
   * @param protocol which frames are the reference and which the queries
   * @param frames labelled frames classified (class id &gt;= 0)
   * @param models the models whose rows have a KNN accuracy: those that return a latent
   */
  public record KnnSetup(int k, String protocol, int frames, List<String> models) {
    public static final String PROTOCOL =
        "leave-one-scene-out over the evaluated split: each labelled frame's latent is"
            + " classified by the latents of the frames of the other scenes (location; the other"
            + " seconds where the dataset names none), Euclidean, majority vote, a tie to the"
            + " class of the nearest";
  }

  /** One frame's place in its stream and its map's peak contrast, for the confirmation rule. */
  private record Judged(String source, int entry, boolean noiseOnly, double contrast) {}

  /** A frame kept for the picture: its true energy map and each model's. */
  public record GridSample(
      FrameSample frame, float[] truthEnergy, List<float[]> generated, List<Double> iou) {}

  /**
   * Everything the evaluation found.
   *
   * @param truthMaskCoverage mean share of the 36 x 48 map the true masks (E &gt; mean) cover
   * @param truthPeakOnObject share of the boxed frames whose true energy map peaks on a sounding
   *     object's box: the ceiling of the rows' "peak on object"
   * @param priorMaskCoverage share the centre prior's mask covers
   */
  public record Report(
      int frames,
      int soundingFrames,
      int noiseOnlyFrames,
      int boxedFrames,
      Long noiseOnlyClass,
      Double truthMaskCoverage,
      Double truthPeakOnObject,
      double priorMaskCoverage,
      double priorSigma,
      double flatNoiseShare,
      SourceConfirmation confirmation,
      double[] thresholds,
      List<RowReport> rows,
      List<ClassInfo> classes,
      FlatnessCheck flatness,
      List<String> models,
      List<GridSample> grid,
      KnnSetup knn) {

    /** The row named {@code name}. */
    public RowReport row(String name) {
      for (RowReport r : rows) {
        if (r.name().equals(name)) {
          return r;
        }
      }
      throw new IllegalArgumentException("no row " + name);
    }

    /** The JSON document: everything but the grid's pixels. */
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("frames", frames);
      m.put("soundingFrames", soundingFrames);
      m.put("noiseOnlyFrames", noiseOnlyFrames);
      m.put("boxedFrames", boxedFrames);
      m.put("noiseOnlyClass", noiseOnlyClass);
      m.put("truthMaskCoverage", truthMaskCoverage);
      m.put("truthPeakOnObject", truthPeakOnObject);
      m.put("priorSigma", priorSigma);
      m.put("priorMaskCoverage", priorMaskCoverage);
      m.put("flatNoiseShare", flatNoiseShare);
      m.put("confirmation", confirmation);
      m.put("thresholds", thresholds);
      m.put("models", models);
      m.put("classes", classes);
      m.put("rows", rows);
      m.put("flatness", flatness);
      m.put("knn", knn);
      List<Map<String, Object>> samples = new ArrayList<>();
      for (GridSample g : grid) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("source", g.frame().source());
        s.put("entry", g.frame().entry());
        s.put("class", g.frame().classId());
        s.put("iou", g.iou());
        samples.add(s);
      }
      m.put("gridSamples", samples);
      return m;
    }
  }
}
