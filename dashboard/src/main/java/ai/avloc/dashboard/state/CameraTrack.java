package ai.avloc.dashboard.state;

import ai.avloc.dashboard.view.HealthView;
import ai.avloc.dashboard.view.LocalizationView;
import ai.avloc.dashboard.view.TimelinePoint;
import ai.avloc.schemas.WindowClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One camera's recent past: the last seconds of localizations and frames (enough to find the frame
 * shown with an alert's strongest window), the last minutes of timeline and the latest health. A
 * camera with a microphone array feeds two kinds of localizations, MONO and ARRAY, each in its own
 * order; the track keeps them apart and shows the ARRAY ones while they arrive, as an ANY rule
 * counts them. All methods are synchronized: the topic follower writes while request threads read.
 */
public final class CameraTrack {
  /** Localizations and frames kept for snapshots: 5 s at the window rate. */
  static final int RECENT = 5 * WindowClock.WINDOWS_PER_SECOND;

  /** Timeline kept: 10 minutes of windows. */
  public static final int TIMELINE_SECONDS = 600;

  /** How long after its last ARRAY localization a camera's view falls back to MONO. */
  static final long ARRAY_HOLD_MILLIS = 5_000;

  private static final String ARRAY = "ARRAY";

  /** One kind of localization of the camera. */
  private static final class Lane {
    final Deque<LocalizationView> recent = new ArrayDeque<>();
    final Deque<TimelinePoint> timeline = new ArrayDeque<>();
    long lastArrival;
  }

  private final String streamId;
  private final Map<String, Lane> lanes = new HashMap<>();
  private final Deque<Frame> frames = new ArrayDeque<>();
  private final Deque<Long> arrivals = new ArrayDeque<>();

  /** Bytes of frames a camera may keep: a hostile camera's megabyte frames cannot fill memory. */
  static final long FRAME_BYTES = 4L << 20;

  private final LongSupplier clock;
  private HealthView health;
  private long frameBytes;
  private volatile long lastSeen;

  CameraTrack(String streamId, LongSupplier clock) {
    this.streamId = streamId;
    this.clock = clock;
  }

  public String streamId() {
    return streamId;
  }

  /**
   * Keeps the localization; answers whether it is of the kind the camera's view shows now (the
   * others are kept for snapshots, not shown).
   */
  synchronized boolean add(LocalizationView l) {
    long now = clock.getAsLong();
    Lane lane = lanes.computeIfAbsent(l.mode(), m -> new Lane());
    LocalizationView latest = lane.recent.peekLast();
    if (latest != null && l.window() <= latest.window()) {
      // a replay or a re-delivery: keep it out of the live view, which runs forward
      return false;
    }
    push(lane.recent, l, RECENT);
    lane.lastArrival = now;
    lane.timeline.addLast(
        new TimelinePoint(l.window(), l.windowStart(), l.strongestContrast(), l.silent()));
    long oldest = l.window() - (long) TIMELINE_SECONDS * WindowClock.WINDOWS_PER_SECOND;
    while (lane.timeline.peekFirst().window() < oldest) {
      lane.timeline.removeFirst();
    }
    arrivals.addLast(now);
    trimArrivals(now);
    return l.mode().equals(shownMode(now));
  }

  /** ARRAY while the camera's array sends, else MONO; null before any localization. */
  private String shownMode(long now) {
    Lane array = lanes.get(ARRAY);
    if (array != null && now - array.lastArrival <= ARRAY_HOLD_MILLIS) {
      return ARRAY;
    }
    for (String mode : lanes.keySet()) {
      if (!mode.equals(ARRAY)) {
        return mode;
      }
    }
    return array == null ? null : ARRAY;
  }

  private Lane shown() {
    String mode = shownMode(clock.getAsLong());
    return mode == null ? null : lanes.get(mode);
  }

  /**
   * Keeps the frame if it is the newest, then drops the oldest ones beyond {@link #RECENT} or
   * {@code byteCap} bytes (at most {@link #FRAME_BYTES}); the newest frame always stays.
   */
  synchronized void add(Frame f, long byteCap) {
    long cap = Math.min(byteCap, FRAME_BYTES);
    Frame latest = frames.peekLast();
    if (latest == null || f.timestamp() > latest.timestamp()) {
      frames.addLast(f);
      frameBytes += f.jpeg().length;
      while (frames.size() > RECENT || (frameBytes > cap && frames.size() > 1)) {
        frameBytes -= frames.removeFirst().jpeg().length;
      }
    }
  }

  synchronized long frameBytes() {
    return frameBytes;
  }

  void seen(long now) {
    lastSeen = now;
  }

  long lastSeen() {
    return lastSeen;
  }

  synchronized void health(HealthView h) {
    health = h;
  }

  /** When the dashboard took the camera's last localization of any kind; -1 before the first. */
  public synchronized long lastLocalizationMillis() {
    long last = -1;
    for (Lane lane : lanes.values()) {
      last = Math.max(last, lane.lastArrival);
    }
    return last;
  }

  /** The latest localization of the kind the view shows. */
  public synchronized Optional<LocalizationView> latest() {
    Lane lane = shown();
    return Optional.ofNullable(lane == null ? null : lane.recent.peekLast());
  }

  /** The kept localization of this window, of the shown kind first. */
  public synchronized Optional<LocalizationView> localization(long window) {
    Lane first = shown();
    List<Lane> order = new ArrayList<>();
    if (first != null) {
      order.add(first);
    }
    lanes.values().stream().filter(l -> l != first).forEach(order::add);
    for (Lane lane : order) {
      for (LocalizationView l : lane.recent) {
        if (l.window() == window) {
          return Optional.of(l);
        }
      }
    }
    return Optional.empty();
  }

  public synchronized Optional<Frame> latestFrame() {
    return Optional.ofNullable(frames.peekLast());
  }

  /**
   * The frame a viewer saw with this window: the newest one presented before the window ended, else
   * the oldest kept.
   */
  public synchronized Optional<Frame> frameFor(long windowStartMillis) {
    long windowEnd = windowStartMillis + 1000 / WindowClock.WINDOWS_PER_SECOND;
    Frame best = null;
    for (Frame f : frames) {
      if (f.timestamp() < windowEnd) {
        best = f;
      }
    }
    return Optional.ofNullable(best != null ? best : frames.peekFirst());
  }

  public synchronized HealthView health() {
    return health;
  }

  /**
   * Points of the shown kind over the last {@code seconds} before its latest window, oldest first.
   */
  public synchronized List<TimelinePoint> timeline(int seconds) {
    List<TimelinePoint> points = new ArrayList<>();
    Lane lane = shown();
    if (lane == null || lane.timeline.isEmpty()) {
      return points;
    }
    long from = lane.timeline.peekLast().window() - (long) seconds * WindowClock.WINDOWS_PER_SECOND;
    for (TimelinePoint p : lane.timeline) {
      if (p.window() > from) {
        points.add(p);
      }
    }
    return points;
  }

  /** Localizations of every kind that arrived over the last 10 s, per second. */
  public synchronized double windowsPerSecond(long now) {
    trimArrivals(now);
    return arrivals.size() / 10.0;
  }

  private void trimArrivals(long now) {
    while (!arrivals.isEmpty() && arrivals.peekFirst() < now - 10_000) {
      arrivals.removeFirst();
    }
  }

  private static <T> void push(Deque<T> deque, T item, int capacity) {
    deque.addLast(item);
    while (deque.size() > capacity) {
      deque.removeFirst();
    }
  }
}
