package ai.avloc.cli;

import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.beamforming.AcousticImager;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.beamforming.Steering;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.acoustics.io.Npy;
import ai.avloc.acoustics.io.NpyArray;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneSimulator;
import ai.avloc.simulator.Simulation;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The product's front door. Live (default): the whole system on this machine, from a simulated
 * array camera (or a media file) through Kafka and Flink to localizations and alerts. Offline: the
 * imaging core alone on a simulated recording, with PNG heatmaps.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Live (default): starts a Kafka broker and a Flink cluster (own JVMs), submits the",
      "localization job, starts the alerts app, publishes a simulated array camera watching a drone",
      "cross the view (or --video FILE) at real time, and prints localizations and alerts until",
      "Ctrl-C or --duration; then stops everything it started.",
      "--offline: simulates a moving source in front of a 128-microphone array camera and localizes",
      "it every 1/12 s (beamforming map and acoustic-image energy peaks against the true",
      "direction); writes PNG heatmaps, the acoustic images (.npy) and a summary into --out."
    })
final class DemoCommand implements Callable<Integer> {
  static final String DEFAULT_SCENE = "examples/scenes/moving-drone.json";
  static final String LIVE_SCENE = "examples/scenes/demo-crossing.json";

  @Option(names = "--offline", description = "the imaging core alone, no streaming system")
  boolean offline;

  @Option(
      names = "--scene",
      description = "scene JSON (default: " + LIVE_SCENE + " live, " + DEFAULT_SCENE + " offline)")
  Path scenePath;

  @Option(names = "--video", description = "live: publish this media file instead of a scene")
  Path video;

  // vogel64 by default: on a 2-core machine the 128-mic array's beamforming, sharing the cores with
  // the broker, Flink, the simulator and the alerts app, runs seconds behind real time
  @Option(
      names = "--array",
      defaultValue = "vogel64",
      description =
          "live: the simulated camera's microphone array, vogel64 or dualcam128 (default:"
              + " ${DEFAULT-VALUE})")
  String array;

  @Option(
      names = "--rules",
      defaultValue = "examples/demo-alert-rules.yaml",
      description = "live: alert rules (default: ${DEFAULT-VALUE})")
  Path rules;

  @Option(names = "--duration", description = "live: stop after this long, e.g. 60s")
  String duration;

  @Option(
      names = "--mono",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "live: also run the mono path (the shipped U-VAE, "
              + ai.avloc.stream.job.JobConfig.SHIPPED_MODEL
              + ") on the camera's frame and microphone; --no-mono: the array path only")
  boolean mono;

  @Option(
      names = "--every",
      defaultValue = "3",
      description =
          "live: print every n-th localization (alerts always) (default: ${DEFAULT-VALUE})")
  int every;

  @Option(
      names = "--fov",
      defaultValue = "65x50",
      description = "camera field of view, degrees (default: ${DEFAULT-VALUE})")
  String fov;

  @Option(
      names = "--band",
      defaultValue = "500:5000",
      description = "band of the beamforming map, Hz (default: ${DEFAULT-VALUE})")
  String band;

  @Option(names = "--out", description = "output folder (default: runs/demo-<time>)")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!offline) {
      Path root = Path.of("").toAbsolutePath();
      Path runDir =
          out != null
              ? out
              : root.resolve("runs")
                  .resolve(
                      "live-"
                          + LocalDateTime.now()
                              .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      return new LiveDemo(
              new LiveDemo.Options(
                  root,
                  runDir,
                  scenePath != null ? scenePath : Path.of(LIVE_SCENE),
                  video,
                  array,
                  rules,
                  duration == null ? null : Inputs.duration(duration, "--duration"),
                  mono || video != null,
                  Math.max(1, every)))
          .run();
    }
    if (scenePath == null) {
      scenePath = Path.of(DEFAULT_SCENE);
    }
    if (out == null) {
      out =
          Path.of(
              "runs",
              "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    Files.createDirectories(out);
    Scene scene = Scene.parse(scenePath);
    MicArray array = scene.array();
    LookGrid grid = Inputs.fov(fov, 36, 48);
    System.out.printf(
        Locale.ROOT,
        "[1/4] simulating %s: %.1f s, %d source(s), array %s (%d mics)%n",
        scenePath,
        scene.duration(),
        scene.sources().size(),
        array.name(),
        array.size());
    Simulation simulation = SceneSimulator.render(scene);
    float[][] channels = Inputs.modelRateChannels(simulation.audio());
    int frames = channels[0].length / WindowClock.SAMPLES_PER_WINDOW;

    System.out.printf(Locale.ROOT, "[2/4] acoustic images: %d frames x 36 x 48 x 12%n", frames);
    float[] images = new float[frames * grid.size() * MfccSpec.COEFFICIENTS];
    int batch = 12;
    try (AcousticImager imager =
        new AcousticImager(array, grid, Steering.CLASSIC, scene.speedOfSound(), false, batch)) {
      for (int done = 0; done < frames; done += batch) {
        int n = Math.min(batch, frames - done);
        float[] part = imager.images(channels, done * WindowClock.SAMPLES_PER_WINDOW, n);
        System.arraycopy(part, 0, images, done * imager.imageSize(), part.length);
        System.out.printf(Locale.ROOT, "\r      %3d / %d frames", done + n, frames);
      }
      System.out.println();
    }
    float[] energy = EnergyMap.of(images);

    System.out.println("[3/4] beamforming maps, band " + band + " Hz, one per 1/12 s");
    String[] edges = band.split(":");
    int[] bins =
        BeamformingMap.bins(
            WindowClock.SAMPLE_RATE,
            WindowClock.SAMPLES_PER_WINDOW,
            Inputs.number(edges[0], "--band"),
            edges.length > 1 ? Inputs.number(edges[1], "--band") : Double.NaN);
    float[] power =
        BeamformingMap.sequence(
            array,
            grid,
            Steering.CLASSIC,
            scene.speedOfSound(),
            false,
            new double[3],
            channels,
            WindowClock.SAMPLE_RATE,
            WindowClock.SAMPLES_PER_WINDOW,
            WindowClock.SAMPLES_PER_WINDOW,
            bins);

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
    int tileStep = Math.max(1, frames / 12);
    for (int f = 0; f < frames; f++) {
      double t = (f + 0.5) / WindowClock.WINDOWS_PER_SECOND;
      int[] truth = new int[sources];
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %5.2f s |", t));
      for (int i = 0; i < sources; i++) {
        truth[i] = grid.nearestIndex(simulation.trueDirection(i, t));
        line.append(
            String.format(
                Locale.ROOT, " (%2d, %2d)  |", truth[i] / grid.cols(), truth[i] % grid.cols()));
      }
      float[] powerMap = Arrays.copyOfRange(power, f * d, (f + 1) * d);
      float[] energyMap = Arrays.copyOfRange(energy, f * d, (f + 1) * d);
      Peak p = best(powerMap, grid);
      Peak e = best(energyMap, grid);
      double pe = nearestError(p, truth, grid);
      double ee = nearestError(e, truth, grid);
      powerErrors.add(pe);
      energyErrors.add(ee);
      System.out.println(
          line + String.format(Locale.ROOT, " %-22s | %s", cell(p, pe), cell(e, ee)));
      if (f % tileStep == 0 && powerTiles.size() < 12) {
        String title = String.format(Locale.ROOT, "t = %.2f s", t);
        powerTiles.add(
            Heatmap.render(
                powerMap,
                grid.rows(),
                grid.cols(),
                Heatmap.Style.titled(title, "band power")
                    .withMarkers(markers(scene, truth, p, grid))));
        energyTiles.add(
            Heatmap.render(
                energyMap,
                grid.rows(),
                grid.cols(),
                Heatmap.Style.titled(title, "energy").withMarkers(markers(scene, truth, e, grid))));
      }
    }
    Heatmap.writeGrid(
        out.resolve("beamforming.png"),
        powerTiles,
        4,
        "Beamforming maps " + band + " Hz, true vs found");
    Heatmap.writeGrid(
        out.resolve("energy.png"),
        energyTiles,
        4,
        "Energy maps of the acoustic images, true vs found");
    Npy.write(
        out.resolve("acoustic-images.npy"),
        new NpyArray(new int[] {frames, grid.rows(), grid.cols(), 12}, images));
    Npy.write(
        out.resolve("energy.npy"),
        new NpyArray(new int[] {frames, grid.rows(), grid.cols()}, energy));
    System.out.printf(
        Locale.ROOT,
        "%nmedian error over %d frames: beamforming %.2f cells, energy %.2f cells%n",
        frames,
        median(powerErrors),
        median(energyErrors));
    System.out.println(
        "(the energy map is the paper's spectral-shape cue: it favours broadband sources and is"
            + " weak on tonal ones; the beamforming map is the array camera's localization; docs/decisions.md)");
    System.out.println("pictures and arrays: " + out.toAbsolutePath());
    return 0;
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

  static double median(List<Double> values) {
    double[] v =
        values.stream().filter(x -> !x.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
