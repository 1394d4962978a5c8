package ai.avloc.cli;

import ai.avloc.training.data.PhotoBackdrops;
import ai.avloc.training.data.RecordedSounds;
import ai.avloc.training.data.SyntheticClass;
import ai.avloc.training.data.SyntheticDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = {
      "Generates a synthetic audio-visual training set in the ACIVW layout: scenes of 2-5 objects of",
      "10 classes, one or two of them sounding (the others silent distractors), heard by the",
      "dualcam128 array over diffuse and sensor noise; acoustic images, mono audio and frames per",
      "1/12 s, split by scene, with a dataset card, per-frame boxes and a preview."
    })
final class SynthCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "output directory (must be empty)")
  Path out;

  @Option(names = "--scenes", required = true, description = "number of scenes")
  int scenes;

  @Option(names = "--seed", defaultValue = "1", description = "seed of every scene (default 1)")
  long seed;

  @Option(
      names = "--seconds-per-scene",
      defaultValue = "2",
      description = "seconds per scene, one TFRecord file each (default 2)")
  int secondsPerScene;

  @Option(
      names = "--split",
      defaultValue = "80/10/10",
      description = "training/validation/testing percentages of the scenes (default 80/10/10)")
  String split;

  @Option(names = "--threads", description = "scenes generated at once (default: one per core)")
  Integer threads;

  @Option(
      names = "--backdrops",
      paramLabel = "DIR|debian",
      description = {
        "draw each scene's backdrop from photographs: a folder of .jpg/.png files with a",
        "backdrops.json giving each one's licence, or 'debian' for the photographs of the",
        "installed mate-backgrounds and plasma-workspace-wallpapers packages (default:",
        "procedural backdrops); the card lists every photograph used with its licence"
      })
  String backdrops;

  @Option(
      names = "--sounds",
      paramLabel = "DIR",
      description = {
        "mix recorded sounds: a folder of .wav files with a sounds.json giving each one's class",
        "(one of the ten) and licence; a source of a class with recordings plays, one time in",
        "two, an excerpt of one at its synthetic signature's RMS instead of the signature",
        "(default: synthetic signatures only); the card lists every recording used with its",
        "licence"
      })
  Path sounds;

  @Option(
      names = "--force",
      description = "write into a non-empty directory, replacing a previous dataset's files there")
  boolean force;

  @Option(
      names = "--resume",
      description = {
        "finish a run that stopped (killed, or the machine went down) in the same --out with the",
        "same options: scenes already written whole are kept, the rest rendered, then the lists,",
        "annotations and card written as a whole run would"
      })
  boolean resume;

  @Override
  public Integer call() throws Exception {
    SyntheticDataset.Config config =
        SyntheticDataset.Config.defaults(scenes, seed)
            .withSecondsPerScene(secondsPerScene)
            .withSplit(SyntheticDataset.Config.parseSplit(split));
    if (threads != null) {
      config = config.withThreads(threads);
    }
    PhotoBackdrops photos =
        backdrops == null
            ? null
            : backdrops.equals("debian")
                ? PhotoBackdrops.debian()
                : PhotoBackdrops.load(Path.of(backdrops));
    RecordedSounds recordings = sounds == null ? null : RecordedSounds.load(sounds);
    if (resume && force) {
      throw new IllegalArgumentException("--resume keeps what is in --out, --force replaces it");
    }
    if (resume) {
      Files.createDirectories(out);
    } else {
      prepare(out, force);
    }
    long frames = (long) scenes * secondsPerScene * SyntheticDataset.FRAMES_PER_SECOND;
    System.out.printf(
        Locale.ROOT,
        "synth: %d scenes x %d s (%d frames) into %s, seed %d, split %s, %d thread(s)%n",
        scenes,
        secondsPerScene,
        frames,
        out,
        seed,
        split,
        config.threads());
    if (photos != null) {
      System.out.printf(
          Locale.ROOT,
          "  backdrops: %d photographs from %s%n",
          photos.photos().size(),
          photos.origin());
    }
    if (recordings != null) {
      System.out.printf(
          Locale.ROOT,
          "  sounds: %d recordings (%s) from %s%n",
          recordings.recordings().size(),
          recordings.recordings().stream()
              .map(r -> r.type().label())
              .distinct()
              .collect(Collectors.joining(", ")),
          recordings.origin());
    }
    long t0 = System.nanoTime();
    SyntheticDataset.Summary summary;
    try (ProgressBar bar =
        ProgressBars.builder("synth").setInitialMax(scenes).setUnit(" scenes", 1).build()) {
      summary =
          new SyntheticDataset(config, photos, recordings)
              .generate(
                  out,
                  (done, total, framesDone) -> {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    bar.maxHint(total);
                    bar.stepTo(done);
                    bar.setExtraMessage(
                        String.format(
                            Locale.ROOT,
                            "%d frames, %.1f frames/s",
                            framesDone,
                            framesDone / Math.max(seconds, 1e-9)));
                  },
                  resume);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "done in %s: %.1f frames/s, %d seconds of data, %.1f MB on disk%n",
        clock(seconds),
        summary.frames() / seconds,
        summary.seconds(),
        sizeOf(out) / 1e6);
    for (String name : SyntheticDataset.SPLITS) {
      System.out.printf(
          Locale.ROOT,
          "  %-10s %5d scenes, %6d seconds  (lists/%s.txt)%n",
          name,
          summary.scenesPerSplit().get(name),
          summary.secondsPerSplit().get(name),
          name);
    }
    System.out.printf(
        Locale.ROOT,
        "  %d classes sounding (of %d); %d sounding objects, %d distractors; %d noise-only scenes"
            + " (classes = %d), %d with an off-screen source%n",
        summary.classesSounding(),
        SyntheticClass.values().length,
        summary.soundingObjects(),
        summary.distractors(),
        summary.noiseOnlyScenes(),
        SyntheticClass.NOISE_ONLY_ID,
        summary.offScreenScenes());
    System.out.printf(
        Locale.ROOT,
        "  ground truth: energy peak within %.0f cells of a sounding object in %.1f %% of %d"
            + " frames (median %.2f cells); peak contrast %.2e with a source, %.2e noise only%n",
        SyntheticDataset.NEAR_CELLS,
        100 * summary.peakNearFraction(),
        summary.soundingFrames(),
        summary.medianPeakErrorCells(),
        summary.soundingContrast(),
        summary.noiseOnlyContrast());
    System.out.println(
        "  card: " + out.resolve("dataset.json") + ", preview: " + out.resolve("preview.png"));
    return 0;
  }

  /**
   * Creates the directory, or checks that it is empty; with {@code force}, removes a previous
   * dataset's files from it ({@link SyntheticDataset#removePrevious}) and keeps anything else.
   */
  static void prepare(Path out, boolean force) throws IOException {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
    }
    if (!Files.isDirectory(out)) {
      Files.createDirectories(out);
      return;
    }
    long entries;
    try (Stream<Path> list = Files.list(out)) {
      entries = list.count();
    }
    if (entries == 0) {
      return;
    }
    if (!force) {
      throw new IllegalArgumentException(
          "--out "
              + out
              + " is not empty ("
              + entries
              + " entries); choose an empty directory or add --force to replace a dataset there");
    }
    SyntheticDataset.removePrevious(out);
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
