package ai.avloc.dashboard.state;

import ai.avloc.dashboard.view.CameraView;
import ai.avloc.dashboard.view.HealthView;
import ai.avloc.dashboard.view.LocalizationView;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.InputLimits;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every camera the dashboard has seen on the localization, frame or status topics, and the
 * system-wide counts. Each change is told to a listener (the live hub) after it is applied.
 *
 * <p>The topics carry whatever a camera sends, so the fleet is bounded: at most {@code maxCameras}
 * cameras (records of further ids are refused and counted under {@link #TOO_MANY_CAMERAS}), a
 * camera that sent nothing for {@code forgetAfterMillis} is forgotten, and a record whose id is not
 * a stream id, a localization whose map does not match its declared shape, or a frame stamped more
 * than {@link InputLimits#MAX_AHEAD} ahead of the clock is refused and counted under {@link
 * #INVALID}.
 */
public final class Fleet {
  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

  /** The count of records refused because the fleet was full. */
  public static final String TOO_MANY_CAMERAS = "dashboard-too-many-cameras";

  /** The count of records refused as malformed. */
  public static final String INVALID = "dashboard-invalid";

  /** The largest map side a localization may declare: far above the model's 36x48. */
  static final int MAX_MAP_SIDE = 1024;

  private final Map<String, CameraTrack> cameras = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final Consumer<LiveEvent> listener;
  private final LongSupplier clock;
  private final int maxCameras;
  private final long forgetAfterMillis;
  private final long frameBudget;
  private long lastSweep;
  private long lastInvalidLogged = Long.MIN_VALUE / 2;
  private AlertBook alerts;

  /** A fleet of at most 4096 cameras whose frames take at most a quarter of the heap. */
  public Fleet(Consumer<LiveEvent> listener, LongSupplier clock) {
    this(listener, clock, 4096, 10 * 60_000L, Runtime.getRuntime().maxMemory() / 4);
  }

  /**
   * @param frameBudget bytes of frames all cameras together keep for snapshots: each camera keeps
   *     at most its share, so 4096 cameras of 4 MiB frames cannot fill the heap
   */
  public Fleet(
      Consumer<LiveEvent> listener,
      LongSupplier clock,
      int maxCameras,
      long forgetAfterMillis,
      long frameBudget) {
    this.listener = listener;
    this.clock = clock;
    this.maxCameras = maxCameras;
    this.forgetAfterMillis = forgetAfterMillis;
    this.frameBudget = frameBudget;
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
    int rows = l.getRows();
    int cols = l.getCols();
    int bytes = l.getEnergy().remaining();
    boolean shaped =
        rows >= 1
            && rows <= MAX_MAP_SIDE
            && cols >= 1
            && cols <= MAX_MAP_SIDE
            && (bytes == rows * cols * Float.BYTES || (bytes == 0 && !l.getInferred()));
    if (!shaped) {
      refuse(
          l.getStreamId(),
          "window " + l.getWindow() + ": a " + rows + "x" + cols + " map in " + bytes + " bytes");
      return;
    }
    CameraTrack track = open(l.getStreamId());
    if (track == null) {
      return;
    }
    long arrival = appendTime >= 0 ? appendTime : l.getEmitTime().toEpochMilli();
    LocalizationView view = LocalizationView.of(l, arrival);
    if (track.add(view)) {
      listener.accept(new LiveEvent("localization", view.streamId(), view));
    }
  }

  public void onFrame(VideoFrame f) {
    long timestamp = f.getTimestamp().toEpochMilli();
    // a camera keeps its newest frame by timestamp, so one stamped in the future would hide every
    // real frame after it until that time came
    if (timestamp > clock.getAsLong() + InputLimits.MAX_AHEAD.toMillis()) {
      refuse(f.getStreamId(), "a frame stamped " + f.getTimestamp() + ", ahead of this clock");
      return;
    }
    CameraTrack track = open(f.getStreamId());
    if (track == null) {
      return;
    }
    ByteBuffer jpeg = f.getJpeg().duplicate();
    byte[] bytes = new byte[jpeg.remaining()];
    jpeg.get(bytes);
    // a camera over its share gives up its oldest frames when its next one comes
    track.add(
        new Frame(f.getSequence(), timestamp, bytes), frameBudget / Math.max(1, cameras.size()));
    listener.accept(
        new LiveEvent(
            "frame",
            f.getStreamId(),
            Map.of(
                "streamId", f.getStreamId(), "sequence", f.getSequence(), "timestamp", timestamp)));
  }

  public void onStatus(CameraStatus s) {
    // the status topic is compacted, so a restarted dashboard reads every id it ever held: one
    // whose last status is older than the forget span stays forgotten, as it would have had the
    // dashboard kept running
    boolean stale = clock.getAsLong() - s.getUpdatedAt().toEpochMilli() > forgetAfterMillis;
    if (stale && !knows(s.getStreamId())) {
      return;
    }
    CameraTrack track = open(s.getStreamId());
    if (track == null) {
      return;
    }
    track.health(HealthView.of(s));
    listener.accept(
        new LiveEvent("status", s.getStreamId(), camera(s.getStreamId()).orElseThrow()));
  }

  /** Counts a malformed record under {@link #INVALID}; logs at most one every 10 s. */
  private void refuse(String streamId, String why) {
    onDeadLetter(INVALID);
    long now = clock.getAsLong();
    if (now - lastInvalidLogged > 10_000) {
      lastInvalidLogged = now;
      LOG.warn(
          "refused a record of '{}': {} (further ones are counted on the system page, logged at"
              + " most every 10 s)",
          // a refused id is not repeated: it may be half a megabyte or hold a newline
          InputLimits.streamIdProblem(streamId) == null ? streamId : "(refused id)",
          why);
    }
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

  /**
   * The camera's track, made on its first record; null when the fleet is full or the id is not a
   * stream id (control characters, a right-to-left override that disguises it on a page, too long
   * for a URL).
   */
  private CameraTrack open(String streamId) {
    long now = clock.getAsLong();
    sweep(now);
    CameraTrack track = cameras.get(streamId);
    if (track == null) {
      String problem = InputLimits.streamIdProblem(streamId);
      if (problem != null) {
        refuse(streamId, problem);
        return null;
      }
      if (cameras.size() >= maxCameras) {
        onDeadLetter(TOO_MANY_CAMERAS);
        return null;
      }
      track = cameras.computeIfAbsent(streamId, id -> new CameraTrack(id, clock));
    }
    track.seen(now);
    return track;
  }

  /**
   * Forgets cameras that sent nothing for the forget span and tells the pages, whose tiles would
   * otherwise show a camera's last state until reloaded; runs at most once a second.
   */
  private synchronized void sweep(long now) {
    if (now - lastSweep < 1000) {
      return;
    }
    lastSweep = now;
    for (Iterator<CameraTrack> i = cameras.values().iterator(); i.hasNext(); ) {
      CameraTrack t = i.next();
      if (now - t.lastSeen() > forgetAfterMillis) {
        i.remove();
        listener.accept(
            new LiveEvent(LiveEvent.FORGOTTEN, t.streamId(), Map.of("streamId", t.streamId())));
      }
    }
  }

  /**
   * Seconds since each camera's last localization reached the dashboard, by stream id; cameras that
   * sent frames or statuses but no localization yet are left out.
   */
  public Map<String, Double> localizationAgeSeconds() {
    long now = clock.getAsLong();
    Map<String, Double> ages = new TreeMap<>();
    for (CameraTrack t : cameras.values()) {
      long last = t.lastLocalizationMillis();
      if (last >= 0) {
        ages.put(t.streamId(), Math.max(0, now - last) / 1000.0);
      }
    }
    return ages;
  }

  /** Cameras the dashboard follows now. */
  public int size() {
    return cameras.size();
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
    // a fleet whose cameras all went quiet receives nothing that would sweep it
    sweep(clock.getAsLong());
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
