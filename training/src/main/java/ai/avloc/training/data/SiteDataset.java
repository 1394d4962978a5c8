package ai.avloc.training.data;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.beamforming.AcousticImager;
import ai.avloc.acoustics.beamforming.BandPowerMapper;
import ai.avloc.acoustics.beamforming.BeamSteering;
import ai.avloc.acoustics.beamforming.BeamformingMap;
import ai.avloc.acoustics.beamforming.LookGrid;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.WindowClock;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A site's audio-visual dataset in the ACIVW layout, written second by second from an array
 * camera's archive ({@code avloc collect}): the array's acoustic images are the targets, made as
 * {@link SyntheticDataset} makes them ({@link AcousticImager}, classic steering over {@link
 * LookGrid#cameraFov}, stored rotated by 180°), and a camera's frames and microphone audio of the
 * same 1/12 s windows are the inputs, so {@link AudioVisualDataset} reads it like a synthetic set
 * and {@code train --start-from} fine-tunes on it.
 *
 * <p>Splits are by contiguous time blocks, not by window: neighbouring windows look and sound
 * alike, so a random split would test on near-copies of training windows. Block b (from {@code
 * from}) goes to the split furthest below its share after blocks 0..b−1 ({@link #splitOfBlock}),
 * which interleaves the splits over the day (80/10/10: of every 10 blocks, 8 train, 1 validates, 1
 * tests).
 *
 * <p>Whether a window holds a source is decided as the job's array path decides it: the band-power
 * map over 500–5000 Hz (the job's default band) is flat when its {@link PeakFinder#flatness}
 * reaches {@link PeakFinder#DEFAULT_POWER_MAP_FLATNESS}. A second is labelled {@link #SOURCE_ID}
 * when at least half its windows hold a source, else {@link #NOISE_ONLY_ID}.
 *
 * <p>Written under the output directory: {@code
 * class_{c}/data_{block:05d}/Data_{second:03d}.tfrecord} (one {@link AudioVisualSecond} per second,
 * 1-based within its block; context {@code classes} and {@code location}, the block index), {@code
 * lists/*.txt}, {@code dataset.json} (the card) and {@code README.md}.
 */
public final class SiteDataset implements AutoCloseable {
  public static final int SOURCE_ID = 0;
  public static final int NOISE_ONLY_ID = 1;
  public static final double LOW_HZ = 500;
  public static final double HIGH_HZ = 5000;

  private static final int ENTRIES = WindowClock.WINDOWS_PER_SECOND;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What is collected.
   *
   * @param arrayStream the array camera's stream id (the targets)
   * @param inputStream the stream whose frames and audio are the inputs
   * @param sameCamera the inputs are the array camera's frames and its reference microphone
   * @param from the first instant collected
   * @param to the end of the range (exclusive)
   * @param split percentages of blocks for training, validation and testing (sum 100)
   * @param blockSeconds length of a split block
   * @param hfovDeg the cameras' horizontal field of view (the acoustic grid's)
   * @param vfovDeg vertical field of view
   */
  public record Config(
      String arrayStream,
      String inputStream,
      boolean sameCamera,
      Instant from,
      Instant to,
      int[] split,
      long blockSeconds,
      double hfovDeg,
      double vfovDeg) {
    public Config {
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("the range is empty: " + from + " to " + to);
      }
      split = CardNumbers.split(split);
      if (blockSeconds < 1) {
        throw new IllegalArgumentException("a block lasts at least 1 s, got " + blockSeconds);
      }
    }

    @Override
    public int[] split() {
      return split.clone();
    }

    /** The first whole second collected (seconds since the epoch). */
    public long firstSecond() {
      long s = from.getEpochSecond();
      return from.getNano() == 0 ? s : s + 1;
    }
  }

  /**
   * One second of the archive, 12 windows.
   *
   * @param epochSecond the second's start, seconds since the epoch
   * @param geometryId the array's built-in geometry
   * @param array every microphone's 12288 samples, PCM16 scale (1 Pa = 32768)
   * @param audio the input microphone's 12288 samples in PCM16 units
   * @param frames 12 frames of 224 x 298 x 3 BGR bytes, one per window
   */
  public record Second(
      long epochSecond, String geometryId, float[][] array, int[] audio, byte[] frames) {}

  /** What was written. */
  public record Summary(
      long seconds,
      long windows,
      long[] windowsPerSplit,
      long[] blocksPerSplit,
      long sourceWindows,
      long noiseOnlyWindows,
      double medianSourceContrast,
      double medianNoiseContrast) {
    public double hours() {
      return seconds / 3600.0;
    }

    public double noiseOnlyShare() {
      return windows == 0 ? Double.NaN : (double) noiseOnlyWindows / windows;
    }
  }

  private final Config config;
  private final Path out;
  private final List<List<String>> lists =
      List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  private final List<Integer> blockSplits = new ArrayList<>();
  private final long[] blocksGiven = new long[3];
  private final Map<Long, Integer> blocks = new TreeMap<>();
  private final List<Double> sourceContrast = new ArrayList<>();
  private final List<Double> noiseContrast = new ArrayList<>();
  private final long[] windowsPerSplit = new long[3];
  private final long[] classSeconds = new long[2];
  private String geometryId;
  private AcousticImager imager;
  private BandPowerMapper mapper;
  private int microphones;
  private long seconds;
  private long sourceWindows;

  /** A dataset written to {@code out} (created if missing). */
  public SiteDataset(Config config, Path out) throws IOException {
    this.config = config;
    this.out = out;
    Files.createDirectories(out);
  }

  /**
   * The split (index into {@link SyntheticDataset#SPLITS}) of time block {@code block}: the split
   * furthest below its share of blocks 0..block, ties to the earlier split.
   */
  public static int splitOfBlock(int[] split, long block) {
    long[] given = new long[3];
    int chosen = 0;
    for (long b = 0; b <= block; b++) {
      chosen = nextSplit(split, given, b);
    }
    return chosen;
  }

  /** How many of {@code blocks} time blocks each split gets. */
  public static long[] blocksPerSplit(int[] split, long blocks) {
    long[] given = new long[3];
    for (long b = 0; b < blocks; b++) {
      nextSplit(split, given, b);
    }
    return given;
  }

  /** The split of block {@code b} given how many blocks 0..b−1 each split has; counts it. */
  private static int nextSplit(int[] split, long[] given, long b) {
    int chosen = 0;
    double best = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < 3; s++) {
      double deficit = split[s] / 100.0 * (b + 1) - given[s];
      if (split[s] > 0 && deficit > best + 1e-9) {
        best = deficit;
        chosen = s;
      }
    }
    given[chosen]++;
    return chosen;
  }

  private int splitOf(long block) {
    while (blockSplits.size() <= block) {
      blockSplits.add(nextSplit(config.split(), blocksGiven, blockSplits.size()));
    }
    return blockSplits.get((int) block);
  }

  /** Beamforms and writes one second. */
  public void add(Second second) throws IOException {
    open(second.geometryId());
    if (second.array().length != microphones) {
      throw new IllegalArgumentException(
          "array audio has "
              + second.array().length
              + " channels, "
              + geometryId
              + " has "
              + microphones
              + " microphones");
    }
    float[] raw = imager.images(second.array(), 0, ENTRIES);
    float[] power = mapper.maps(second.array(), WindowClock.SAMPLES_PER_WINDOW, 0, ENTRIES);
    int imageSize = imager.imageSize();
    int cells = mapper.directions();
    float[] images = new float[raw.length];
    int withSource = 0;
    boolean[] source = new boolean[ENTRIES];
    for (int e = 0; e < ENTRIES; e++) {
      SyntheticDataset.rotate180(raw, e * imageSize, images, e * imageSize);
      float[] map = Arrays.copyOfRange(power, e * cells, (e + 1) * cells);
      source[e] = !PeakFinder.isFlat(map, PeakFinder.DEFAULT_POWER_MAP_FLATNESS);
      if (source[e]) {
        withSource++;
      }
    }
    int label = 2 * withSource >= ENTRIES ? SOURCE_ID : NOISE_ONLY_ID;
    long block = Math.floorDiv(second.epochSecond() - config.firstSecond(), config.blockSeconds());
    int split = splitOf(block);
    int index = blocks.merge(block, 1, Integer::sum);
    Map<String, Long> labels = new TreeMap<>();
    labels.put("classes", (long) label);
    labels.put("location", block);
    AudioVisualSecond record =
        new AudioVisualSecond(labels, images, second.audio(), second.frames());
    String path = SyntheticDataset.path(label, (int) block, index - 1);
    Path file = out.resolve(path);
    Files.createDirectories(file.getParent());
    TfRecords.write(file, List.of(record.toBytes()), true);
    lists.get(split).add(path);
    for (int e = 0; e < ENTRIES; e++) {
      float[] energy = EnergyMap.of(record.target(e));
      double c = SyntheticDataset.contrast(energy, SyntheticDataset.argmax(energy));
      (source[e] ? sourceContrast : noiseContrast).add(c);
    }
    seconds++;
    sourceWindows += withSource;
    windowsPerSplit[split] += ENTRIES;
    classSeconds[label]++;
  }

  private void open(String geometry) {
    if (imager != null) {
      if (!geometry.equals(geometryId)) {
        throw new IllegalArgumentException(
            "stream "
                + config.arrayStream()
                + " changed its array from "
                + geometryId
                + " to "
                + geometry
                + " within the range; collect each geometry's range on its own");
      }
      return;
    }
    MicArray array = BuiltinArrays.byName(geometry);
    LookGrid grid =
        LookGrid.cameraFov(config.hfovDeg(), config.vfovDeg(), ModelShapes.ROWS, ModelShapes.COLS);
    BeamSteering steering = BeamSteering.classic(array, grid);
    imager = new AcousticImager(steering, ENTRIES);
    mapper =
        new BandPowerMapper(
            steering,
            WindowClock.SAMPLE_RATE,
            WindowClock.SAMPLES_PER_WINDOW,
            BeamformingMap.bins(
                WindowClock.SAMPLE_RATE, WindowClock.SAMPLES_PER_WINDOW, LOW_HZ, HIGH_HZ),
            ENTRIES);
    geometryId = geometry;
    microphones = array.size();
  }

  /** Seconds written so far. */
  public long seconds() {
    return seconds;
  }

  /**
   * Writes the lists, the card and the README.
   *
   * @param skipped seconds in the range left out, by reason (a window without a frame, audio or
   *     array samples)
   */
  public Summary finish(Map<String, Long> skipped) throws IOException {
    Files.createDirectories(out.resolve("lists"));
    for (int s = 0; s < 3; s++) {
      StringBuilder text = new StringBuilder();
      lists.get(s).forEach(p -> text.append(p).append('\n'));
      Files.writeString(
          out.resolve("lists").resolve(SyntheticDataset.SPLITS.get(s) + ".txt"),
          text,
          StandardCharsets.UTF_8);
    }
    long[] blocksPerSplit = new long[3];
    blocks.keySet().forEach(b -> blocksPerSplit[splitOf(b)]++);
    long windows = seconds * ENTRIES;
    Summary summary =
        new Summary(
            seconds,
            windows,
            windowsPerSplit.clone(),
            blocksPerSplit,
            sourceWindows,
            windows - sourceWindows,
            CardNumbers.median(sourceContrast),
            CardNumbers.median(noiseContrast));
    ObjectNode card = card(summary, skipped);
    Files.writeString(out.resolve(AudioVisualDataset.CARD), JSON.writeValueAsString(card) + "\n");
    Files.writeString(out.resolve("README.md"), readme(summary), StandardCharsets.UTF_8);
    return summary;
  }

  private ObjectNode card(Summary s, Map<String, Long> skipped) {
    ObjectNode card = JSON.createObjectNode();
    card.put("name", "avloc site dataset");
    card.put("generator", "avloc collect");
    ObjectNode source = card.putObject("source");
    source.put("array_stream", config.arrayStream());
    source.put("input_stream", config.inputStream());
    source.put("same_camera", config.sameCamera());
    source.put("from", config.from().toString());
    source.put("to", config.to().toString());
    card.put("hours", CardNumbers.round(s.hours(), 4));
    card.put("seconds", s.seconds());
    card.put("windows", s.windows());
    card.put("frames_per_second", ENTRIES);
    card.put("sample_rate_hz", WindowClock.SAMPLE_RATE);
    ObjectNode skippedNode = card.putObject("seconds_skipped");
    skipped.forEach(skippedNode::put);
    ObjectNode array = card.putObject("array");
    array.put("name", geometryId);
    array.put("microphones", microphones);
    array.put("reference_microphone", 0);
    SyntheticDataset.describeTargets(card, config.hfovDeg(), config.vfovDeg());
    card.put(
        "audio",
        config.sameCamera()
            ? "int32 PCM16 units, the array's reference microphone (0), 1024 per frame"
            : "int32 PCM16 units, the input camera's microphone, 1024 per frame");
    card.put("frame", "uint8 224x298x3, BGR, the camera's frame nearest the window's centre");
    ArrayNode classes = card.putArray("classes");
    ObjectNode c0 = classes.addObject();
    c0.put("id", SOURCE_ID);
    c0.put("name", "sound source");
    c0.put("seconds", classSeconds[SOURCE_ID]);
    ObjectNode c1 = classes.addObject();
    c1.put("id", NOISE_ONLY_ID);
    c1.put("name", "noise only");
    c1.put("noise_only", true);
    c1.put("seconds", classSeconds[NOISE_ONLY_ID]);
    ObjectNode labels = card.putObject("labels");
    labels.put("classes", "0 when at least 6 of the second's 12 windows hold a source, else 1");
    labels.put("location", "time block index from the range's start");
    ObjectNode splits = card.putObject("splits");
    splits.put("block_seconds", config.blockSeconds());
    splits.put("method", "contiguous time blocks, each to the split furthest below its share");
    for (int sp = 0; sp < 3; sp++) {
      ObjectNode n = splits.putObject(SyntheticDataset.SPLITS.get(sp));
      n.put("percent", config.split()[sp]);
      n.put("blocks", s.blocksPerSplit()[sp]);
      n.put("seconds", s.windowsPerSplit()[sp] / ENTRIES);
      n.put("windows", s.windowsPerSplit()[sp]);
      n.put("list", "lists/" + SyntheticDataset.SPLITS.get(sp) + ".txt");
    }
    ObjectNode sources = card.putObject("sources");
    sources.put(
        "method",
        String.format(
            Locale.ROOT,
            "a window holds a source when its band-power map (%.0f-%.0f Hz, the job's array path)"
                + " has flatness below %.2f (PeakFinder.DEFAULT_POWER_MAP_FLATNESS)",
            LOW_HZ,
            HIGH_HZ,
            PeakFinder.DEFAULT_POWER_MAP_FLATNESS));
    sources.put("windows_with_source", s.sourceWindows());
    sources.put("noise_only_windows", s.noiseOnlyWindows());
    CardNumbers.putNumber(sources, "noise_only_share", CardNumbers.round(s.noiseOnlyShare(), 4));
    CardNumbers.putNumber(
        sources, "median_energy_contrast_source", CardNumbers.round(s.medianSourceContrast(), 6));
    CardNumbers.putNumber(
        sources,
        "median_energy_contrast_noise_only",
        CardNumbers.round(s.medianNoiseContrast(), 6));
    return card;
  }

  private String readme(Summary s) {
    return String.format(
        Locale.ROOT,
        "# avloc site dataset%n%nCollected by `avloc collect` from %s to %s: array camera %s"
            + " (targets), inputs from %s%s. %d seconds (%.2f h), %d windows: %d training, %d"
            + " validation, %d testing, split by %d s time blocks. %d windows hold a source,"
            + " %d (%.1f %%) are noise only. Every number is in `dataset.json`.%n",
        config.from(),
        config.to(),
        config.arrayStream(),
        config.inputStream(),
        config.sameCamera() ? " (its own frames and reference microphone)" : "",
        s.seconds(),
        s.hours(),
        s.windows(),
        s.windowsPerSplit()[0],
        s.windowsPerSplit()[1],
        s.windowsPerSplit()[2],
        config.blockSeconds(),
        s.sourceWindows(),
        s.noiseOnlyWindows(),
        100 * (Double.isNaN(s.noiseOnlyShare()) ? 0 : s.noiseOnlyShare()));
  }

  @Override
  public void close() {
    if (imager != null) {
      imager.close();
      mapper.close();
    }
  }
}
