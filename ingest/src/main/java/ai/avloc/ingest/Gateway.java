package ai.avloc.ingest;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Publishes the events of several cameras merged by event time and paced against the wall clock.
 *
 * <p>Merging: each camera yields events in its own time order; a priority queue over the cameras'
 * next events publishes the earliest across all of them (ties: frame, audio, array, then camera
 * order). Flink's watermarks are per partition, so a producer that wrote one camera's whole history
 * before the next would make the second camera late wherever they share a partition.
 *
 * <p>Pacing: at {@code 1x} an event is published when the wall clock has advanced from the call's
 * start as far as its event time has advanced from the call's first media time; {@code max}
 * publishes as fast as the cameras and the sink allow. Lag is how far publishing runs behind that
 * schedule.
 *
 * <p>One thread publishes ({@link #publish(Duration)}, {@link #run()}); {@link #stop()}, {@link
 * #progress()} and {@link #close()} may be called from any thread. Interrupting the publishing
 * thread stops the gateway too (its interrupt status stays set).
 */
public final class Gateway implements AutoCloseable {

  /** How fast media time runs against the wall clock: a factor, or as fast as possible. */
  public record Pace(double speed) {
    public static final Pace REAL_TIME = new Pace(1);
    public static final Pace MAX = new Pace(Double.POSITIVE_INFINITY);

    public Pace {
      if (!(speed > 0)) {
        throw new IllegalArgumentException("pace must be a positive factor, got " + speed);
      }
    }

    /** {@code 1x}, {@code 2x}, {@code 0.5x} or {@code max}. */
    public static Pace parse(String text) {
      String t = text.strip().toLowerCase(Locale.ROOT);
      if (t.equals("max")) {
        return MAX;
      }
      try {
        return new Pace(Double.parseDouble(t.endsWith("x") ? t.substring(0, t.length() - 1) : t));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "rate '" + text + "': expected a factor of real time such as 1x, or max");
      }
    }

    public boolean paced() {
      return Double.isFinite(speed);
    }

    @Override
    public String toString() {
      if (!paced()) {
        return "max";
      }
      return (speed == Math.rint(speed) ? String.valueOf((long) speed) : String.valueOf(speed))
          + "x";
    }
  }

  /**
   * Where publishing stands.
   *
   * @param frames video frames published
   * @param audioChunks mono audio chunks published
   * @param arrayChunks array audio chunks published
   * @param mediaSeconds event time published, from the first event to the latest
   * @param wallSeconds time spent publishing (summed over calls)
   * @param lagSeconds how far the latest event was published behind its paced time (0 at max)
   * @param activeCameras cameras that have not ended
   */
  public record Progress(
      long frames,
      long audioChunks,
      long arrayChunks,
      double mediaSeconds,
      double wallSeconds,
      double lagSeconds,
      int activeCameras) {
    public long events() {
      return frames + audioChunks + arrayChunks;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d events (%d frames, %d audio, %d array), %.1f s media in %.1f s, lag %.3f s,"
              + " %d camera(s) active",
          events(),
          frames,
          audioChunks,
          arrayChunks,
          mediaSeconds,
          wallSeconds,
          lagSeconds,
          activeCameras);
    }
  }

  private record Head(CameraEvent event, int camera) {}

  private final List<CameraSource> cameras;
  private final CameraEvents sink;
  private final Pace pace;
  private final PriorityQueue<Head> heads =
      new PriorityQueue<>(
          Comparator.comparing(Head::event, CameraEvent.BY_TIME).thenComparingInt(Head::camera));
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<Progress> progress =
      new AtomicReference<>(new Progress(0, 0, 0, 0, 0, 0, 0));
  private Consumer<Progress> listener = p -> {};
  private long reportEveryNanos = Long.MAX_VALUE;

  private boolean started;
  private long firstMicros = Long.MIN_VALUE;
  private long cursorMicros;
  private long frames;
  private long audioChunks;
  private long arrayChunks;
  private long latestMicros;
  private long wallNanos;
  private double lagSeconds;

  public Gateway(List<? extends CameraSource> cameras, CameraEvents sink, Pace pace) {
    if (cameras.isEmpty()) {
      throw new IllegalArgumentException("a gateway needs at least one camera");
    }
    this.cameras = List.copyOf(cameras);
    this.sink = sink;
    this.pace = pace;
  }

  /** Calls {@code listener} on the publishing thread about every {@code every} of wall time. */
  public Gateway onProgress(Duration every, Consumer<Progress> listener) {
    this.reportEveryNanos = every.toNanos();
    this.listener = listener;
    return this;
  }

  /**
   * Publishes the next {@code mediaTime} of the merged streams: the first call from the earliest
   * event, each later call from where the previous one stopped, so two calls of 1 s publish what
   * one of 2 s would. Returns early when every camera has ended or the gateway is stopped.
   */
  public Progress publish(Duration mediaTime) throws IOException {
    if (mediaTime.isNegative()) {
      throw new IllegalArgumentException("media time must not be negative, got " + mediaTime);
    }
    start();
    long from = cursorMicros;
    cursorMicros = saturatedAdd(cursorMicros, micros(mediaTime));
    return publishUntil(from, cursorMicros);
  }

  /** Publishes until every camera has ended (never, for looping cameras) or the gateway stops. */
  public Progress run() throws IOException {
    start();
    long from = cursorMicros;
    cursorMicros = Long.MAX_VALUE;
    return publishUntil(from, Long.MAX_VALUE);
  }

  /** Ends publishing: a call in progress returns after the event it is on. Final. */
  public void stop() {
    stopped.countDown();
  }

  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Whether every camera has ended. */
  public boolean isFinished() {
    return started && heads.isEmpty();
  }

  public Progress progress() {
    return progress.get();
  }

  /** Stops and closes every camera; the sink stays open (its owner closes it). */
  @Override
  public void close() {
    stop();
    RuntimeException failure = null;
    for (CameraSource camera : cameras) {
      try {
        camera.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void start() throws IOException {
    if (started) {
      return;
    }
    started = true;
    for (int c = 0; c < cameras.size(); c++) {
      pull(c);
    }
    firstMicros = heads.isEmpty() ? 0 : heads.peek().event().micros();
    cursorMicros = firstMicros;
    latestMicros = firstMicros;
  }

  private Progress publishUntil(long fromMicros, long untilMicros) throws IOException {
    long wallStart = System.nanoTime();
    long lastReport = wallStart;
    try {
      while (!isStopped() && !heads.isEmpty() && heads.peek().event().micros() < untilMicros) {
        Head head = heads.poll();
        CameraEvent event = head.event();
        if (pace.paced()) {
          long due = wallStart + (long) ((event.micros() - fromMicros) * 1000 / pace.speed());
          long wait = due - System.nanoTime();
          if (wait > 0 && waitOrStop(wait)) {
            heads.add(head); // not published: a later call starts with it
            break;
          }
          lagSeconds = Math.max(0, System.nanoTime() - due) / 1e9;
        }
        event.sendTo(sink);
        count(event);
        pull(head.camera());
        long now = System.nanoTime();
        snapshot(wallNanos + now - wallStart);
        if (now - lastReport >= reportEveryNanos) {
          lastReport = now;
          listener.accept(progress.get());
        }
      }
      if (pace.paced() && untilMicros != Long.MAX_VALUE && !heads.isEmpty() && !isStopped()) {
        // the call covers its whole span of media time, so back-to-back calls keep the pace
        long end = wallStart + (long) ((untilMicros - fromMicros) * 1000 / pace.speed());
        long wait = end - System.nanoTime();
        if (wait > 0) {
          waitOrStop(wait);
        }
      }
    } finally {
      wallNanos += System.nanoTime() - wallStart;
      snapshot(wallNanos);
    }
    listener.accept(progress.get());
    return progress.get();
  }

  /** Sleeps {@code nanos}; true if the gateway was stopped or the thread interrupted meanwhile. */
  private boolean waitOrStop(long nanos) {
    try {
      return stopped.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      return true;
    }
  }

  private void pull(int camera) throws IOException {
    CameraEvent next = cameras.get(camera).next();
    if (next != null) {
      heads.add(new Head(next, camera));
    }
  }

  private void count(CameraEvent event) {
    if (event instanceof CameraEvent.Frame) {
      frames++;
    } else if (event instanceof CameraEvent.Audio) {
      audioChunks++;
    } else {
      arrayChunks++;
    }
    latestMicros = Math.max(latestMicros, event.micros());
  }

  private void snapshot(long wall) {
    progress.set(
        new Progress(
            frames,
            audioChunks,
            arrayChunks,
            (latestMicros - firstMicros) / 1e6,
            wall / 1e9,
            lagSeconds,
            heads.size())); // a camera that has not ended has exactly one event waiting
  }

  private static long micros(Duration d) {
    try {
      return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
