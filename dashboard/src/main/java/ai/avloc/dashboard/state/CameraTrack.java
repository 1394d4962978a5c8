package ai.avloc.dashboard.state;

import ai.avloc.dashboard.view.HealthView;
import ai.avloc.dashboard.view.LocalizationView;
import ai.avloc.dashboard.view.TimelinePoint;
import ai.avloc.schemas.WindowClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One camera's recent past: the last seconds of localizations and frames (enough to find the frame
 * shown with an alert's strongest window), the last minutes of timeline and the latest health. All
 * methods are synchronized: the topic follower writes while request threads read.
 */
public final class CameraTrack {
  /** Localizations and frames kept for snapshots: 5 s at the window rate. */
  static final int RECENT = 5 * WindowClock.WINDOWS_PER_SECOND;

  /** Timeline kept: 10 minutes of windows. */
  public static final int TIMELINE_SECONDS = 600;

  private final String streamId;
  private final Deque<LocalizationView> localizations = new ArrayDeque<>();
  private final Deque<Frame> frames = new ArrayDeque<>();
  private final Deque<TimelinePoint> timeline = new ArrayDeque<>();
  private final Deque<Long> arrivals = new ArrayDeque<>();
  private HealthView health;

  CameraTrack(String streamId) {
    this.streamId = streamId;
  }

  public String streamId() {
    return streamId;
  }

  synchronized void add(LocalizationView l, long now) {
    LocalizationView latest = localizations.peekLast();
    if (latest != null && l.window() <= latest.window()) {
      // a replay or a re-delivery: keep it out of the live view, which runs forward
      return;
    }
    push(localizations, l, RECENT);
    timeline.addLast(
        new TimelinePoint(l.window(), l.windowStart(), l.strongestContrast(), l.silent()));
    long oldest = l.window() - (long) TIMELINE_SECONDS * WindowClock.WINDOWS_PER_SECOND;
    while (timeline.peekFirst().window() < oldest) {
      timeline.removeFirst();
    }
    arrivals.addLast(now);
    trimArrivals(now);
  }

  synchronized void add(Frame f) {
    Frame latest = frames.peekLast();
    if (latest == null || f.timestamp() > latest.timestamp()) {
      push(frames, f, RECENT);
    }
  }

  synchronized void health(HealthView h) {
    health = h;
  }

  public synchronized Optional<LocalizationView> latest() {
    return Optional.ofNullable(localizations.peekLast());
  }

  public synchronized Optional<LocalizationView> localization(long window) {
    for (LocalizationView l : localizations) {
      if (l.window() == window) {
        return Optional.of(l);
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

  /** Points of the last {@code seconds} before the latest window, oldest first. */
  public synchronized List<TimelinePoint> timeline(int seconds) {
    List<TimelinePoint> points = new ArrayList<>();
    if (timeline.isEmpty()) {
      return points;
    }
    long from = timeline.peekLast().window() - (long) seconds * WindowClock.WINDOWS_PER_SECOND;
    for (TimelinePoint p : timeline) {
      if (p.window() > from) {
        points.add(p);
      }
    }
    return points;
  }

  /** Localizations that arrived over the last 10 s, per second. */
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
