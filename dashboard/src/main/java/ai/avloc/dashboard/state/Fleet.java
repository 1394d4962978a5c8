package ai.avloc.dashboard.state;

import ai.avloc.dashboard.view.CameraView;
import ai.avloc.dashboard.view.HealthView;
import ai.avloc.dashboard.view.LocalizationView;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Every camera the dashboard has seen on the localization, frame or status topics, and the
 * system-wide counts. Each change is told to a listener (the live hub) after it is applied.
 */
public final class Fleet {
  private final Map<String, CameraTrack> cameras = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final Consumer<LiveEvent> listener;
  private final LongSupplier clock;
  private AlertBook alerts;

  public Fleet(Consumer<LiveEvent> listener, LongSupplier clock) {
    this.listener = listener;
    this.clock = clock;
  }

  /** The book whose active alerts the camera views count; set once at wiring time. */
  public void countAlertsFrom(AlertBook book) {
    this.alerts = book;
  }

  /**
   * A localization from the topic.
   *
   * @param appendTime when the broker appended it, or -1 when the topic keeps producer times: the
   *     job's own emit time then stands for its arrival (the two differ by one produce call)
   */
  public void onLocalization(Localization l, long appendTime) {
    long arrival = appendTime >= 0 ? appendTime : l.getEmitTime().toEpochMilli();
    LocalizationView view = LocalizationView.of(l, arrival);
    if (open(l.getStreamId()).add(view)) {
      listener.accept(new LiveEvent("localization", view.streamId(), view));
    }
  }

  public void onFrame(VideoFrame f) {
    ByteBuffer jpeg = f.getJpeg().duplicate();
    byte[] bytes = new byte[jpeg.remaining()];
    jpeg.get(bytes);
    long timestamp = f.getTimestamp().toEpochMilli();
    open(f.getStreamId()).add(new Frame(f.getSequence(), timestamp, bytes));
    listener.accept(
        new LiveEvent(
            "frame",
            f.getStreamId(),
            Map.of(
                "streamId", f.getStreamId(), "sequence", f.getSequence(), "timestamp", timestamp)));
  }

  public void onStatus(CameraStatus s) {
    open(s.getStreamId()).health(HealthView.of(s));
    listener.accept(
        new LiveEvent("status", s.getStreamId(), camera(s.getStreamId()).orElseThrow()));
  }

  /** Counts a dead letter by the stage that refused it. */
  public void onDeadLetter(String stage) {
    deadLetters.computeIfAbsent(stage, s -> new LongAdder()).increment();
  }

  public boolean knows(String streamId) {
    return cameras.containsKey(streamId);
  }

  public Optional<CameraTrack> track(String streamId) {
    return Optional.ofNullable(cameras.get(streamId));
  }

  private CameraTrack open(String streamId) {
    return cameras.computeIfAbsent(streamId, id -> new CameraTrack(id, clock));
  }

  public Optional<CameraView> camera(String streamId) {
    CameraTrack t = cameras.get(streamId);
    if (t == null) {
      return Optional.empty();
    }
    Optional<LocalizationView> latest = t.latest();
    Long lag =
        latest.map(l -> l.arrivalTime() - WindowClock.endMicros(l.window()) / 1000).orElse(null);
    int active = alerts == null ? 0 : alerts.activeOn(streamId);
    return Optional.of(
        new CameraView(
            streamId,
            latest.map(LocalizationView::mode).orElse(null),
            latest.map(LocalizationView::modelId).orElse(null),
            t.health(),
            latest.map(LocalizationView::window).orElse(null),
            latest.map(LocalizationView::windowStart).orElse(null),
            lag,
            latest.map(LocalizationView::silent).orElse(true),
            active,
            t.latestFrame().map(Frame::sequence).orElse(null)));
  }

  public List<CameraView> cameras() {
    return cameras.keySet().stream().sorted().map(this::camera).flatMap(Optional::stream).toList();
  }

  /** The system page: rates over the last 10 s, lag per camera, dead letters, models in use. */
  public Map<String, Object> system() {
    long now = clock.getAsLong();
    double total = 0;
    List<Map<String, Object>> perCamera = new java.util.ArrayList<>();
    Map<String, Integer> models = new TreeMap<>();
    for (CameraView c : cameras()) {
      double rate = cameras.get(c.streamId()).windowsPerSecond(now);
      total += rate;
      Map<String, Object> row = new java.util.LinkedHashMap<>();
      row.put("streamId", c.streamId());
      row.put("lagMillis", c.lagMillis());
      row.put("windowsPerSecond", rate);
      perCamera.add(row);
      if (c.modelId() != null) {
        models.merge(c.modelId(), 1, Integer::sum);
      }
    }
    Map<String, Long> letters = new TreeMap<>();
    deadLetters.forEach((stage, n) -> letters.put(stage, n.sum()));
    Map<String, Object> system = new java.util.LinkedHashMap<>();
    system.put("windowsPerSecond", total);
    system.put("activeAlerts", alerts == null ? 0 : alerts.activeCount());
    system.put("cameras", perCamera);
    system.put("deadLetters", letters);
    system.put(
        "models",
        models.entrySet().stream()
            .sorted(Comparator.comparing(Map.Entry::getKey))
            .map(e -> Map.of("modelId", e.getKey(), "cameras", e.getValue()))
            .toList());
    return system;
  }
}
