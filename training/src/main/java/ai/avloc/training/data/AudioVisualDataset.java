package ai.avloc.training.data;

import ai.avloc.acoustics.audio.BackgroundNoise;
import ai.avloc.acoustics.audio.Mfcc;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An audio-visual dataset in the ACIVW layout (uvae-reference.md §1.5–1.7), read for training and
 * evaluation.
 *
 * <p>The root holds {@code lists/training.txt}, {@code validation.txt} and {@code testing.txt} (one
 * 1-second GZIP TFRecord per line, relative to the root), and optionally:
 *
 * <ul>
 *   <li>{@code dataset.json}, the card: {@code classes} as an array of names (index = id), an array
 *       of {@code {"id", "name"}} objects or an object mapping ids to names, and the noise-only
 *       class as {@code noise_only_class} (or {@code noiseOnlyClass}, a number or an object with an
 *       {@code id}), else the class named "noise only" or "noise" (also with "_" or "-");
 *   <li>{@code annotations.jsonl}, one JSON object per second: {@code path} (as in the lists),
 *       {@code split}, {@code scene}, {@code class}, and {@code frames}, 12 entries each holding
 *       the boxes of the sounding objects on screen (an array of boxes, or an object with {@code
 *       sounding} or {@code boxes}; other keys such as {@code distractors} are ignored); a box is
 *       {@code x0, y0, x1, y1} in pixels of the 298 x 224 frame (or {@code box: [x0, y0, x1, y1]})
 *       and {@code class}.
 * </ul>
 *
 * Real ACIVW data has neither file; class names then read "class N" and no frame has boxes.
 */
public final class AudioVisualDataset {
  public static final String LISTS = "lists";
  public static final String CARD = "dataset.json";
  public static final String ANNOTATIONS = "annotations.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The three lists of the reference's splits. */
  public enum Split {
    TRAINING("training.txt"),
    VALIDATION("validation.txt"),
    TESTING("testing.txt");

    private final String fileName;

    Split(String fileName) {
      this.fileName = fileName;
    }

    public String fileName() {
      return fileName;
    }

    /**
     * The split named {@code name} (case-insensitive; {@code train}, {@code val}, {@code test}).
     */
    public static Split parse(String name) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      for (Split s : values()) {
        String full = s.name().toLowerCase(Locale.ROOT);
        if (full.equals(n) || full.startsWith(n) && n.length() >= 3) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "unknown split '" + name + "'; use training, validation or testing");
    }
  }

  /** Told after every second loaded, from the loading threads (one call at a time). */
  @FunctionalInterface
  public interface Progress {
    void update(int secondsDone, int secondsTotal);

    Progress NONE = (done, total) -> {};
  }

  /** One line of annotations.jsonl. */
  record Annotation(long scene, long classId, List<List<SoundingBox>> frames) {}

  private final Path root;
  private final Map<Split, List<String>> lists;
  private final Map<Long, String> classNames;
  private final Long noiseOnlyClass;
  private final Map<String, Annotation> annotations;

  private AudioVisualDataset(
      Path root,
      Map<Split, List<String>> lists,
      Map<Long, String> classNames,
      Long noiseOnlyClass,
      Map<String, Annotation> annotations) {
    this.root = root;
    this.lists = lists;
    this.classNames = classNames;
    this.noiseOnlyClass = noiseOnlyClass;
    this.annotations = annotations;
  }

  /**
   * Reads the lists that exist, the card and the annotations; the TFRecords are read by {@link
   * #load}.
   *
   * @throws IOException when the root holds no list at all, or the card or annotations are not what
   *     this class reads
   */
  public static AudioVisualDataset open(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root + " is not a directory");
    }
    Map<Split, List<String>> lists = new EnumMap<>(Split.class);
    for (Split split : Split.values()) {
      Path file = root.resolve(LISTS).resolve(split.fileName());
      if (Files.isRegularFile(file)) {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank()) {
            lines.add(line.strip());
          }
        }
        lists.put(split, List.copyOf(lines));
      }
    }
    if (lists.isEmpty()) {
      throw new NoSuchFileException(
          root
              + " holds none of lists/training.txt, lists/validation.txt, lists/testing.txt;"
              + " is it a dataset root?");
    }
    Map<Long, String> names = new TreeMap<>();
    Long noise = null;
    Path card = root.resolve(CARD);
    if (Files.isRegularFile(card)) {
      JsonNode node;
      try {
        node = JSON.readTree(card.toFile());
      } catch (JsonProcessingException e) {
        throw new IOException(card + " is not JSON: " + e.getOriginalMessage(), e);
      }
      noise = readClasses(node, names, card);
    }
    Map<String, Annotation> annotations = new HashMap<>();
    Path annotationFile = root.resolve(ANNOTATIONS);
    if (Files.isRegularFile(annotationFile)) {
      readAnnotations(root, annotationFile, annotations);
    }
    return new AudioVisualDataset(
        root,
        lists,
        Collections.unmodifiableMap(names),
        noise,
        Collections.unmodifiableMap(annotations));
  }

  private static Long readClasses(JsonNode card, Map<Long, String> names, Path file)
      throws IOException {
    JsonNode classes = first(card, "classes", "class_names", "classNames");
    Long noise = null;
    if (classes != null && classes.isArray()) {
      for (int i = 0; i < classes.size(); i++) {
        JsonNode c = classes.get(i);
        if (c.isTextual()) {
          names.put((long) i, c.asText());
        } else if (c.isObject()) {
          JsonNode id = first(c, "id", "class", "index");
          JsonNode name = first(c, "name", "label");
          long key = id != null && id.canConvertToLong() ? id.asLong() : i;
          names.put(key, name == null ? "class " + key : name.asText());
          JsonNode flag = first(c, "noise_only", "noiseOnly");
          if (flag != null && flag.asBoolean()) {
            noise = key;
          }
        } else {
          throw new IOException(file + ": classes[" + i + "] is neither a name nor an object");
        }
      }
    } else if (classes != null && classes.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = classes.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (isInteger(e.getKey())) {
          names.put(Long.parseLong(e.getKey()), e.getValue().asText());
        } else if (e.getValue().canConvertToLong()) {
          names.put(e.getValue().asLong(), e.getKey());
        } else {
          throw new IOException(
              file + ": classes maps '" + e.getKey() + "' to neither an id nor a name");
        }
      }
    } else if (classes != null) {
      throw new IOException(file + ": classes must be an array or an object");
    }
    JsonNode explicit =
        first(
            card,
            "noise_only_class",
            "noiseOnlyClass",
            "noise_only_id",
            "noiseOnlyId",
            "noise_only",
            "noiseOnly");
    if (explicit != null && explicit.isObject()) {
      explicit = first(explicit, "id", "class");
    }
    if (explicit != null && explicit.canConvertToLong()) {
      return explicit.asLong();
    }
    if (noise != null) {
      return noise;
    }
    for (Map.Entry<Long, String> e : names.entrySet()) {
      String n = e.getValue().toLowerCase(Locale.ROOT).replace('-', ' ').replace('_', ' ').strip();
      if (n.equals("noise only") || n.equals("noise")) {
        return e.getKey();
      }
    }
    return null;
  }

  private static boolean isInteger(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static JsonNode first(JsonNode node, String... keys) {
    for (String k : keys) {
      JsonNode v = node.get(k);
      if (v != null && !v.isNull()) {
        return v;
      }
    }
    return null;
  }

  private static void readAnnotations(Path root, Path file, Map<String, Annotation> out)
      throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node = JSON.readTree(line);
          JsonNode path = first(node, "path", "file");
          if (path == null || !path.isTextual()) {
            throw new IllegalArgumentException("no path");
          }
          JsonNode scene = first(node, "scene", "location");
          JsonNode cls = first(node, "class", "classes", "class_id");
          out.put(
              key(root, path.asText()),
              new Annotation(
                  scene != null && scene.canConvertToLong() ? scene.asLong() : -1,
                  cls != null && cls.canConvertToLong() ? cls.asLong() : -1,
                  frames(node.get("frames"))));
        } catch (JsonProcessingException e) {
          throw new IOException(file + " line " + number + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
          throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private static List<List<SoundingBox>> frames(JsonNode frames) {
    if (frames == null || frames.isNull()) {
      return List.of();
    }
    if (!frames.isArray() || frames.size() != AudioVisualSecond.ENTRIES) {
      throw new IllegalArgumentException("frames must be an array of 12 entries");
    }
    List<List<SoundingBox>> out = new ArrayList<>();
    for (JsonNode frame : frames) {
      JsonNode boxes =
          frame.isObject() ? first(frame, "sounding", "boxes", "objects", "sources") : frame;
      List<SoundingBox> list = new ArrayList<>();
      if (boxes != null) {
        if (!boxes.isArray()) {
          throw new IllegalArgumentException("a frame's boxes must be an array");
        }
        for (JsonNode b : boxes) {
          JsonNode sounding = first(b, "sounding", "on_screen", "onScreen");
          if (sounding != null && !sounding.asBoolean()) {
            continue;
          }
          double[] c = corners(b);
          JsonNode cls = first(b, "class", "class_id", "classId");
          SoundingBox box =
              SoundingBox.clipped(
                  c[0],
                  c[1],
                  c[2],
                  c[3],
                  cls != null && cls.canConvertToLong() ? cls.asLong() : -1);
          if (box != null) {
            list.add(box);
          }
        }
      }
      out.add(List.copyOf(list));
    }
    return List.copyOf(out);
  }

  private static double[] corners(JsonNode b) {
    JsonNode array = first(b, "box", "bbox");
    double[] c = new double[4];
    if (array != null) {
      if (!array.isArray() || array.size() != 4) {
        throw new IllegalArgumentException("a box array must hold x0, y0, x1, y1");
      }
      for (int i = 0; i < 4; i++) {
        c[i] = array.get(i).asDouble();
      }
      return c;
    }
    String[] keys = {"x0", "y0", "x1", "y1"};
    for (int i = 0; i < 4; i++) {
      JsonNode v = b.get(keys[i]);
      if (v == null || !v.isNumber()) {
        throw new IllegalArgumentException("a box needs numeric x0, y0, x1, y1");
      }
      c[i] = v.asDouble();
    }
    return c;
  }

  /** The key a listed or annotated path is matched by: resolved against the root, normalized. */
  private static String key(Path root, String listed) {
    return root.resolve(listed.replace('\\', '/')).toAbsolutePath().normalize().toString();
  }

  public Path root() {
    return root;
  }

  /** True when the root has the list of {@code split}. */
  public boolean has(Split split) {
    return lists.containsKey(split);
  }

  /**
   * The split's seconds in list order, resolved against the root.
   *
   * @throws IllegalArgumentException when the root has no list for {@code split}
   */
  public List<Path> files(Split split) {
    List<Path> out = new ArrayList<>();
    for (String line : list(split)) {
      out.add(root.resolve(line.replace('\\', '/')));
    }
    return out;
  }

  private List<String> list(Split split) {
    List<String> list = lists.get(split);
    if (list == null) {
      throw new IllegalArgumentException(
          root.resolve(LISTS).resolve(split.fileName())
              + " does not exist; the dataset has "
              + lists.keySet().stream().map(s -> s.fileName()).toList());
    }
    return list;
  }

  /** Class names by id from the card, in id order; empty without a card. */
  public Map<Long, String> classNames() {
    return classNames;
  }

  /**
   * Checks that datasets trained on together label alike: the same class names by id and the same
   * noise-only class, so that a class id means one thing in every one of them.
   *
   * @return the first dataset, whose labels stand for all
   * @throws IllegalArgumentException naming the first dataset that labels otherwise
   */
  public static AudioVisualDataset requireSameClasses(List<AudioVisualDataset> datasets) {
    if (datasets.isEmpty()) {
      throw new IllegalArgumentException("no dataset given");
    }
    AudioVisualDataset first = datasets.get(0);
    for (AudioVisualDataset other : datasets.subList(1, datasets.size())) {
      if (!other.classNames.equals(first.classNames)
          || !other.noiseOnlyClass().equals(first.noiseOnlyClass())) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%s labels classes %s (noise only: %s), %s labels %s (noise only: %s);"
                    + " datasets trained together must use the same class ids",
                first.root,
                first.classNames,
                first.noiseOnlyClass(),
                other.root,
                other.classNames,
                other.noiseOnlyClass()));
      }
    }
    return first;
  }

  /** The class's name from the card, else "class N" ("unlabelled" for -1). */
  public String className(long id) {
    String name = classNames.get(id);
    if (name != null) {
      return name;
    }
    return id < 0 ? "unlabelled" : "class " + id;
  }

  /** The class id of noise-only seconds, when the card names one. */
  public OptionalLong noiseOnlyClass() {
    return noiseOnlyClass == null ? OptionalLong.empty() : OptionalLong.of(noiseOnlyClass);
  }

  /** True when the root has annotations.jsonl. */
  public boolean annotated() {
    return !annotations.isEmpty();
  }

  /** The boxes of frame {@code entry} of {@code file}, if it is annotated. */
  public Optional<List<SoundingBox>> boxes(Path file, int entry) {
    Annotation a = annotations.get(file.toAbsolutePath().normalize().toString());
    if (a == null || a.frames().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(a.frames().get(entry));
  }

  /**
   * At most {@code maxSeconds} of the split's files (0 = all), spread evenly over the list (file
   * {@code floor(i * n / max)} for i = 0..max-1) so a short run still sees every part of a list
   * that is sorted by class; in list order.
   */
  public List<Path> select(Split split, int maxSeconds) {
    List<Path> all = files(split);
    if (maxSeconds <= 0 || maxSeconds >= all.size()) {
      return all;
    }
    List<Path> out = new ArrayList<>(maxSeconds);
    for (int i = 0; i < maxSeconds; i++) {
      out.add(all.get((int) ((long) i * all.size() / maxSeconds)));
    }
    return out;
  }

  /**
   * Loads the split's seconds ({@link #select}) and unbatches them into frames, 12 per second, in
   * list order.
   *
   * @param threads seconds parsed at once (at least 1)
   * @throws IOException naming the file that is missing, corrupt or not in the layout
   */
  public List<FrameSample> load(Split split, int maxSeconds, int threads, Progress progress)
      throws IOException {
    return load(select(split, maxSeconds), AudioVisualSecond.ENTRIES, threads, progress);
  }

  /**
   * As {@link #load(Split, int, int, Progress)}, keeping {@code framesPerSecond} evenly spaced
   * frames of each second (entries 0, 12/k, 2·12/k, ...): the frames of a second look alike, so
   * fewer of them per second let more scenes fit in memory.
   *
   * @param framesPerSecond a divisor of 12
   */
  public List<FrameSample> load(
      Split split, int maxSeconds, int framesPerSecond, int threads, Progress progress)
      throws IOException {
    return load(select(split, maxSeconds), framesPerSecond, threads, progress);
  }

  /** Loads the given seconds (files of this dataset) into frames, in the given order. */
  public List<FrameSample> load(List<Path> files, int threads, Progress progress)
      throws IOException {
    return load(files, AudioVisualSecond.ENTRIES, threads, progress);
  }

  private List<FrameSample> load(
      List<Path> files, int framesPerSecond, int threads, Progress progress) throws IOException {
    if (framesPerSecond < 1 || AudioVisualSecond.ENTRIES % framesPerSecond != 0) {
      throw new IllegalArgumentException(
          "frames per second must divide "
              + AudioVisualSecond.ENTRIES
              + ", got "
              + framesPerSecond);
    }
    int stride = AudioVisualSecond.ENTRIES / framesPerSecond;
    int n = files.size();
    List<FrameSample> out = new ArrayList<>(n * framesPerSecond);
    if (n == 0) {
      return out;
    }
    AtomicInteger done = new AtomicInteger();
    Object lock = new Object();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, n)));
    try {
      List<Future<List<FrameSample>>> futures = new ArrayList<>(n);
      for (Path file : files) {
        futures.add(
            pool.submit(
                () -> {
                  List<FrameSample> frames =
                      second(file).stream().filter(f -> f.entry() % stride == 0).toList();
                  synchronized (lock) {
                    progress.update(done.incrementAndGet(), n);
                  }
                  return frames;
                }));
      }
      for (Future<List<FrameSample>> f : futures) {
        out.addAll(f.get());
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading " + root, e);
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  /** One second's 12 frames. */
  private List<FrameSample> second(Path file) throws IOException {
    String source = source(file);
    List<byte[]> records;
    try {
      records = TfRecords.read(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file + " is listed but does not exist");
    } catch (IOException e) {
      // TFRecord framing errors name the file; GZIP stream errors do not
      String message = String.valueOf(e.getMessage());
      throw message.contains(file.toString())
          ? e
          : new IOException(file + ": unreadable (" + message + ")", e);
    }
    if (records.size() != 1) {
      throw new IOException(
          file + " holds " + records.size() + " records; a dataset second holds exactly 1");
    }
    AudioVisualSecond second;
    try {
      second = AudioVisualSecond.parse(records.get(0));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    Map<String, Long> labels = second.labels();
    long classId = labels.getOrDefault("classes", labels.getOrDefault("action", -1L));
    Annotation annotation = annotations.get(file.toAbsolutePath().normalize().toString());
    long location = labels.getOrDefault("location", annotation == null ? -1L : annotation.scene());
    Mfcc mfcc = new Mfcc();
    BackgroundNoise noise = new BackgroundNoise();
    List<FrameSample> frames = new ArrayList<>(AudioVisualSecond.ENTRIES);
    int frameBytes = FrameSample.RGB_VALUES;
    for (int e = 0; e < AudioVisualSecond.ENTRIES; e++) {
      float[] samples = second.samples(e);
      byte[] bgr = new byte[frameBytes];
      System.arraycopy(second.frames(), e * frameBytes, bgr, 0, frameBytes);
      List<SoundingBox> boxes =
          annotation == null || annotation.frames().isEmpty()
              ? List.of()
              : annotation.frames().get(e);
      frames.add(
          new FrameSample(
              source,
              e,
              classId,
              location,
              bgr,
              mfcc.normalized(samples, 0),
              noise.lowPassMfcc(samples),
              second.target(e),
              boxes));
    }
    return frames;
  }

  private String source(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path base = root.toAbsolutePath().normalize();
    return absolute.startsWith(base)
        ? base.relativize(absolute).toString().replace('\\', '/')
        : file.toString();
  }
}
