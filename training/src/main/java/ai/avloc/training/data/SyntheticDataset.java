package ai.avloc.training.data;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.beamforming.AcousticImager;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.io.Heatmap;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneRenderer;
import ai.avloc.simulator.SceneSimulator;
import ai.avloc.simulator.Simulation;
import ai.avloc.simulator.VisualObject;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * A synthetic audio-visual training set in the ACIVW layout (uvae-reference.md §1.5, §1.6): scenes
 * of {@link SyntheticScene}, each simulated on the array ({@link SceneSimulator}), beamformed into
 * 36x48x12 acoustic images ({@link AcousticImager}, classic steering over the camera's field of
 * view) and drawn by the gateway cameras' {@link SceneRenderer}.
 *
 * <p>Written under the output directory:
 *
 * <ul>
 *   <li>{@code class_{c}/data_{scene:05d}/Data_{second:03d}.tfrecord}: one GZIP TFRecord per second
 *       (1-based), one {@link AudioVisualSecond} each; context {@code classes} (the first sounding
 *       object's class, {@link SyntheticClass#NOISE_ONLY_ID} for noise only) and {@code location}
 *       (the scene index). Acoustic images are stored rotated by 180°, as ACIVW stores them, so
 *       that {@link AudioVisualSecond#target(int)} lines them up with the frame; audio is
 *       microphone 0 in PCM16 units (1 Pa full scale, clipped to 16 bits); frames are BGR.
 *   <li>{@code lists/training.txt}, {@code validation.txt}, {@code testing.txt}: relative paths,
 *       split by scene.
 *   <li>{@code annotations.jsonl}: per second file, per frame, the boxes of the sounding objects on
 *       screen (and of the distractors).
 *   <li>{@code dataset.json} (the card), {@code README.md}, {@code preview.png}.
 * </ul>
 *
 * <p>Deterministic: a scene depends only on the seed and its index, scenes are generated in
 * parallel but every aggregate is written in scene order, so the same configuration gives the same
 * bytes whatever the thread count (on the same CPU: the native matrix product may round differently
 * on another instruction set).
 */
public final class SyntheticDataset {
  /**
   * Bumped whenever the same configuration would give different data. 2: no object hides most of a
   * sounding one at any time (in version 1, 7.6 % of the sounding objects' frames of seed 1, 400
   * scenes, were more than half covered by a nearer object).
   */
  public static final int GENERATOR_VERSION = 2;

  public static final double SAMPLE_RATE = WindowClock.SAMPLE_RATE;
  public static final int FRAMES_PER_SECOND = WindowClock.WINDOWS_PER_SECOND;
  public static final List<String> SPLITS = List.of("training", "validation", "testing");

  /**
   * What {@link #generate} writes at the top of its output directory besides the {@code class_*}
   * folders of the seconds.
   */
  public static final List<String> OUTPUTS =
      List.of(
          "lists",
          "annotations.jsonl",
          "dataset.json",
          "README.md",
          "preview.png",
          "synth-run.json");

  /**
   * The settings of a run, written before its first scene so that {@code --resume} can tell a run
   * of the same settings from another one.
   */
  static final String RUN_FILE = "synth-run.json";

  /** Scenes whose first frames go into {@code preview.png}. */
  static final int PREVIEW_TILES = 12;

  /** A peak this close (acoustic cells) to a sounding object's centre counts as on it. */
  public static final double NEAR_CELLS = 3;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE = new ObjectMapper();

  /**
   * What to generate.
   *
   * @param scenes number of scenes
   * @param seed the seed every scene is derived from
   * @param secondsPerScene whole seconds per scene (a TFRecord file each)
   * @param split percentages of scenes for training, validation and testing (sum 100)
   * @param threads scenes generated at once
   * @param hfovDeg camera and acoustic grid's horizontal field of view
   * @param vfovDeg vertical field of view
   * @param noiseOnlyFraction share of scenes in which nothing sounds
   * @param twoSourceFraction share of the other scenes in which two visible objects sound
   * @param offScreenFraction share of the other scenes with a quieter source outside the view
   * @param minSnrDb lowest diffuse-background SNR
   * @param maxSnrDb highest diffuse-background SNR
   * @param arrayName a built-in array
   */
  public record Config(
      int scenes,
      long seed,
      int secondsPerScene,
      int[] split,
      int threads,
      double hfovDeg,
      double vfovDeg,
      double noiseOnlyFraction,
      double twoSourceFraction,
      double offScreenFraction,
      double minSnrDb,
      double maxSnrDb,
      String arrayName) {

    public Config {
      if (scenes < 1) {
        throw new IllegalArgumentException("scenes must be at least 1, got " + scenes);
      }
      if (secondsPerScene < 1 || secondsPerScene > 60) {
        throw new IllegalArgumentException(
            "seconds per scene must be 1..60, got " + secondsPerScene);
      }
      split = CardNumbers.split(split);
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      }
      for (double f : new double[] {noiseOnlyFraction, twoSourceFraction, offScreenFraction}) {
        if (!(f >= 0 && f <= 1)) {
          throw new IllegalArgumentException("fractions must be in [0, 1], got " + f);
        }
      }
      if (!(minSnrDb <= maxSnrDb)) {
        throw new IllegalArgumentException("SNR range " + minSnrDb + ".." + maxSnrDb + " is empty");
      }
      BuiltinArrays.byName(arrayName);
    }

    /**
     * The defaults: 2 s scenes, 80/10/10, the demo cameras' 65 x 50° view, 10 % noise only, 20 %
     * two sources, 10 % off-screen, SNR 10–30 dB, dualcam128, one thread per core.
     */
    public static Config defaults(int scenes, long seed) {
      return new Config(
          scenes,
          seed,
          2,
          new int[] {80, 10, 10},
          Runtime.getRuntime().availableProcessors(),
          65,
          50,
          0.1,
          0.2,
          0.1,
          10,
          30,
          "dualcam128");
    }

    @Override
    public int[] split() {
      return split.clone();
    }

    public MicArray array() {
      return BuiltinArrays.byName(arrayName);
    }

    public Config withSecondsPerScene(int seconds) {
      return new Config(
          scenes,
          seed,
          seconds,
          split,
          threads,
          hfovDeg,
          vfovDeg,
          noiseOnlyFraction,
          twoSourceFraction,
          offScreenFraction,
          minSnrDb,
          maxSnrDb,
          arrayName);
    }

    public Config withSplit(int[] percentages) {
      return new Config(
          scenes,
          seed,
          secondsPerScene,
          percentages,
          threads,
          hfovDeg,
          vfovDeg,
          noiseOnlyFraction,
          twoSourceFraction,
          offScreenFraction,
          minSnrDb,
          maxSnrDb,
          arrayName);
    }

    public Config withThreads(int count) {
      return new Config(
          scenes,
          seed,
          secondsPerScene,
          split,
          count,
          hfovDeg,
          vfovDeg,
          noiseOnlyFraction,
          twoSourceFraction,
          offScreenFraction,
          minSnrDb,
          maxSnrDb,
          arrayName);
    }

    public Config withFractions(double noiseOnly, double twoSources, double offScreen) {
      return new Config(
          scenes,
          seed,
          secondsPerScene,
          split,
          threads,
          hfovDeg,
          vfovDeg,
          noiseOnly,
          twoSources,
          offScreen,
          minSnrDb,
          maxSnrDb,
          arrayName);
    }

    /** "80/10/10" as three percentages. */
    public static int[] parseSplit(String text) {
      String[] parts = text.strip().split("/");
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "a split is training/validation/testing percentages like 80/10/10, got '" + text + "'");
      }
      int[] out = new int[3];
      for (int i = 0; i < 3; i++) {
        try {
          out[i] = Integer.parseInt(parts[i].strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "'" + parts[i] + "' in split '" + text + "' is not a whole number");
        }
      }
      return out;
    }
  }

  /** Called after each scene is written, from the calling thread. */
  public interface Progress {
    void sceneDone(int scenesDone, int scenes, long framesDone);
  }

  /** What was written: the card's numbers. */
  public record Summary(
      int scenes,
      long seconds,
      long frames,
      Map<String, Integer> scenesPerSplit,
      Map<String, Long> secondsPerSplit,
      int noiseOnlyScenes,
      long soundingObjects,
      long distractors,
      int offScreenScenes,
      int classesSounding,
      long soundingFrames,
      double peakNearFraction,
      double medianPeakErrorCells,
      double soundingContrast,
      double noiseOnlyContrast) {}

  private final Config config;
  private final PhotoBackdrops photos;
  private final RecordedSounds sounds;

  public SyntheticDataset(Config config) {
    this(config, null);
  }

  /**
   * A dataset whose backdrops are crops of {@code photos} (null: procedural ones); the card lists
   * every photograph used with its licence.
   */
  public SyntheticDataset(Config config, PhotoBackdrops photos) {
    this(config, photos, null);
  }

  /**
   * A dataset whose backdrops are crops of {@code photos} (null: procedural ones) and whose sources
   * of classes with recordings in {@code sounds} (null: none) play one half of the time; the card
   * lists every photograph and recording used with its licence.
   */
  public SyntheticDataset(Config config, PhotoBackdrops photos, RecordedSounds sounds) {
    this.config = config;
    this.photos = photos;
    this.sounds = sounds;
  }

  public Config config() {
    return config;
  }

  /** The seed of scene {@code index}: a SplitMix64 mix, so neighbouring scenes are unrelated. */
  static long sceneSeed(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + (index + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The card's view and acoustic-image entries: the targets' format, which {@code collect}'s site
   * datasets share with these.
   */
  static void describeTargets(ObjectNode card, double hfovDeg, double vfovDeg) {
    ObjectNode fov = card.putObject("field_of_view_deg");
    fov.put("horizontal", hfovDeg);
    fov.put("vertical", vfovDeg);
    ObjectNode acoustic = card.putObject("acoustic_image");
    acoustic.put("shape", "36x48x12 float32, C order (rows, cols, MFCC c1..c12)");
    acoustic.put("steering", "classic delay-and-sum, far field, LookGrid.cameraFov");
    acoustic.put("normalization", "min-max per frame");
    acoustic.put("stored_rotated_180", true);
  }

  /**
   * The split of every scene: scenes shuffled by the seed, the first {@code split[0]} % to
   * training, the next {@code split[1]} % to validation, the rest to testing.
   *
   * @return the index into {@link #SPLITS} of each scene
   */
  public int[] splits() {
    int n = config.scenes();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(sceneSeed(config.seed(), -1)));
    int[] split = config.split();
    int training = (int) Math.round(n * split[0] / 100.0);
    int validation = Math.min(n - training, (int) Math.round(n * split[1] / 100.0));
    int[] out = new int[n];
    for (int k = 0; k < n; k++) {
      out[order.get(k)] = k < training ? 0 : k < training + validation ? 1 : 2;
    }
    return out;
  }

  /**
   * The relative path of scene {@code scene}'s second {@code second} (0-based) of label {@code
   * label}.
   */
  public static String path(int label, int scene, int second) {
    return String.format(
        Locale.ROOT, "class_%d/data_%05d/Data_%03d.tfrecord", label, scene, second + 1);
  }

  /**
   * Removes what an earlier {@link #generate} left in {@code out}, its {@code class_*} folders and
   * {@link #OUTPUTS}, so that no second of another dataset stays in the class folders; anything
   * else in the directory stays.
   *
   * @return the top-level entries removed
   */
  public static int removePrevious(Path out) throws IOException {
    List<Path> entries;
    try (Stream<Path> list = Files.list(out)) {
      entries = list.toList();
    }
    int removed = 0;
    for (Path p : entries) {
      String name = p.getFileName().toString();
      if (name.startsWith("class_") || OUTPUTS.contains(name)) {
        deleteTree(p);
        removed++;
      }
    }
    return removed;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Generates every scene into {@code out} (created if missing; files already there are
   * overwritten) and writes the lists, annotations, card, README and preview.
   */
  public Summary generate(Path out, Progress progress) throws IOException, InterruptedException {
    return generate(out, progress, false);
  }

  /**
   * {@link #generate(Path, Progress)}, optionally finishing an interrupted run of the same
   * configuration: with {@code resume}, a scene whose every second is already in {@code out} and
   * reads back whole is described from its files instead of being rendered again.
   *
   * @throws IOException also when a kept file belongs to another dataset (its labels name another
   *     scene or class than this configuration gives)
   */
  public Summary generate(Path out, Progress progress, boolean resume)
      throws IOException, InterruptedException {
    Files.createDirectories(out);
    if (resume) {
      requireSameRun(out);
    } else {
      Files.writeString(out.resolve(RUN_FILE), JSON.writeValueAsString(runSettings()));
    }
    int[] splits = splits();
    List<AcousticImager> imagers = Collections.synchronizedList(new ArrayList<>());
    ThreadLocal<AcousticImager> imager =
        ThreadLocal.withInitial(
            () -> {
              AcousticImager a =
                  new AcousticImager(
                      BeamSteering.classic(
                          config.array(),
                          LookGrid.cameraFov(
                              config.hfovDeg(),
                              config.vfovDeg(),
                              ModelShapes.ROWS,
                              ModelShapes.COLS)),
                      FRAMES_PER_SECOND);
              imagers.add(a);
              return a;
            });
    // scenes run in parallel, so the matrix products of each should not spread over every core as
    // well: on 2 cores, 2 scenes with a 2-thread BLAS each ran at half the speed of 1-thread ones
    int blasThreads = openblas_nolapack.blas_get_num_threads();
    int cores = Runtime.getRuntime().availableProcessors();
    openblas_nolapack.blas_set_num_threads(Math.max(1, cores / config.threads()));
    ExecutorService pool = Executors.newFixedThreadPool(config.threads());
    SceneResult[] results = new SceneResult[config.scenes()];
    try {
      CompletionService<SceneResult> done = new ExecutorCompletionService<>(pool);
      for (int i = 0; i < config.scenes(); i++) {
        int index = i;
        done.submit(
            () -> generateScene(index, SPLITS.get(splits[index]), out, imager.get(), resume));
      }
      long frames = 0;
      for (int k = 0; k < config.scenes(); k++) {
        Future<SceneResult> f = done.take();
        SceneResult r;
        try {
          r = f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(cause);
        }
        results[r.scene.index()] = r;
        frames += (long) config.secondsPerScene() * FRAMES_PER_SECOND;
        if (progress != null) {
          progress.sceneDone(k + 1, config.scenes(), frames);
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      synchronized (imagers) {
        imagers.forEach(AcousticImager::close);
      }
      openblas_nolapack.blas_set_num_threads(blasThreads);
    }
    return writeIndex(out, results);
  }

  /** One scene's files, annotations and numbers. */
  private record SceneResult(
      SyntheticScene scene,
      String split,
      List<String> paths,
      List<String> annotations,
      double[] peakErrors,
      double[] contrasts,
      BufferedImage preview) {}

  private SceneResult generateScene(
      int index, String split, Path out, AcousticImager imager, boolean resume) throws IOException {
    SyntheticScene s = SyntheticScene.compose(config, index, photos, sounds);
    List<AudioVisualSecond> kept = resume ? keptSeconds(s, index, out) : null;
    float[][] channels = null;
    if (kept == null) {
      Simulation simulation = SceneSimulator.render(s.scene());
      channels = simulation.audio().channels();
      for (float[] channel : channels) {
        for (int i = 0; i < channel.length; i++) {
          channel[i] *= MfccSpec.PCM16_SCALE;
        }
      }
    }
    List<VisualObject> looks = s.looks();
    SceneRenderer renderer =
        new SceneRenderer(
            looks,
            s.backdrop(),
            ModelShapes.FRAME_WIDTH,
            ModelShapes.FRAME_HEIGHT,
            config.hfovDeg(),
            config.vfovDeg());
    List<Integer> sounding = s.soundingLooks();
    int imageSize = imager.imageSize();
    int frameBytes = ModelShapes.FRAME_WIDTH * ModelShapes.FRAME_HEIGHT * 3;
    List<String> paths = new ArrayList<>();
    List<String> annotations = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    List<Double> contrasts = new ArrayList<>();
    BufferedImage preview = null;
    for (int second = 0; second < config.secondsPerScene(); second++) {
      int first = second * FRAMES_PER_SECOND;
      boolean previewed = second == 0 && index < PREVIEW_TILES;
      BufferedImage[] drawn = new BufferedImage[FRAMES_PER_SECOND];
      String path = path(s.label(), index, second);
      AudioVisualSecond record;
      if (kept != null) {
        record = kept.get(second);
        for (int e = 0; previewed && e < FRAMES_PER_SECOND; e++) {
          drawn[e] = renderer.render(frameTime(first + e));
        }
      } else {
        float[] raw =
            imager.images(channels, first * WindowClock.SAMPLES_PER_WINDOW, FRAMES_PER_SECOND);
        float[] images = new float[raw.length];
        int[] audio = new int[FRAMES_PER_SECOND * WindowClock.SAMPLES_PER_WINDOW];
        byte[] frames = new byte[FRAMES_PER_SECOND * frameBytes];
        float[] mono = channels[0];
        for (int i = 0; i < audio.length; i++) {
          double v = Math.rint(mono[first * WindowClock.SAMPLES_PER_WINDOW + i]);
          audio[i] = (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
        for (int e = 0; e < FRAMES_PER_SECOND; e++) {
          rotate180(raw, e * imageSize, images, e * imageSize);
          drawn[e] = renderer.render(frameTime(first + e));
          byte[] bgr = ((DataBufferByte) drawn[e].getRaster().getDataBuffer()).getData();
          System.arraycopy(bgr, 0, frames, e * frameBytes, frameBytes);
        }
        record = new AudioVisualSecond(labelsOf(s, index), images, audio, frames);
        Path file = out.resolve(path);
        Files.createDirectories(file.getParent());
        TfRecords.write(file, List.of(record.toBytes()), true);
      }
      paths.add(path);

      ObjectNode line = JSON_LINE.createObjectNode();
      line.put("path", path);
      line.put("split", split);
      line.put("scene", index);
      line.put("second", second + 1);
      line.put("class", s.label());
      line.put("class_name", SyntheticClass.nameOf(s.label()));
      if (!Double.isNaN(s.diffuseSnrDb())) {
        line.put("snr_db", CardNumbers.round(s.diffuseSnrDb(), 2));
      }
      ArrayNode frameNodes = line.putArray("frames");
      for (int e = 0; e < FRAMES_PER_SECOND; e++) {
        double t = frameTime(first + e);
        ObjectNode frameNode = frameNodes.addObject();
        frameNode.put("frame", e);
        frameNode.put("t", CardNumbers.round(t, 4));
        ArrayNode soundingNodes = frameNode.putArray("sounding");
        ArrayNode distractorNodes = frameNode.putArray("distractors");
        List<double[]> centres = new ArrayList<>();
        for (int o = 0; o < looks.size(); o++) {
          boolean sounds = sounding.contains(o);
          double[] centre = renderer.pixelOf(o, t);
          double[] box = renderer.boxOf(o, t);
          if (box == null || (sounds && centre == null)) {
            continue;
          }
          SyntheticClass type = s.objects().get(o).type();
          ObjectNode object = (sounds ? soundingNodes : distractorNodes).addObject();
          object.put("class", type.id());
          object.put("name", type.label());
          ArrayNode b = object.putArray("box");
          for (double v : box) {
            b.add(CardNumbers.round(v, 1));
          }
          if (centre != null) {
            object
                .putArray("center")
                .add(CardNumbers.round(centre[0], 1))
                .add(CardNumbers.round(centre[1], 1));
          }
          if (sounds) {
            centres.add(centre);
          }
        }
        float[] energy = EnergyMap.of(record.target(e));
        int peak = argmax(energy);
        contrasts.add(contrast(energy, peak));
        if (!centres.isEmpty()) {
          errors.add(peakError(peak, centres));
        }
      }
      annotations.add(JSON_LINE.writeValueAsString(line));
      if (previewed) {
        preview = previewTile(s, record, drawn, renderer, sounding);
      }
    }
    return new SceneResult(
        s.withoutSound(),
        split,
        paths,
        annotations,
        errors.stream().mapToDouble(Double::doubleValue).toArray(),
        contrasts.stream().mapToDouble(Double::doubleValue).toArray(),
        preview);
  }

  /** Everything that decides the output (not the thread count), as {@link #RUN_FILE} holds it. */
  ObjectNode runSettings() {
    ObjectNode run = JSON.createObjectNode();
    run.put("generator_version", GENERATOR_VERSION);
    run.put("scenes", config.scenes());
    run.put("seed", config.seed());
    run.put("seconds_per_scene", config.secondsPerScene());
    ArrayNode split = run.putArray("split");
    Arrays.stream(config.split()).forEach(split::add);
    run.put("hfov_deg", config.hfovDeg());
    run.put("vfov_deg", config.vfovDeg());
    run.put("noise_only_fraction", config.noiseOnlyFraction());
    run.put("two_source_fraction", config.twoSourceFraction());
    run.put("off_screen_fraction", config.offScreenFraction());
    run.put("min_snr_db", config.minSnrDb());
    run.put("max_snr_db", config.maxSnrDb());
    run.put("array", config.arrayName());
    run.put("backdrops", photos == null ? null : photos.origin());
    run.put("sounds", sounds == null ? null : sounds.origin());
    return run;
  }

  /**
   * Refuses to resume in {@code out} unless an earlier run there had exactly these settings, so
   * that two datasets' scenes are never mixed.
   */
  private void requireSameRun(Path out) throws IOException {
    Path file = out.resolve(RUN_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          out + " holds no " + RUN_FILE + ": no run of this synth to resume there");
    }
    com.fasterxml.jackson.databind.JsonNode earlier;
    try {
      earlier = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not readable JSON: " + e.getMessage(), e);
    }
    ObjectNode now = runSettings();
    List<String> differ = new ArrayList<>();
    now.fieldNames()
        .forEachRemaining(
            name -> {
              String was = earlier.has(name) ? earlier.get(name).toString() : "absent";
              if (!was.equals(now.get(name).toString())) {
                differ.add(name + " " + was + " there, " + now.get(name) + " now");
              }
            });
    if (!differ.isEmpty()) {
      throw new IOException(
          "the run in "
              + out
              + " had other settings ("
              + String.join("; ", differ)
              + "): resume with its options, or start afresh with --force");
    }
  }

  /** The labels a scene's seconds carry: its class and its index. */
  private static Map<String, Long> labelsOf(SyntheticScene s, int index) {
    Map<String, Long> labels = new TreeMap<>();
    labels.put("classes", (long) s.label());
    labels.put("location", (long) index);
    return labels;
  }

  /**
   * The scene's seconds as an earlier run left them in {@code out}, or null when one is missing or
   * does not read back whole (that run stopped while writing it): the scene is then rendered again.
   *
   * @throws IOException when a second reads back but carries another scene's labels, so the
   *     directory holds a dataset of other settings
   */
  private List<AudioVisualSecond> keptSeconds(SyntheticScene s, int index, Path out)
      throws IOException {
    List<AudioVisualSecond> seconds = new ArrayList<>();
    for (int second = 0; second < config.secondsPerScene(); second++) {
      Path file = out.resolve(path(s.label(), index, second));
      if (!Files.isRegularFile(file)) {
        return null;
      }
      AudioVisualSecond record;
      try {
        List<byte[]> records = TfRecords.read(file);
        if (records.size() != 1) {
          return null;
        }
        record = AudioVisualSecond.parse(records.get(0));
      } catch (IOException | RuntimeException unreadable) {
        return null;
      }
      if (!record.labels().equals(labelsOf(s, index))) {
        throw new IOException(
            file
                + " holds labels "
                + record.labels()
                + " where scene "
                + index
                + " of this run has "
                + labelsOf(s, index)
                + ": resume with the options of the run that wrote it");
      }
      seconds.add(record);
    }
    return seconds;
  }

  /** Frame k is drawn at the middle of its 1024-sample audio window. */
  static double frameTime(int k) {
    return (k + 0.5) / FRAMES_PER_SECOND;
  }

  /** Copies one 36 x 48 x 12 image rotated by 180° (rows and columns reversed). */
  static void rotate180(float[] from, int fromOffset, float[] to, int toOffset) {
    int rows = ModelShapes.ROWS;
    int cols = ModelShapes.COLS;
    int depth = AudioVisualSecond.IMAGE_DEPTH;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        System.arraycopy(
            from,
            fromOffset + (r * cols + c) * depth,
            to,
            toOffset + ((rows - 1 - r) * cols + (cols - 1 - c)) * depth,
            depth);
      }
    }
  }

  static int argmax(float[] map) {
    int best = 0;
    for (int i = 1; i < map.length; i++) {
      if (map[i] > map[best]) {
        best = i;
      }
    }
    return best;
  }

  /** max / median − 1 of an energy map: about 1e-3 for a diffuse field, more for a source. */
  static double contrast(float[] map, int peak) {
    float[] sorted = map.clone();
    Arrays.sort(sorted);
    double median = (sorted[(sorted.length - 1) / 2] + sorted[sorted.length / 2]) / 2.0;
    return map[peak] / median - 1;
  }

  /** Distance in acoustic cells from the peak cell to the nearest centre (frame pixels). */
  static double peakError(int peak, List<double[]> centres) {
    int cols = ModelShapes.COLS;
    double pr = peak / cols + 0.5;
    double pc = peak % cols + 0.5;
    double best = Double.POSITIVE_INFINITY;
    for (double[] c : centres) {
      double col = c[0] / ModelShapes.FRAME_WIDTH * cols;
      double row = c[1] / ModelShapes.FRAME_HEIGHT * ModelShapes.ROWS;
      best = Math.min(best, Math.hypot(col - pc, row - pr));
    }
    return best;
  }

  private BufferedImage previewTile(
      SyntheticScene s,
      AudioVisualSecond record,
      BufferedImage[] drawn,
      SceneRenderer renderer,
      List<Integer> sounding) {
    int e = FRAMES_PER_SECOND / 2;
    double t = frameTime(e);
    List<Heatmap.Marker> markers = new ArrayList<>();
    for (int o : sounding) {
      double[] c = renderer.pixelOf(o, t);
      if (c != null) {
        markers.add(
            new Heatmap.Marker(
                c[1] / ModelShapes.FRAME_HEIGHT * ModelShapes.ROWS - 0.5,
                c[0] / ModelShapes.FRAME_WIDTH * ModelShapes.COLS - 0.5,
                s.objects().get(o).type().label(),
                Color.WHITE));
      }
    }
    String title =
        String.format(
            Locale.ROOT,
            "scene %d: %s%s",
            s.index(),
            SyntheticClass.nameOf(s.label()),
            s.count(SyntheticScene.Role.OFF_SCREEN) > 0 ? " + off-screen" : "");
    BufferedImage rgb =
        new BufferedImage(drawn[e].getWidth(), drawn[e].getHeight(), BufferedImage.TYPE_INT_RGB);
    rgb.getGraphics().drawImage(drawn[e], 0, 0, null);
    return Heatmap.render(
        EnergyMap.of(record.target(e)),
        ModelShapes.ROWS,
        ModelShapes.COLS,
        Heatmap.Style.titled(title, "energy").withBackground(rgb, 0.45).withMarkers(markers));
  }

  private Summary writeIndex(Path out, SceneResult[] results) throws IOException {
    int nClasses = SyntheticClass.values().length + 1;
    Map<String, List<String>> lists = new TreeMap<>();
    SPLITS.forEach(sp -> lists.put(sp, new ArrayList<>()));
    long[][] secondsPerClassSplit = new long[nClasses][3];
    long[] soundingPerClass = new long[nClasses];
    long[] distractorPerClass = new long[nClasses];
    long[] offScreenPerClass = new long[nClasses];
    long[] framesPerClass = new long[nClasses];
    long[] nearPerClass = new long[nClasses];
    int[] scenesPerSplit = new int[3];
    int noiseOnly = 0;
    int twoSources = 0;
    int offScreen = 0;
    long visible = 0;
    double snrMin = Double.POSITIVE_INFINITY;
    double snrMax = Double.NEGATIVE_INFINITY;
    double snrSum = 0;
    int snrCount = 0;
    double rmsMin = Double.POSITIVE_INFINITY;
    double rmsMax = Double.NEGATIVE_INFINITY;
    List<Double> errors = new ArrayList<>();
    List<Double> soundingContrast = new ArrayList<>();
    List<Double> noiseContrast = new ArrayList<>();
    List<BufferedImage> tiles = new ArrayList<>();
    StringBuilder annotations = new StringBuilder();
    for (SceneResult r : results) {
      SyntheticScene s = r.scene;
      int split = SPLITS.indexOf(r.split);
      scenesPerSplit[split]++;
      lists.get(r.split).addAll(r.paths);
      secondsPerClassSplit[s.label()][split] += r.paths.size();
      for (SyntheticScene.Placed p : s.objects()) {
        switch (p.role()) {
          case SOUNDING -> soundingPerClass[p.type().id()]++;
          case DISTRACTOR -> distractorPerClass[p.type().id()]++;
          case OFF_SCREEN -> offScreenPerClass[p.type().id()]++;
        }
      }
      visible += s.looks().size();
      if (s.noiseOnly()) {
        noiseOnly++;
        rmsMin = Math.min(rmsMin, s.diffuseRms());
        rmsMax = Math.max(rmsMax, s.diffuseRms());
        Arrays.stream(r.contrasts).forEach(noiseContrast::add);
      } else {
        snrMin = Math.min(snrMin, s.diffuseSnrDb());
        snrMax = Math.max(snrMax, s.diffuseSnrDb());
        snrSum += s.diffuseSnrDb();
        snrCount++;
        Arrays.stream(r.contrasts).forEach(soundingContrast::add);
      }
      if (s.count(SyntheticScene.Role.SOUNDING) == 2) {
        twoSources++;
      }
      if (s.count(SyntheticScene.Role.OFF_SCREEN) > 0) {
        offScreen++;
      }
      Arrays.stream(r.peakErrors).forEach(errors::add);
      framesPerClass[s.label()] += r.peakErrors.length;
      nearPerClass[s.label()] += Arrays.stream(r.peakErrors).filter(e -> e <= NEAR_CELLS).count();
      r.annotations.forEach(a -> annotations.append(a).append('\n'));
      if (r.preview != null) {
        tiles.add(r.preview);
      }
    }
    Files.createDirectories(out.resolve("lists"));
    for (String sp : SPLITS) {
      StringBuilder text = new StringBuilder();
      lists.get(sp).forEach(p -> text.append(p).append('\n'));
      Files.writeString(out.resolve("lists").resolve(sp + ".txt"), text, StandardCharsets.UTF_8);
    }
    Files.writeString(out.resolve("annotations.jsonl"), annotations, StandardCharsets.UTF_8);

    long near = errors.stream().filter(e -> e <= NEAR_CELLS).count();
    double nearFraction = errors.isEmpty() ? Double.NaN : (double) near / errors.size();
    double medianError = CardNumbers.median(errors);
    double soundingMedian = CardNumbers.median(soundingContrast);
    double noiseMedian = CardNumbers.median(noiseContrast);
    int framesPerScene = config.secondsPerScene() * FRAMES_PER_SECOND;

    ObjectNode card = JSON.createObjectNode();
    card.put("name", "avloc synthetic audio-visual dataset");
    card.put("generator", "avloc synth");
    card.put("generator_version", GENERATOR_VERSION);
    card.put("seed", config.seed());
    card.put("scenes", config.scenes());
    card.put("seconds_per_scene", config.secondsPerScene());
    card.put("frames_per_second", FRAMES_PER_SECOND);
    card.put("seconds", (long) config.scenes() * config.secondsPerScene());
    card.put("frames", (long) config.scenes() * framesPerScene);
    card.put("sample_rate_hz", (int) SAMPLE_RATE);
    ObjectNode array = card.putObject("array");
    array.put("name", config.arrayName());
    array.put("microphones", config.array().size());
    array.put("mono_microphone", 0);
    array.put("position", "centred on the camera, in the image plane");
    describeTargets(card, config.hfovDeg(), config.vfovDeg());
    card.put("audio", "int32 PCM16 units (1 Pa full scale, clipped to 16 bits), 1024 per frame");
    card.put("frame", "uint8 224x298x3, BGR, drawn at the middle of its audio window");
    ObjectNode labelDoc = card.putObject("labels");
    labelDoc.put(
        "classes",
        "class id of the first sounding object; " + SyntheticClass.NOISE_ONLY_ID + " = noise only");
    labelDoc.put("location", "scene index");
    ObjectNode splitsNode = card.putObject("splits");
    for (int sp = 0; sp < 3; sp++) {
      ObjectNode n = splitsNode.putObject(SPLITS.get(sp));
      n.put("percent", config.split()[sp]);
      n.put("scenes", scenesPerSplit[sp]);
      n.put("seconds", (long) scenesPerSplit[sp] * config.secondsPerScene());
      n.put("frames", (long) scenesPerSplit[sp] * framesPerScene);
      n.put("list", "lists/" + SPLITS.get(sp) + ".txt");
    }
    ArrayNode classes = card.putArray("classes");
    int classesSounding = 0;
    for (int c = 0; c < nClasses; c++) {
      ObjectNode n = classes.addObject();
      n.put("id", c);
      n.put("name", SyntheticClass.nameOf(c));
      ObjectNode seconds = n.putObject("seconds");
      for (int sp = 0; sp < 3; sp++) {
        seconds.put(SPLITS.get(sp), secondsPerClassSplit[c][sp]);
      }
      if (c < SyntheticClass.NOISE_ONLY_ID) {
        n.put("shape", SyntheticClass.ofId(c).shape().label());
        n.put("sounding_objects", soundingPerClass[c]);
        n.put("distractor_objects", distractorPerClass[c]);
        n.put("off_screen_sources", offScreenPerClass[c]);
        if (soundingPerClass[c] > 0) {
          classesSounding++;
        }
        CardNumbers.putNumber(
            n,
            "energy_peak_within_" + (int) NEAR_CELLS + "_cells",
            framesPerClass[c] == 0
                ? Double.NaN
                : CardNumbers.round((double) nearPerClass[c] / framesPerClass[c], 4));
      }
    }
    long sounding = Arrays.stream(soundingPerClass).sum();
    long distractors = Arrays.stream(distractorPerClass).sum();
    ObjectNode composition = card.putObject("composition");
    composition.put("noise_only_scenes", noiseOnly);
    composition.put("two_source_scenes", twoSources);
    composition.put("off_screen_scenes", offScreen);
    composition.put("sounding_objects", sounding);
    composition.put("distractor_objects", distractors);
    composition.put(
        "visible_objects_per_scene", CardNumbers.round((double) visible / results.length, 3));
    ObjectNode noise = card.putObject("noise");
    ObjectNode snr = noise.putObject("diffuse_snr_db");
    snr.put("range", config.minSnrDb() + ".." + config.maxSnrDb());
    if (snrCount > 0) {
      snr.put("min", CardNumbers.round(snrMin, 2));
      snr.put("max", CardNumbers.round(snrMax, 2));
      snr.put("mean", CardNumbers.round(snrSum / snrCount, 2));
    }
    noise.put("sensor_snr_db", SyntheticScene.SENSOR_SNR_DB);
    noise.put("diffuse_plane_waves", Scene.DEFAULT_PLANE_WAVES);
    if (noiseOnly > 0) {
      ObjectNode rms = noise.putObject("noise_only_diffuse_rms_pa");
      rms.put("min", CardNumbers.round(rmsMin, 5));
      rms.put("max", CardNumbers.round(rmsMax, 5));
    }
    noise.put("noise_only_sensor_rms_pa", SyntheticScene.NOISE_ONLY_SENSOR_RMS);
    ObjectNode quality = card.putObject("ground_truth_check");
    quality.put("sounding_frames_on_screen", errors.size());
    CardNumbers.putNumber(
        quality,
        "energy_peak_within_" + (int) NEAR_CELLS + "_cells",
        CardNumbers.round(nearFraction, 4));
    CardNumbers.putNumber(quality, "median_peak_error_cells", CardNumbers.round(medianError, 3));
    CardNumbers.putNumber(
        quality, "median_peak_contrast_sounding", CardNumbers.round(soundingMedian, 6));
    CardNumbers.putNumber(
        quality, "median_peak_contrast_noise_only", CardNumbers.round(noiseMedian, 6));
    quality.put("contrast", "max/median - 1 of the energy map of target(e)");
    if (photos != null) {
      putBackdrops(card, results);
    }
    if (sounds != null) {
      putSounds(card, results);
    }
    Files.writeString(
        out.resolve("dataset.json"), JSON.writeValueAsString(card) + "\n", StandardCharsets.UTF_8);
    Files.writeString(out.resolve("README.md"), readme(card), StandardCharsets.UTF_8);
    if (!tiles.isEmpty()) {
      Heatmap.writeGrid(
          out.resolve("preview.png"),
          tiles,
          4,
          "Synthetic scenes: frame with the ground-truth energy map, sounding objects marked");
    }
    Map<String, Integer> scenesMap = new TreeMap<>();
    Map<String, Long> secondsMap = new TreeMap<>();
    for (int sp = 0; sp < 3; sp++) {
      scenesMap.put(SPLITS.get(sp), scenesPerSplit[sp]);
      secondsMap.put(SPLITS.get(sp), (long) scenesPerSplit[sp] * config.secondsPerScene());
    }
    return new Summary(
        config.scenes(),
        (long) config.scenes() * config.secondsPerScene(),
        (long) config.scenes() * framesPerScene,
        scenesMap,
        secondsMap,
        noiseOnly,
        sounding,
        distractors,
        offScreen,
        classesSounding,
        errors.size(),
        nearFraction,
        medianError,
        soundingMedian,
        noiseMedian);
  }

  /**
   * The card's {@code backdrops}: where the photographs came from and, for each one used, its
   * licence, source, author and number of scenes; a dataset made from them is only as free as the
   * least free of these.
   */
  private void putBackdrops(ObjectNode card, SceneResult[] results) {
    Map<String, Integer> scenesPerPhoto = new TreeMap<>();
    for (SceneResult r : results) {
      r.scene.backdrop().photoName().ifPresent(n -> scenesPerPhoto.merge(n, 1, Integer::sum));
    }
    ObjectNode node = card.putObject("backdrops");
    node.put("kind", "photographs");
    node.put("origin", photos.origin());
    node.put("photographs_available", photos.photos().size());
    ArrayNode used = node.putArray("photographs");
    for (PhotoBackdrops.Photo p : photos.photos()) {
      Integer scenes = scenesPerPhoto.get(p.file());
      if (scenes == null) {
        continue;
      }
      ObjectNode entry = used.addObject();
      entry.put("file", p.file());
      entry.put("licence", p.licence());
      if (!p.source().isBlank()) {
        entry.put("source", p.source());
      }
      if (!p.author().isBlank()) {
        entry.put("author", p.author());
      }
      entry.put("scenes", scenes);
    }
  }

  /**
   * The card's {@code sounds}: where the recordings came from and, for each one used, its class,
   * licence, source, author and number of scenes in which a source plays it.
   */
  private void putSounds(ObjectNode card, SceneResult[] results) {
    Map<String, Integer> scenesPerRecording = new TreeMap<>();
    long recorded = 0;
    long withRecordings = 0;
    for (SceneResult r : results) {
      for (SyntheticScene.Placed p : r.scene.objects()) {
        if (p.source() >= 0 && sounds.has(p.type())) {
          withRecordings++;
        }
      }
      List<RecordedSounds.Recording> played = r.scene.recordings();
      recorded += played.size();
      played.stream()
          .map(RecordedSounds.Recording::file)
          .distinct()
          .forEach(f -> scenesPerRecording.merge(f, 1, Integer::sum));
    }
    ObjectNode node = card.putObject("sounds");
    node.put("kind", "recordings");
    node.put("origin", sounds.origin());
    node.put("recordings_available", sounds.recordings().size());
    node.put("replace_probability", RecordedSounds.REPLACE_PROBABILITY);
    node.put("level", "each excerpt scaled to the RMS the synthetic signature would have had");
    node.put("sources_of_classes_with_recordings", withRecordings);
    node.put("sources_playing_a_recording", recorded);
    ArrayNode used = node.putArray("recordings");
    for (RecordedSounds.Recording rec : sounds.recordings()) {
      Integer scenes = scenesPerRecording.get(rec.file());
      if (scenes == null) {
        continue;
      }
      ObjectNode entry = used.addObject();
      entry.put("file", rec.file());
      entry.put("class", rec.type().label());
      entry.put("licence", rec.licence());
      if (!rec.source().isBlank()) {
        entry.put("source", rec.source());
      }
      if (!rec.author().isBlank()) {
        entry.put("author", rec.author());
      }
      entry.put("sample_rate_hz", (int) rec.sampleRate());
      entry.put("seconds", CardNumbers.round(rec.seconds(), 3));
      entry.put("scenes", scenes);
    }
  }

  private static String readme(ObjectNode card) {
    StringBuilder b = new StringBuilder();
    b.append("# Synthetic audio-visual dataset\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Generated by `avloc synth` (generator version %d) with seed %d: %d scenes of %d s,"
                + " %d seconds, %d frames at 12 per second.\n\n",
            card.get("generator_version").asInt(),
            card.get("seed").asLong(),
            card.get("scenes").asInt(),
            card.get("seconds_per_scene").asInt(),
            card.get("seconds").asLong(),
            card.get("frames").asLong()));
    b.append(
        "Each scene shows 2–5 objects over a random backdrop; usually one of them (sometimes"
            + " two) sounds, the others are silent distractors of other classes. Some scenes add a"
            + " quieter source outside the field of view; noise-only scenes show objects but"
            + " nothing sounds. Sounds are class-specific broadband signatures, heard by a"
            + " 128-microphone array at the camera over a diffuse background and sensor noise.\n\n");
    b.append(
        "Layout (as ACIVW): `class_{c}/data_{scene:05d}/Data_{second:03d}.tfrecord`, GZIP,"
            + " one SequenceExample per second with 12 entries of `audio/image` (float32 36x48x12,"
            + " stored rotated by 180° like ACIVW's), `audio/data` (int32 1024, microphone 0 in PCM16"
            + " units) and `video/image` (uint8 224x298x3 BGR). Context: `classes`, `location` (the"
            + " scene index). Splits by scene in `lists/`; per-frame boxes of the sounding objects in"
            + " `annotations.jsonl`; every number in `dataset.json`; `preview.png` shows frames with"
            + " the ground-truth energy map.\n\n");
    b.append("| split | scenes | seconds | frames |\n|---|---|---|---|\n");
    card.get("splits")
        .fields()
        .forEachRemaining(
            e ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %d | %d | %d |%n",
                        e.getKey(),
                        e.getValue().get("scenes").asInt(),
                        e.getValue().get("seconds").asLong(),
                        e.getValue().get("frames").asLong())));
    b.append(
        "\n| id | class | seconds (train/val/test) | sounding | distractor | off-screen |\n"
            + "|---|---|---|---|---|---|\n");
    for (var c : card.get("classes")) {
      var s = c.get("seconds");
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %d / %d / %d | %s | %s | %s |%n",
              c.get("id").asInt(),
              c.get("name").asText(),
              s.get("training").asLong(),
              s.get("validation").asLong(),
              s.get("testing").asLong(),
              c.has("sounding_objects") ? c.get("sounding_objects").asText() : "–",
              c.has("distractor_objects") ? c.get("distractor_objects").asText() : "–",
              c.has("off_screen_sources") ? c.get("off_screen_sources").asText() : "–"));
    }
    var comp = card.get("composition");
    var noise = card.get("noise");
    var check = card.get("ground_truth_check");
    b.append(
        String.format(
            Locale.ROOT,
            "%nScenes: %d noise only, %d with two sources, %d with an off-screen source; %s visible"
                + " objects per scene. Diffuse background %s dB under the sources (mean %s),"
                + " sensor noise %s dB under.%n%n",
            comp.get("noise_only_scenes").asInt(),
            comp.get("two_source_scenes").asInt(),
            comp.get("off_screen_scenes").asInt(),
            comp.get("visible_objects_per_scene").asText(),
            noise.get("diffuse_snr_db").get("range").asText(),
            noise.get("diffuse_snr_db").has("mean")
                ? noise.get("diffuse_snr_db").get("mean").asText()
                : "–",
            noise.get("sensor_snr_db").asText()));
    b.append(
        String.format(
            Locale.ROOT,
            "Ground-truth check: in %s of %d sounding frames the target's energy peak lies within"
                + " %d acoustic cells of a sounding object's centre (median error %s cells);"
                + " median peak contrast (max/median − 1) %s with a source, %s for noise only.%n",
            check.get("energy_peak_within_" + (int) NEAR_CELLS + "_cells").asText(),
            check.get("sounding_frames_on_screen").asInt(),
            (int) NEAR_CELLS,
            check.get("median_peak_error_cells").asText(),
            check.get("median_peak_contrast_sounding").asText(),
            check.get("median_peak_contrast_noise_only").asText()));
    if (card.has("backdrops")) {
      var backdrops = card.get("backdrops");
      b.append(
          String.format(
              Locale.ROOT,
              "%nBackdrops are crops of photographs (%s); each may be used under its licence:%n%n"
                  + "| photograph | licence | source | author | scenes |%n|---|---|---|---|---|%n",
              backdrops.get("origin").asText()));
      for (var p : backdrops.get("photographs")) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %d |%n",
                p.get("file").asText(),
                p.get("licence").asText(),
                p.path("source").asText("–"),
                p.path("author").asText("–"),
                p.get("scenes").asInt()));
      }
    }
    if (card.has("sounds")) {
      var sounds = card.get("sounds");
      b.append(
          String.format(
              Locale.ROOT,
              "%nRecorded sounds (%s): %d of %d sources of classes with recordings play an"
                  + " excerpt of one instead of their synthetic signature, at the signature's RMS;"
                  + " each may be used under its licence:%n%n"
                  + "| recording | class | licence | source | author | scenes |%n"
                  + "|---|---|---|---|---|---|%n",
              sounds.get("origin").asText(),
              sounds.get("sources_playing_a_recording").asLong(),
              sounds.get("sources_of_classes_with_recordings").asLong()));
      for (var p : sounds.get("recordings")) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %d |%n",
                p.get("file").asText(),
                p.get("class").asText(),
                p.get("licence").asText(),
                p.path("source").asText("–"),
                p.path("author").asText("–"),
                p.get("scenes").asInt()));
      }
    }
    return b.toString();
  }
}
