package ai.avloc.stream.job;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.beamforming.BandPowerMapper;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.features.Localizations;
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
 */
public final class ArrayBeamforming extends BatchingOperator<ArrayWindow> {

  private final double hfovDeg;
  private final double vfovDeg;
  private final double lowHz;
  private final double highHz;

  private transient Map<String, BandPowerMapper> mappers;
  private transient LookGrid grid;
  private transient int[] bins;

  /**
   * @param hfovDeg horizontal field of view of the cameras, degrees
   * @param vfovDeg vertical field of view, degrees
   * @param lowHz lower edge of the band summed into the map
   * @param highHz upper edge of the band
   */
  public ArrayBeamforming(
      double hfovDeg,
      double vfovDeg,
      double lowHz,
      double highHz,
      int maxBatch,
      long maxWaitMillis) {
    super(maxBatch, maxWaitMillis);
    this.hfovDeg = hfovDeg;
    this.vfovDeg = vfovDeg;
    this.lowHz = lowHz;
    this.highHz = highHz;
  }

  /** The model id published with array windows: geometry, band and view. */
  public String modelId(String geometryId) {
    return String.format(
        Locale.ROOT,
        "beamforming:%s:%.0f-%.0fHz:fov%.0fx%.0f",
        geometryId,
        lowHz,
        highHz,
        hfovDeg,
        vfovDeg);
  }

  @Override
  protected void openModel() {
    mappers = new HashMap<>();
    grid = LookGrid.cameraFov(hfovDeg, vfovDeg, 36, 48);
    bins =
        BeamformingMap.bins(WindowClock.SAMPLE_RATE, WindowClock.SAMPLES_PER_WINDOW, lowHz, highHz);
  }

  private BandPowerMapper mapper(String geometryId) {
    return mappers.computeIfAbsent(
        geometryId,
        id -> {
          MicArray array = BuiltinArrays.byName(id);
          return new BandPowerMapper(
              BeamSteering.classic(array, grid),
              WindowClock.SAMPLE_RATE,
              WindowClock.SAMPLES_PER_WINDOW,
              bins,
              maxBatch);
        });
  }

  @Override
  protected List<Localization> localize(List<ArrayWindow> batch, DeadLetterOutput deadLetters) {
    Map<String, List<Integer>> byGeometry = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      byGeometry.computeIfAbsent(batch.get(i).geometryId(), g -> new ArrayList<>()).add(i);
    }
    int n = WindowClock.SAMPLES_PER_WINDOW;
    int cells = grid.size();
    float[][] maps = new float[batch.size()][];
    for (var entry : byGeometry.entrySet()) {
      List<Integer> members = entry.getValue();
      BandPowerMapper mapper = mapper(entry.getKey());
      int mics = batch.get(members.get(0)).channels();
      // one recording of the batch's windows back to back, so each window is one block
      float[][] channels = new float[mics][members.size() * n];
      for (int k = 0; k < members.size(); k++) {
        float[] samples = batch.get(members.get(k)).samples();
        for (int m = 0; m < mics; m++) {
          System.arraycopy(samples, m * n, channels[m], k * n, n);
        }
      }
      float[] power = mapper.maps(channels, n, 0, members.size());
      for (int k = 0; k < members.size(); k++) {
        maps[members.get(k)] = new float[cells];
        System.arraycopy(power, k * cells, maps[members.get(k)], 0, cells);
      }
    }
    List<Localization> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      ArrayWindow w = batch.get(i);
      boolean silent = w.coverage() == 0;
      out.add(
          Localizations.of(
              new Localizations.Window(
                  w.streamId(),
                  w.window(),
                  LocalizationMode.ARRAY,
                  modelId(w.geometryId()),
                  maps[i],
                  grid.rows(),
                  grid.cols(),
                  silent,
                  PeakFinder.DEFAULT_POWER_MAP_FLATNESS,
                  null,
                  w.coverage(),
                  w.ingestMillis() * 1000),
              0));
    }
    return out;
  }

  @Override
  protected void closeModel() {
    if (mappers != null) {
      mappers.values().forEach(BandPowerMapper::close);
    }
  }
}
