package ai.avloc.cli.demo;

import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.beamforming.AcousticImager;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.acoustics.io.Npy;
import ai.avloc.acoustics.io.NpyArray;
import ai.avloc.cli.Inputs;
import ai.avloc.cli.ProgressBars;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneSimulator;
import ai.avloc.simulator.Simulation;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;

/**
 * The imaging core alone on a simulated recording: a scene rendered for its microphone array,
 * acoustic images and beamforming maps every 1/12 s, each map's highest peak against the true
 * source directions in a printed table, and PNG heatmaps, the arrays (.npy) and the median errors
 * written into the output folder.
 */
public final class OfflineDemo {
  /** Frames per acoustic-imager call. */
  private static final int BATCH = 12;

  /** Heatmap tiles per picture. */
  private static final int TILES = 12;

  /**
   * What the offline demo runs.
   *
   * @param scenePath the scene JSON
   * @param grid the camera's look directions
   * @param bandLowHz lower edge of the beamforming map's band
   * @param bandHighHz upper edge, or NaN for up to Nyquist
   * @param band the band as typed, for titles
   * @param out the output folder
   */
  public record Options(
      Path scenePath, LookGrid grid, double bandLowHz, double bandHighHz, String band, Path out) {}

  /** Every window's acoustic image, energy map and beamforming map, window after window. */
  private record Maps(int frames, float[] images, float[] energy, float[] power) {}

  private final Options o;
  private final LookGrid grid;
  private Scene scene;
  private Simulation simulation;

  public OfflineDemo(Options o) {
    this.o = o;
    this.grid = o.grid();
  }

  public int run() throws IOException {
    Files.createDirectories(o.out());
    scene = Scene.parse(o.scenePath());
    float[][] channels = simulate();
    int frames = channels[0].length / WindowClock.SAMPLES_PER_WINDOW;
    float[] images = acousticImages(channels, frames);
    float[] energy = EnergyMap.of(images);
    float[] power = beamformingMaps(channels);
    localize(new Maps(frames, images, energy, power));
    return 0;
  }

  /** Renders the scene and brings every channel to the model's rate in PCM16 units. */
  private float[][] simulate() {
    MicArray array = scene.array();
    System.out.printf(
        Locale.ROOT,
        "[1/4] simulating %s: %.1f s, %d source(s), array %s (%d mics)%n",
        o.scenePath(),
        scene.duration(),
        scene.sources().size(),
        array.name(),
        array.size());
    simulation = SceneSimulator.render(scene);
    return Inputs.modelRateChannels(simulation.audio());
  }

  private float[] acousticImages(float[][] channels, int frames) {
    System.out.printf(Locale.ROOT, "[2/4] acoustic images: %d frames x 36 x 48 x 12%n", frames);
    float[] images = new float[frames * grid.size() * MfccSpec.COEFFICIENTS];
    try (AcousticImager imager = new AcousticImager(steering(), BATCH);
        ProgressBar bar = ProgressBars.builder("acoustic images").setInitialMax(frames).build()) {
      for (int done = 0; done < frames; done += BATCH) {
        int n = Math.min(BATCH, frames - done);
        float[] part = imager.images(channels, done * WindowClock.SAMPLES_PER_WINDOW, n);
        System.arraycopy(part, 0, images, done * imager.imageSize(), part.length);
        bar.stepBy(n);
      }
    }
    return images;
  }

  /** The scene's array steered over the camera's view, at the scene's speed of sound. */
  private BeamSteering steering() {
    return BeamSteering.classic(scene.array(), grid).withSpeedOfSound(scene.speedOfSound());
  }

  private float[] beamformingMaps(float[][] channels) {
    System.out.println("[3/4] beamforming maps, band " + o.band() + " Hz, one per 1/12 s");
    int[] bins =
        BeamformingMap.bins(
            WindowClock.SAMPLE_RATE, WindowClock.SAMPLES_PER_WINDOW, o.bandLowHz(), o.bandHighHz());
    return BeamformingMap.sequence(
        steering(),
        channels,
        WindowClock.SAMPLE_RATE,
        WindowClock.SAMPLES_PER_WINDOW,
        WindowClock.SAMPLES_PER_WINDOW,
        bins);
  }

  /** Prints one table row per window, then writes the pictures, the arrays and the summary. */
  private void localize(Maps maps) throws IOException {
    int sources = scene.sources().size();
    System.out.println(
        "[4/4] localization: each map's highest peak against the nearest true source");
    StringBuilder header = new StringBuilder("   time  |");
    for (int i = 0; i < sources; i++) {
      header.append(String.format(Locale.ROOT, " %-10s|", scene.sources().get(i).name()));
    }
    System.out.println(header + " beamforming peak (err) | energy peak (err)");
    int d = grid.size();
    List<Double> powerErrors = new ArrayList<>();
    List<Double> energyErrors = new ArrayList<>();
    List<BufferedImage> powerTiles = new ArrayList<>();
    List<BufferedImage> energyTiles = new ArrayList<>();
    int tileStep = Math.max(1, maps.frames() / TILES);
    for (int f = 0; f < maps.frames(); f++) {
      double t = (f + 0.5) / WindowClock.WINDOWS_PER_SECOND;
      int[] truth = new int[sources];
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %5.2f s |", t));
      for (int i = 0; i < sources; i++) {
        truth[i] = grid.nearestIndex(simulation.trueDirection(i, t));
        line.append(
            String.format(
                Locale.ROOT, " (%2d, %2d)  |", truth[i] / grid.cols(), truth[i] % grid.cols()));
      }
      float[] powerMap = Arrays.copyOfRange(maps.power(), f * d, (f + 1) * d);
      float[] energyMap = Arrays.copyOfRange(maps.energy(), f * d, (f + 1) * d);
      Peak p = best(powerMap, grid);
      Peak e = best(energyMap, grid);
      double pe = nearestError(p, truth, grid);
      double ee = nearestError(e, truth, grid);
      powerErrors.add(pe);
      energyErrors.add(ee);
      System.out.println(
          line + String.format(Locale.ROOT, " %-22s | %s", cell(p, pe), cell(e, ee)));
      if (f % tileStep == 0 && powerTiles.size() < TILES) {
        String title = String.format(Locale.ROOT, "t = %.2f s", t);
        powerTiles.add(tile(powerMap, title, "band power", truth, p));
        energyTiles.add(tile(energyMap, title, "energy", truth, e));
      }
    }
    write(maps, powerTiles, energyTiles);
    printSummary(maps.frames(), powerErrors, energyErrors);
  }

  private BufferedImage tile(float[] map, String title, String unit, int[] truth, Peak found) {
    return Heatmap.render(
        map,
        grid.rows(),
        grid.cols(),
        Heatmap.Style.titled(title, unit).withMarkers(markers(scene, truth, found, grid)));
  }

  private void write(Maps maps, List<BufferedImage> powerTiles, List<BufferedImage> energyTiles)
      throws IOException {
    Heatmap.writeGrid(
        o.out().resolve("beamforming.png"),
        powerTiles,
        4,
        "Beamforming maps " + o.band() + " Hz, true vs found");
    Heatmap.writeGrid(
        o.out().resolve("energy.png"),
        energyTiles,
        4,
        "Energy maps of the acoustic images, true vs found");
    Npy.write(
        o.out().resolve("acoustic-images.npy"),
        new NpyArray(new int[] {maps.frames(), grid.rows(), grid.cols(), 12}, maps.images()));
    Npy.write(
        o.out().resolve("energy.npy"),
        new NpyArray(new int[] {maps.frames(), grid.rows(), grid.cols()}, maps.energy()));
  }

  private void printSummary(int frames, List<Double> powerErrors, List<Double> energyErrors) {
    System.out.printf(
        Locale.ROOT,
        "%nmedian error over %d frames: beamforming %.2f cells, energy %.2f cells%n",
        frames,
        median(powerErrors),
        median(energyErrors));
    System.out.println(
        "(the energy map is the paper's spectral-shape cue: it favours broadband sources and is"
            + " weak on tonal ones; the beamforming map is the array camera's localization; docs/decisions.md)");
    System.out.println("pictures and arrays: " + o.out().toAbsolutePath());
  }

  private static Peak best(float[] map, LookGrid grid) {
    List<Peak> peaks = PeakFinder.find(map, grid.rows(), grid.cols(), 1, 3);
    return peaks.isEmpty() ? null : peaks.get(0);
  }

  private static double nearestError(Peak p, int[] truth, LookGrid grid) {
    if (p == null) {
      return Double.NaN;
    }
    double best = Double.POSITIVE_INFINITY;
    for (int cell : truth) {
      best = Math.min(best, Math.hypot(p.row() - cell / grid.cols(), p.col() - cell % grid.cols()));
    }
    return best;
  }

  private static List<Heatmap.Marker> markers(Scene scene, int[] truth, Peak found, LookGrid grid) {
    List<Heatmap.Marker> markers = new ArrayList<>();
    for (int i = 0; i < truth.length; i++) {
      markers.add(
          new Heatmap.Marker(
              truth[i] / grid.cols(),
              truth[i] % grid.cols(),
              scene.sources().get(i).name(),
              Color.WHITE));
    }
    if (found != null) {
      markers.add(new Heatmap.Marker(found.row(), found.col(), "found", Color.MAGENTA));
    }
    return markers;
  }

  private static String cell(Peak p, double error) {
    return p == null
        ? "none"
        : String.format(Locale.ROOT, "(%2d, %2d) (%.1f)", p.row(), p.col(), error);
  }

  /** The median of the values that are numbers; NaN when none is. */
  static double median(List<Double> values) {
    double[] v =
        values.stream().filter(x -> !x.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
