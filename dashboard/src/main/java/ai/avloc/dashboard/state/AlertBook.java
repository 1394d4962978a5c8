package ai.avloc.dashboard.state;

import ai.avloc.dashboard.view.AlertView;
import ai.avloc.dashboard.view.LocalizationView;
import ai.avloc.dashboard.view.Position;
import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.InputLimits;
import ai.avloc.schemas.WindowClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The alerts the review page lists, each folded from its lifecycle records, with the snapshot of
 * its strongest window taken from the camera's track when that window is reported. Keeps the newest
 * {@code capacity} alerts; when full the oldest ended one goes first.
 */
public final class AlertBook {
  /** What the snapshot of an alert holds: the localization and the frame shown with it. */
  public record Snapshot(LocalizationView localization, Frame frame) {}

  /** Which alerts a list asks for; null fields do not filter. */
  public record Filter(String camera, String rule, Long from, Long to, Boolean active, int limit) {}

  private static final class Entry {
    final String alertId;
    final String ruleId;
    final String streamId;
    final long start;
    String ruleName;
    boolean active = true;
    Long end;
    Position where;
    float peakContrast = Float.NEGATIVE_INFINITY;
    long peakWindow;
    String acknowledgedBy;
    Snapshot snapshot;

    Entry(Alert first) {
      alertId = first.getAlertId();
      ruleId = first.getRuleId();
      streamId = first.getStreamId();
      start = WindowClock.startMicros(first.getStartWindow()) / 1000;
      peakWindow = first.getWindow();
    }

    AlertView view() {
      long until = end != null ? end : WindowClock.endMicros(peakWindow) / 1000;
      return new AlertView(
          alertId,
          ruleId,
          ruleName,
          streamId,
          active,
          start,
          end,
          Math.max(0, until - start) / 1000.0,
          where,
          Float.isFinite(peakContrast) ? peakContrast : 0,
          peakWindow,
          acknowledgedBy != null,
          acknowledgedBy,
          snapshot != null);
    }
  }

  private final Map<String, Entry> alerts = new LinkedHashMap<>();
  private final int capacity;
  private final Fleet fleet;
  private final Consumer<LiveEvent> listener;

  public AlertBook(int capacity, Fleet fleet, Consumer<LiveEvent> listener) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: is " + capacity + "; it must be at least 1");
    }
    this.capacity = capacity;
    this.fleet = fleet;
    this.listener = listener;
  }

  public void onAlert(Alert a) {
    // the alerting app copies the localization's id; one written to the topic by hand may hold a
    // "..", and a browser acknowledging "r/x/../cam/5" would acknowledge "r/cam/5" instead
    if (InputLimits.streamIdProblem(a.getStreamId()) != null) {
      fleet.onDeadLetter(Fleet.INVALID);
      return;
    }
    AlertView view;
    synchronized (this) {
      Entry e = alerts.get(a.getAlertId());
      if (e == null) {
        // an UPDATE or END without its START: the dashboard started during the alert
        e = new Entry(a);
        alerts.put(e.alertId, e);
        evict();
      }
      e.ruleName = a.getRuleName();
      if (a.getWhere() != null) {
        e.where = Position.of(a.getWhere());
      }
      if (a.getState() == AlertState.END) {
        e.active = false;
        e.end = WindowClock.startMicros(a.getWindow()) / 1000;
      } else if (a.getContrast() > e.peakContrast) {
        e.peakContrast = a.getContrast();
        e.peakWindow = a.getWindow();
        Snapshot taken = snapshotOf(e.streamId, a.getWindow());
        if (taken != null) {
          e.snapshot = taken;
        }
      }
      view = e.view();
    }
    listener.accept(new LiveEvent("alert", a.getStreamId(), view));
  }

  private Snapshot snapshotOf(String streamId, long window) {
    Optional<CameraTrack> track = fleet.track(streamId);
    if (track.isEmpty()) {
      return null;
    }
    // the alert's own window when it is still kept, else the newest the camera has
    Optional<LocalizationView> l = track.get().localization(window).or(track.get()::latest);
    return l.map(loc -> new Snapshot(loc, track.get().frameFor(loc.windowStart()).orElse(null)))
        .orElse(null);
  }

  private void evict() {
    while (alerts.size() > capacity) {
      Iterator<Entry> it = alerts.values().iterator();
      Entry victim = null;
      while (it.hasNext()) {
        Entry e = it.next();
        if (!e.active) {
          victim = e;
          break;
        }
      }
      alerts.remove((victim != null ? victim : alerts.values().iterator().next()).alertId);
    }
  }

  /** Marks the alert acknowledged by {@code user}; empty when the book does not hold it. */
  public Optional<AlertView> acknowledge(String alertId, String user) {
    AlertView view;
    synchronized (this) {
      Entry e = alerts.get(alertId);
      if (e == null) {
        return Optional.empty();
      }
      e.acknowledgedBy = user;
      view = e.view();
    }
    listener.accept(new LiveEvent("alert", view.streamId(), view));
    return Optional.of(view);
  }

  public synchronized Optional<AlertView> get(String alertId) {
    return Optional.ofNullable(alerts.get(alertId)).map(Entry::view);
  }

  public synchronized Optional<Snapshot> snapshot(String alertId) {
    return Optional.ofNullable(alerts.get(alertId)).map(e -> e.snapshot);
  }

  /** Alerts matching the filter, newest start first. */
  public synchronized List<AlertView> list(Filter f) {
    List<AlertView> out = new ArrayList<>();
    for (Entry e : alerts.values()) {
      AlertView v = e.view();
      long until = v.end() != null ? v.end() : Long.MAX_VALUE;
      if ((f.camera() == null || f.camera().equals(v.streamId()))
          && (f.rule() == null || f.rule().equals(v.ruleId()))
          && (f.active() == null || f.active() == v.active())
          && (f.from() == null || until >= f.from())
          && (f.to() == null || v.start() <= f.to())) {
        out.add(v);
      }
    }
    out.sort(Comparator.comparingLong(AlertView::start).reversed());
    return out.subList(0, Math.min(f.limit(), out.size()));
  }

  /** Alerts of one camera that overlap [from, to] ms, oldest first: for the timeline. */
  public synchronized List<AlertView> overlapping(String streamId, long from, long to) {
    List<AlertView> out = new ArrayList<>();
    for (Entry e : alerts.values()) {
      AlertView v = e.view();
      long until = v.end() != null ? v.end() : Long.MAX_VALUE;
      if (v.streamId().equals(streamId) && until >= from && v.start() <= to) {
        out.add(v);
      }
    }
    out.sort(Comparator.comparingLong(AlertView::start));
    return out;
  }

  public synchronized int activeOn(String streamId) {
    int n = 0;
    for (Entry e : alerts.values()) {
      if (e.active && e.streamId.equals(streamId)) {
        n++;
      }
    }
    return n;
  }

  /** Alerts held for review, active and ended: at most the book's capacity. */
  public synchronized int size() {
    return alerts.size();
  }

  public synchronized int activeCount() {
    int n = 0;
    for (Entry e : alerts.values()) {
      n += e.active ? 1 : 0;
    }
    return n;
  }

  /** The alert ids in the book, oldest first (for tests and eviction checks). */
  synchronized List<String> ids() {
    return new ArrayList<>(alerts.keySet());
  }
}
