package ai.avloc.training.data;

import ai.avloc.simulator.SourceSignal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Recorded sounds that synthetic scenes may play instead of a class's synthetic {@link
 * ai.avloc.simulator.SoundSignature}, each with the class it sounds like and the licence it may be
 * used under: a folder of WAV files (any rate avloc reads, 8–96 kHz) with a {@code sounds.json}
 * manifest. A recording without a licence or a class is refused, so a dataset card can always say
 * what every sound in it may be used for.
 *
 * <p>The manifest is {@code {"sounds": [{"file": "drone.wav", "class": "drone", "licence":
 * "BSD-3-Clause", "source": "...", "author": "..."}]}}; {@code class} (one of {@link
 * SyntheticClass}'s labels) and {@code licence} are required, {@code source} and {@code author} are
 * recorded when given.
 *
 * <p>Each recording is prepared as the simulator's {@code wav} signal prepares a file ({@link
 * SourceSignal.Wav}): mixed to mono, looped, low-passed circularly to 0.45 of the lower of its and
 * the scene's rate, and interpolated from its own grid; its mean is removed, since a pressure
 * offset is no sound.
 */
public final class RecordedSounds {
  /** The manifest's name in a folder of recordings. */
  public static final String MANIFEST = "sounds.json";

  /** The chance that a source of a class with recordings plays one instead of its signature. */
  public static final double REPLACE_PROBABILITY = 0.5;

  /**
   * Seconds of signal before t = 0 and after the scene's end: propagation delays look back up to 44
   * ms, and the seam where an excerpt's period wraps lies after the scene.
   */
  static final double LEAD = 0.5;

  /**
   * An excerpt quieter than this share of its recording's RMS (a pause between barks) is drawn
   * again, up to {@link #EXCERPT_TRIES} times, keeping the loudest: a sounding object should sound.
   */
  static final double MIN_EXCERPT_SHARE = 0.25;

  static final int EXCERPT_TRIES = 8;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A recording: its file name, class, licence, source and author as the manifest says, and its
   * prepared mono loop at the file's rate (arbitrary units: every use is level-matched).
   */
  public record Recording(
      String file,
      SyntheticClass type,
      String licence,
      String source,
      String author,
      double sampleRate,
      double[] samples,
      double rms) {

    /** Length of the recording in seconds. */
    public double seconds() {
      return samples.length / sampleRate;
    }
  }

  /**
   * What a source plays: a recording from {@code offsetSeconds} on (looped), as a signal of the
   * requested RMS over the scene.
   */
  public record Excerpt(Recording recording, double offsetSeconds, SourceSignal.Sampled signal) {}

  private final String origin;
  private final List<Recording> recordings;
  private final Map<SyntheticClass, List<Recording>> byClass = new EnumMap<>(SyntheticClass.class);

  private RecordedSounds(String origin, List<Recording> recordings) {
    this.origin = origin;
    this.recordings = List.copyOf(recordings);
    for (Recording r : recordings) {
      byClass.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r);
    }
  }

  /**
   * The recordings of {@code folder}: every {@code .wav} file in it must be listed in its {@code
   * sounds.json} with a class and a licence, and every listed file must be there and readable.
   */
  public static RecordedSounds load(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("--sounds " + folder + " is not a directory");
    }
    Path manifestFile = folder.resolve(MANIFEST);
    TreeSet<String> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(folder)) {
      list.filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".wav"))
          .forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("--sounds " + folder + " holds no recording (.wav)");
    }
    if (!Files.isRegularFile(manifestFile)) {
      throw new IllegalArgumentException(
          "--sounds "
              + folder
              + " has no "
              + MANIFEST
              + " saying each recording's class and licence; recordings without one are not"
              + " used");
    }
    JsonNode manifest = JSON.readTree(manifestFile.toFile());
    Map<String, JsonNode> entries = new HashMap<>();
    for (JsonNode entry : manifest.path("sounds")) {
      String file = entry.path("file").asText("");
      if (file.isBlank()) {
        throw new IllegalArgumentException(manifestFile + ": an entry has no \"file\"");
      }
      entries.put(file, entry);
    }
    for (String listed : entries.keySet()) {
      if (!files.contains(listed)) {
        throw new IllegalArgumentException(
            manifestFile + " lists " + listed + ", which is not a recording (.wav) in " + folder);
      }
    }
    List<Recording> recordings = new ArrayList<>();
    for (String name : files) {
      Path file = folder.resolve(name);
      JsonNode entry = entries.get(name);
      String licence = entry == null ? "" : entry.path("licence").asText("");
      if (licence.isBlank()) {
        throw new IllegalArgumentException(
            "recording "
                + file
                + " has no licence in "
                + MANIFEST
                + "; add {\"file\": \""
                + name
                + "\", \"class\": ..., \"licence\": ...} or remove it");
      }
      SyntheticClass type = classOf(file, entry.path("class").asText(""));
      recordings.add(
          prepare(
              file,
              type,
              licence,
              entry.path("source").asText(""),
              entry.path("author").asText("")));
    }
    return new RecordedSounds(folder.toAbsolutePath().toString(), recordings);
  }

  private static SyntheticClass classOf(Path file, String label) {
    for (SyntheticClass c : SyntheticClass.values()) {
      if (c.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    String known =
        Arrays.stream(SyntheticClass.values())
            .map(SyntheticClass::label)
            .collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        "recording "
            + file
            + (label.isBlank()
                ? " has no \"class\" in " + MANIFEST
                : ": class '" + label + "' in " + MANIFEST + " is not one of synth's classes")
            + "; give one of "
            + known);
  }

  /** Reads, mixes to mono and low-passes a recording as the simulator's {@code wav} signal does. */
  private static Recording prepare(
      Path file, SyntheticClass type, String licence, String source, String author) {
    SourceSignal.Wav wav;
    try {
      wav = SourceSignal.Wav.read(file, 1, SyntheticDataset.SAMPLE_RATE);
    } catch (IllegalArgumentException e) {
      // the reader's own message names the file and what is wrong with it
      Throwable why = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(
          "recording " + file + " cannot be read: " + why.getMessage(), e);
    }
    double[] x = wav.samples();
    double mean = Arrays.stream(x).average().orElse(0);
    double energy = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] -= mean;
      energy += x[i] * x[i];
    }
    double rms = Math.sqrt(energy / x.length);
    if (!(rms > 1e-9)) {
      throw new IllegalArgumentException(
          "recording " + file + " is silent (after low-pass and without its mean)");
    }
    return new Recording(
        file.getFileName().toString(), type, licence, source, author, wav.sampleRate(), x, rms);
  }

  /** Where the recordings came from: the folder. */
  public String origin() {
    return origin;
  }

  public List<Recording> recordings() {
    return recordings;
  }

  /** Whether some recording sounds like {@code type}. */
  public boolean has(SyntheticClass type) {
    return byClass.containsKey(type);
  }

  /**
   * An excerpt of one of {@code type}'s recordings drawn from {@code random}: a recording, a start
   * anywhere in it, looped when the recording is shorter than the scene, scaled so that its RMS
   * over the scene's {@code seconds} is {@code rms} Pa at 1 m.
   *
   * @throws IllegalArgumentException if no recording sounds like {@code type}
   */
  public Excerpt excerpt(SyntheticClass type, double seconds, double rms, Random random) {
    List<Recording> candidates = byClass.get(type);
    if (candidates == null) {
      throw new IllegalArgumentException("no recording of class " + type.label());
    }
    Recording recording = candidates.get(random.nextInt(candidates.size()));
    double rate = recording.sampleRate();
    double[] x = recording.samples();
    int heard = (int) Math.ceil(seconds * rate);
    int lead = (int) Math.ceil(LEAD * rate);
    int n = heard + 2 * lead;
    int bestOffset = 0;
    double bestRms = -1;
    for (int tries = 0; tries < EXCERPT_TRIES; tries++) {
      int offset = random.nextInt(x.length);
      double energy = 0;
      for (int k = 0; k < heard; k++) {
        double v = x[(offset + k) % x.length];
        energy += v * v;
      }
      double excerptRms = Math.sqrt(energy / heard);
      if (excerptRms > bestRms) {
        bestRms = excerptRms;
        bestOffset = offset;
      }
      if (excerptRms >= MIN_EXCERPT_SHARE * recording.rms()) {
        break;
      }
    }
    // one period: sample k < n - lead is the recording at offset + k, the last lead samples hold
    // the time before 0, so the seam where the period wraps lies after the scene's end
    double scale = bestRms > 0 ? rms / bestRms : 0;
    double[] period = new double[n];
    for (int k = 0; k < n; k++) {
      int shift = k < n - lead ? k : k - n;
      period[k] = scale * x[Math.floorMod(bestOffset + shift, x.length)];
    }
    return new Excerpt(recording, bestOffset / rate, SourceSignal.Sampled.of(period, rate));
  }
}
