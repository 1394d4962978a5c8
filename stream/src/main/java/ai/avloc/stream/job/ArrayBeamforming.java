package ai.avloc.stream.job;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.beamforming.BandPowerMapper;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.BlasThreads;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.WindowClock;
import ai.avloc.serving.beamforming.BeamformingGraph;
import ai.avloc.serving.beamforming.BeamformingModel;
import ai.avloc.serving.beamforming.ImagingBackend;
import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.features.Localizations;
import ai.avloc.stream.kafka.Failed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The array path: each window's band-power map over the camera's view, by filter-and-sum
 * beamforming, batched per microphone geometry. The published map is the band power itself, not the
 * paper's energy map of a beamformed acoustic image: the energy map is a spectral-shape cue that
 * misses tonal sources, while band power localizes every source the array hears
 * (docs/decisions.md).
 *
 * <p>The maps come from the Java sgemm beamformer or from the same arithmetic as a TensorFlow graph
 * served through DJL ({@link BeamformingGraph}), chosen once at open ({@link ImagingBackend}: by
 * default the graph when TensorFlow sees a GPU, else Java, the faster on a CPU) and logged.
 *
 * <p>A map that is not finite (absurd samples overflow float32 power) cannot be searched for peaks:
 * its window is published uninferred and dead-lettered with the first bad cell.
 */
public final class ArrayBeamforming extends BatchingOperator<ArrayWindow> {
  /** The map over the camera's view: 36 x 48 cells, as the mono path's. */
  static final int ROWS = 36;

  static final int COLS = 48;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ArrayBeamforming.class);

  private final double hfovDeg;
  private final double vfovDeg;
  private final double lowHz;
  private final double highHz;
  private final String arrayTopic;
  private final String imaging;
  private final int binStride;

  private transient Map<String, BandPowerMapper> mappers;
  private transient Map<String, BeamformingModel> graphs;
  private transient ImagingBackend backend;
  private transient LookGrid grid;
  private transient int[] bins;
  private transient int stride;
  private transient boolean blasJoined;

  /**
   * @param hfovDeg horizontal field of view of the cameras, degrees
   * @param vfovDeg vertical field of view, degrees
   * @param lowHz lower edge of the band summed into the map
   * @param highHz upper edge of the band
   * @param arrayTopic named in the dead letters of windows that failed
   * @param imaging the implementation: {@code auto}, {@code java} or {@code tensorflow} ({@link
   *     ImagingBackend#choose})
   * @param binStride the Java path sums every {@code binStride}-th bin of a window's spectrum
   *     ({@link BandPowerMapper#ofBand}): 1 gives the exact map; the TensorFlow graph always sums
   *     every bin
   */
  public ArrayBeamforming(
      double hfovDeg,
      double vfovDeg,
      double lowHz,
      double highHz,
      int maxBatch,
      long maxWaitMillis,
      String arrayTopic,
      String imaging,
      int binStride) {
    super(maxBatch, maxWaitMillis);
    this.imaging = ImagingBackend.check(imaging);
    checkBinStride(binStride);
    this.binStride = binStride;
    this.hfovDeg = hfovDeg;
    this.vfovDeg = vfovDeg;
    this.lowHz = lowHz;
    this.highHz = highHz;
    this.arrayTopic = arrayTopic;
  }

  /**
   * A bin stride that divides a window into even sub-frames of at least 16 samples.
   *
   * @return the stride
   */
  public static int checkBinStride(int binStride) {
    int n = WindowClock.SAMPLES_PER_WINDOW;
    if (binStride < 1 || n % binStride != 0 || (n / binStride) % 2 != 0 || n / binStride < 16) {
      throw new IllegalArgumentException(
          "--array-bin-stride must divide a window's "
              + n
              + " samples into even sub-frames of at least 16: 1, 2, 4, ..., 64; got "
              + binStride);
    }
    return binStride;
  }

  /**
   * The model id published with array windows: geometry, band and view, and the bin stride when the
   * map sums fewer than every bin ({@code :bins/2}). Before open, the configured stride; after, the
   * one the chosen implementation uses.
   */
  public String modelId(String geometryId) {
    int k = binStride();
    return String.format(
            Locale.ROOT,
            "beamforming:%s:%.0f-%.0fHz:fov%.0fx%.0f",
            geometryId,
            lowHz,
            highHz,
            hfovDeg,
            vfovDeg)
        + (k == 1 ? "" : ":bins/" + k);
  }

  @Override
  protected void openModel() {
    mappers = new HashMap<>();
    graphs = new HashMap<>();
    backend = ImagingBackend.choose(imaging);
    LOG.info(backend.logLine());
    stride = backend.tensorflow() ? 1 : binStride;
    if (binStride > 1) {
      LOG.info(
          backend.tensorflow()
              ? "array bin stride {} not used: the TensorFlow graph sums every bin"
              : "array maps sum every {}th bin of the band (sub-frames, docs/beamform.md)",
          binStride);
    }
    grid = LookGrid.cameraFov(hfovDeg, vfovDeg, ROWS, COLS);
    bins =
        BeamformingMap.bins(WindowClock.SAMPLE_RATE, WindowClock.SAMPLES_PER_WINDOW, lowHz, highHz);
    // this task's products share the cores with the other array tasks of this JVM
    BlasThreads.join();
    blasJoined = true;
  }

  /** Which implementation this operator beamforms with; null before open. */
  ImagingBackend backend() {
    return backend;
  }

  /**
   * The bin stride of the maps this operator makes: the configured one before open, then the chosen
   * implementation's (1 on the graph).
   */
  int binStride() {
    return backend == null ? binStride : stride;
  }

  /** The maps of one geometry's windows, [window * cells + cell], by the chosen implementation. */
  private float[] maps(String geometryId, List<ArrayWindow> windows) {
    int n = WindowClock.SAMPLES_PER_WINDOW;
    int mics = windows.get(0).channels();
    if (backend.tensorflow()) {
      BeamformingModel model =
          graphs.computeIfAbsent(
              geometryId,
              id ->
                  BeamformingModel.load(
                      BeamformingGraph.bandPower(
                          BeamSteering.classic(BuiltinArrays.byName(id), grid), bins),
                      BeamformingGraph.defaultCacheRoot()));
      if (mics != model.graph().mics()) {
        throw new IllegalArgumentException(
            "audio has "
                + mics
                + " channels, the array has "
                + model.graph().mics()
                + " microphones");
      }
      // a window holds its microphones one after the other: the graph's [window, mic, sample]
      float[] samples = new float[windows.size() * mics * n];
      for (int k = 0; k < windows.size(); k++) {
        System.arraycopy(windows.get(k).samples(), 0, samples, k * mics * n, mics * n);
      }
      return model.apply(samples, windows.size());
    }
    // one recording of the batch's windows back to back, so each window is one block
    float[][] channels = new float[mics][windows.size() * n];
    for (int k = 0; k < windows.size(); k++) {
      float[] samples = windows.get(k).samples();
      for (int m = 0; m < mics; m++) {
        System.arraycopy(samples, m * n, channels[m], k * n, n);
      }
    }
    return mapper(geometryId).maps(channels, n, 0, windows.size());
  }

  private BandPowerMapper mapper(String geometryId) {
    return mappers.computeIfAbsent(
        geometryId,
        id -> {
          MicArray array = BuiltinArrays.byName(id);
          return BandPowerMapper.ofBand(
              BeamSteering.classic(array, grid),
              WindowClock.SAMPLE_RATE,
              WindowClock.SAMPLES_PER_WINDOW,
              lowHz,
              highHz,
              stride,
              maxBatch);
        });
  }

  @Override
  protected List<Localization> localize(List<ArrayWindow> batch, DeadLetterOutput deadLetters) {
    Map<String, List<Integer>> byGeometry = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      byGeometry.computeIfAbsent(batch.get(i).geometryId(), g -> new ArrayList<>()).add(i);
    }
    int cells = grid.size();
    float[][] maps = new float[batch.size()][];
    for (var entry : byGeometry.entrySet()) {
      List<Integer> members = entry.getValue();
      float[] power = maps(entry.getKey(), members.stream().map(batch::get).toList());
      for (int k = 0; k < members.size(); k++) {
        float[] map = new float[cells];
        System.arraycopy(power, k * cells, map, 0, cells);
        int bad = PeakFinder.firstNonFinite(map);
        if (bad >= 0) {
          ArrayWindow w = batch.get(members.get(k));
          deadLetters.send(
              failedWindow(
                  w,
                  stage(),
                  "band-power map not finite (row "
                      + bad / grid.cols()
                      + ", col "
                      + bad % grid.cols()
                      + " is "
                      + map[bad]
                      + "): absurd sample values; published uninferred"));
          continue;
        }
        maps[members.get(k)] = map;
      }
    }
    List<Localization> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      out.add(Localizations.of(window(batch.get(i), maps[i]), 0));
    }
    return out;
  }

  /** What the record of window {@code w} says, with its map (null: not inferred). */
  private Localizations.Window window(ArrayWindow w, float[] map) {
    return new Localizations.Window(
        w.streamId(),
        w.window(),
        LocalizationMode.ARRAY,
        modelId(w.geometryId()),
        map,
        ROWS,
        COLS,
        w.coverage() == 0,
        PeakFinder.DEFAULT_POWER_MAP_FLATNESS,
        null,
        w.coverage(),
        w.ingestMillis() * 1000);
  }

  @Override
  protected String stage() {
    return "beamform";
  }

  @Override
  protected Localization unlocalized(ArrayWindow w) {
    return Localizations.of(window(w, null), 0);
  }

  @Override
  protected Failed failedWindow(ArrayWindow w, String stage, String reason) {
    return failedWindow(
        arrayTopic,
        -1,
        WindowClock.startMicros(w.window()),
        w.streamId(),
        w.window(),
        stage,
        reason);
  }

  @Override
  protected void closeModel() {
    if (mappers != null) {
      mappers.values().forEach(BandPowerMapper::close);
    }
    if (graphs != null) {
      graphs.values().forEach(BeamformingModel::close);
    }
    if (blasJoined) {
      blasJoined = false;
      BlasThreads.leave();
    }
  }
}
