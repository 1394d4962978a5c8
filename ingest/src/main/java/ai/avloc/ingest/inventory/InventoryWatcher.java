package ai.avloc.ingest.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code cameras.yaml} and reports each edit as an {@link InventoryDiff}, so a gateway can
 * start, stop and restart cameras without restarting itself.
 *
 * <p>The file is polled (a WatchService misses edits on network and container-mounted files, and
 * editors that replace the file instead of writing it). A new content is applied once it has stayed
 * the same for one poll, so a file caught half-written is not taken for an edit that removes
 * cameras. Every poll of a settled file re-parses it, which also picks up a changed password file.
 *
 * <p>An edit that fails validation changes nothing: the cameras keep running as they were, the
 * errors are logged once (and handed to {@link Listener#rejected}), and the next valid edit applies
 * as a diff against what is running.
 *
 * <p>Only cameras the {@code runs} filter accepts count (e.g. {@link Shard#runs}: enabled and owned
 * by this shard), so a camera that is disabled or moves to another shard comes out as removed.
 */
public final class InventoryWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryWatcher.class);

  /** Told about each applied edit and each rejected one; called on the watcher's thread. */
  public interface Listener {
    /** The running inventory changed; {@code diff} is never empty. */
    void changed(InventoryDiff diff);

    /** An edit failed validation and was not applied; called once per distinct set of errors. */
    default void rejected(InventoryException errors) {}
  }

  private final Path file;
  private final Duration interval;
  private final Map<String, String> env;
  private final Predicate<CameraSpec> runs;
  private final Listener listener;
  private final ScheduledExecutorService timer;

  private volatile List<CameraSpec> current;
  private String lastText;
  private List<String> lastErrors;
  private String lastReadProblem;

  /**
   * Parses the file now, reading passwords from the process environment; call {@link #start()} to
   * begin watching.
   *
   * @throws InventoryException if the file is not valid: a gateway does not start on a bad one
   * @throws IOException if it cannot be read
   */
  public InventoryWatcher(
      Path file, Duration interval, Predicate<CameraSpec> runs, Listener listener)
      throws IOException {
    this(file, interval, System.getenv(), runs, listener);
  }

  /** As the other constructor, with {@code passwordEnv} variables read from {@code env}. */
  public InventoryWatcher(
      Path file,
      Duration interval,
      Map<String, String> env,
      Predicate<CameraSpec> runs,
      Listener listener)
      throws IOException {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive, got " + interval);
    }
    this.file = file;
    this.interval = interval;
    this.env = Map.copyOf(env);
    this.runs = Objects.requireNonNull(runs, "runs");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.lastText = Files.readString(file, StandardCharsets.UTF_8);
    this.current = running(CameraInventory.parse(file, lastText, this.env));
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "inventory-watcher " + file.getFileName());
              t.setDaemon(true);
              return t;
            });
  }

  /** The cameras running now (after the filter), in file order. */
  public List<CameraSpec> current() {
    return current;
  }

  /** Starts polling every {@code interval}. */
  public void start() {
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops polling; a listener call in progress finishes. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // the watcher outlives a failing listener: the next edit still applies
      LOG.error("inventory {}: applying an edit failed", file, e);
    }
  }

  /** One look at the file; package-private so tests can step it. */
  synchronized void poll() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
      lastReadProblem = null;
    } catch (IOException e) {
      String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      if (!problem.equals(lastReadProblem)) {
        LOG.warn(
            "inventory {}: cannot read it ({}); cameras keep running as they are", file, problem);
        lastReadProblem = problem;
      }
      return;
    }
    if (!text.equals(lastText)) {
      lastText = text;
      return;
    }
    List<CameraSpec> next;
    try {
      next = running(CameraInventory.parse(file, text, env));
    } catch (InventoryException e) {
      if (!e.errors().equals(lastErrors)) {
        lastErrors = e.errors();
        LOG.warn(
            "inventory {}: edit not applied, cameras keep running as they are:\n{}",
            file,
            e.getMessage());
        listener.rejected(e);
      }
      return;
    }
    lastErrors = null;
    InventoryDiff diff = InventoryDiff.between(current, next);
    if (diff.isEmpty()) {
      return;
    }
    current = next;
    LOG.info(
        "inventory {}: added {}, removed {}, changed {}",
        file,
        ids(diff.added()),
        ids(diff.removed()),
        ids(diff.changed()));
    listener.changed(diff);
  }

  private List<CameraSpec> running(List<CameraSpec> all) {
    return all.stream().filter(runs).toList();
  }

  private static List<String> ids(List<CameraSpec> specs) {
    return specs.stream().map(CameraSpec::id).toList();
  }
}
