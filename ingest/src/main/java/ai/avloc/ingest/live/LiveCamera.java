package ai.avloc.ingest.live;

import ai.avloc.ingest.AudioChunker;
import ai.avloc.ingest.CameraEvent;
import ai.avloc.ingest.CameraEvents;
import ai.avloc.ingest.DecodeOptions;
import ai.avloc.ingest.FrameJpeg;
import ai.avloc.ingest.FrameSlots;
import ai.avloc.ingest.Grabbers;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live mono camera on its own thread: FFmpeg reads the URL, and frames (at most {@code maxFps}
 * a second, scaled with cover-and-crop to the model's 298x224, JPEG) and audio (downmixed to mono,
 * resampled to 12288 Hz, cut into 1024-sample chunks) are pushed to the sink as they are decoded.
 *
 * <p><b>Event time.</b> Anchored once per connection, at its first decoded frame or audio: if the
 * stream carries the camera's wall clock (FFmpeg's {@code start_time_realtime}, set by RTSP from
 * RTCP sender reports once one has arrived), event time = that clock + pts; otherwise event time =
 * wall-clock arrival time of the first frame + (pts - its pts), moved earlier whenever an event
 * would come out later than its own arrival (FFmpeg decodes the media it buffered while probing a
 * stream in a burst, after it arrived), so an event time is never in the future. The audio/video
 * offset within the stream is kept as its timestamps say. An event time more than {@link
 * Config#maxClockSkew} away from the wall clock (a camera clock that is wrong, a timestamp that
 * jumps by hours) re-anchors the stream to the wall clock at that frame; it is counted and reported
 * in the status and log. Audio chunks take their times from the sample count, so they tile; audio
 * whose pts is more than {@value #AUDIO_RESYNC_MICROS} µs from where the count puts it (lost
 * packets, a jump) starts a new run.
 *
 * <p><b>Reconnects.</b> A failed or lost connection is retried with exponential backoff and jitter
 * ({@link Backoff}), indefinitely until {@link #stop()}. A stall watchdog drops a connection that
 * has delivered no frame or audio for {@link Config#stallTimeout}: FFmpeg's socket timeout is set
 * to it (RTSP {@code timeout}, other protocols {@code rw_timeout}), so a silent socket ends a read,
 * and a connection that receives data but decodes no media is checked after every packet. Sequence
 * numbers continue across reconnects; an event whose time is not after the last one published of
 * its kind (frames, audio) is dropped and counted, so nothing is published twice.
 *
 * <p><b>Problems</b> (unreachable host, wrong credentials, unsupported codec, no video, no audio, a
 * resolution change) are reported in {@link #status()} with a lastError that names the camera by
 * its redacted URL; none of them ends the thread. A stream without audio is published as frames
 * only, with {@code audioPresent=false}: it is never filled with silence.
 */
public final class LiveCamera implements AutoCloseable {
  static {
    // a camera that cannot be reached would print FFmpeg's own line at every attempt; the camera's
    // status names it and the problem once per change instead
    FFmpegLogCallback.setLevel(avutil.AV_LOG_FATAL);
  }

  private static final Logger LOG = LoggerFactory.getLogger(LiveCamera.class);

  /** Audio more than this far from where the sample count puts it starts a new run of chunks. */
  static final long AUDIO_RESYNC_MICROS = 200_000;

  /** Frame and audio rates and the audio level are measured over windows of this length. */
  static final long RATE_WINDOW_NANOS = 2_000_000_000L;

  /** How a camera's RTSP stream is carried. */
  public enum Transport {
    /** RTP interleaved in the RTSP TCP connection: passes NAT and firewalls, no packet loss. */
    TCP,
    /** RTP over UDP: lower latency on a clean LAN, losses show as gaps. */
    UDP
  }

  /**
   * Delay before reconnect attempt n (from 0): {@code initial * 2^n}, at most {@code max}, each
   * shortened by a random fraction up to {@code jitter} so cameras that dropped together do not
   * return together.
   */
  public record Backoff(Duration initial, Duration max, double jitter) {
    public Backoff {
      if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "backoff needs 0 < initial <= max, got " + initial + " and " + max);
      }
      if (!(jitter >= 0 && jitter < 1)) {
        throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
      }
    }

    /** 1 s doubling to 30 s, 20% jitter. */
    public static Backoff defaults() {
      return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
    }

    /** The delay before attempt {@code attempt} (0 = the first retry). */
    public Duration delay(int attempt) {
      double base = initial.toNanos() * Math.pow(2, Math.min(attempt, 30));
      double capped = Math.min(base, max.toNanos());
      double jittered = capped * (1 - jitter * ThreadLocalRandom.current().nextDouble());
      return Duration.ofNanos((long) jittered);
    }
  }

  /**
   * What a live camera reads and how.
   *
   * @param streamId the stream id its events and status carry
   * @param url where it is (credentials included, never printed)
   * @param transport RTSP transport (ignored for other URLs)
   * @param decode frame size, maxFps, JPEG quality, chunk size
   * @param stallTimeout no frame or audio for this long drops the connection
   * @param backoff delays between reconnect attempts
   * @param maxClockSkew an event time further than this from the wall clock re-anchors the stream
   */
  public record Config(
      String streamId,
      CameraUrl url,
      Transport transport,
      DecodeOptions decode,
      Duration stallTimeout,
      Backoff backoff,
      Duration maxClockSkew) {
    public Config {
      if (streamId == null || streamId.isBlank()) {
        throw new IllegalArgumentException("a live camera needs a stream id");
      }
      if (stallTimeout.compareTo(Duration.ofMillis(100)) < 0) {
        throw new IllegalArgumentException("stall timeout must be >= 100 ms, got " + stallTimeout);
      }
      if (maxClockSkew.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("max clock skew must be >= 1 s, got " + maxClockSkew);
      }
    }

    /** RTSP over TCP, the model's decode options, 5 s stall timeout, default backoff, 10 s skew. */
    public static Config of(String streamId, CameraUrl url) {
      return new Config(
          streamId,
          url,
          Transport.TCP,
          DecodeOptions.modelDefaults(),
          Duration.ofSeconds(5),
          Backoff.defaults(),
          Duration.ofSeconds(10));
    }

    public Config withTransport(Transport t) {
      return new Config(streamId, url, t, decode, stallTimeout, backoff, maxClockSkew);
    }

    public Config withDecode(DecodeOptions d) {
      return new Config(streamId, url, transport, d, stallTimeout, backoff, maxClockSkew);
    }

    public Config withStallTimeout(Duration d) {
      return new Config(streamId, url, transport, decode, d, backoff, maxClockSkew);
    }

    public Config withBackoff(Backoff b) {
      return new Config(streamId, url, transport, decode, stallTimeout, b, maxClockSkew);
    }

    public Config withMaxClockSkew(Duration d) {
      return new Config(streamId, url, transport, decode, stallTimeout, backoff, d);
    }
  }

  /** A connection ended for a reason worth reporting as is. */
  private static final class ConnectionLost extends Exception {
    ConnectionLost(String message) {
      super(message, null, false, false);
    }
  }

  private final Config config;
  private final CameraEvents sink;
  private final CameraStatusPublisher publisher;
  private final String name;
  private final FrameJpeg jpeg;
  private final FrameSlots slots;
  private final AudioChunker chunker;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private Thread thread;
  private volatile FFmpegFrameGrabber current;

  // camera thread only: the current connection's clock and audio run
  private long anchorWall;
  private long anchorPts;
  private boolean anchoredOnArrival;
  private long audioRunPts;
  private long connectionMedia;
  private int width;
  private int height;

  // camera thread only, across connections
  private long frameSequence;
  private long audioSequence;
  private long lastFrameMicros = Long.MIN_VALUE;
  private long lastAudioMicros = Long.MIN_VALUE;
  private long lastMediaNanos;
  private boolean everConnected;

  // guarded by this: what status() reports
  private CameraState state = CameraState.CONNECTING;
  private Instant since = Instant.now();
  private boolean videoPresent;
  private boolean audioPresent;
  private String lastError;
  private long reconnects;
  private double gapSeconds;
  private long droppedEvents;
  private long reanchors;
  private long windowStart = System.nanoTime();
  private long framesIn;
  private long framesOut;
  private double sumSquares;
  private long levelSamples;
  private float fpsIn;
  private float fpsOut;
  private Float levelDbfs;
  private long ratesAt;

  public LiveCamera(Config config, CameraEvents sink, CameraStatusPublisher publisher) {
    this.config = config;
    this.sink = sink;
    this.publisher = publisher;
    this.name = "camera " + config.streamId() + " (" + config.url().redacted() + ")";
    this.jpeg = new FrameJpeg(config.decode());
    this.slots = new FrameSlots(config.decode().maxFps());
    this.chunker = new AudioChunker(config.decode().chunkSamples());
  }

  public String streamId() {
    return config.streamId();
  }

  /** Starts the camera's thread; it connects, and reconnects, until {@link #stop()}. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException(name + " was already started");
    }
    thread = new Thread(this::run, "live-camera-" + config.streamId());
    thread.setDaemon(true);
    publisher.register(config.streamId(), this::status);
    publisher.stateChanged(status());
    thread.start();
  }

  /**
   * Stops the camera: the thread ends after its current read (at most the stall timeout) and the
   * status becomes STOPPED. Safe to call twice.
   */
  public void stop() {
    stopping.countDown();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(config.stallTimeout().toMillis() + 10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    publisher.unregister(config.streamId());
    if (t != null && changeState(CameraState.STOPPED, null)) {
      publisher.stateChanged(status());
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Whether the camera's thread is running (it runs until {@link #stop()}). */
  public synchronized boolean isAlive() {
    return thread != null && thread.isAlive();
  }

  /** The camera's health now. */
  public synchronized CameraStatus status() {
    boolean fresh = System.nanoTime() - ratesAt < 2 * RATE_WINDOW_NANOS;
    boolean live = state == CameraState.CONNECTED && fresh;
    return CameraStatus.newBuilder()
        .setStreamId(config.streamId())
        .setUrl(config.url().redacted())
        .setState(state)
        .setSince(since)
        .setFpsIn(live ? fpsIn : 0)
        .setFpsOut(live ? fpsOut : 0)
        .setVideoPresent(videoPresent)
        .setAudioPresent(audioPresent)
        .setAudioLevelDbfs(live && audioPresent ? levelDbfs : null)
        .setLastError(lastError)
        .setReconnects(reconnects)
        .setGapSeconds((float) gapSeconds)
        .setDroppedEvents(droppedEvents)
        .setReanchors(reanchors)
        .setUpdatedAt(Instant.now())
        .build();
  }

  private void run() {
    int failures = 0;
    while (stopping.getCount() > 0) {
      FFmpegFrameGrabber grabber = null;
      connectionMedia = 0;
      try {
        grabber = open();
        current = grabber;
        if (stopping.getCount() == 0) {
          break;
        }
        readUntilLost(grabber);
      } catch (ConnectionLost e) {
        failed(e.getMessage());
      } catch (FrameGrabber.Exception e) {
        failed(describe(e));
      } catch (Throwable e) {
        // a sink or decoder bug: reported, retried, never out of the camera's thread
        failed(config.url().redact(name + ": " + e));
      } finally {
        current = null;
        Grabbers.closeQuietly(grabber);
      }
      if (connectionMedia > 0) {
        failures = 0;
      }
      if (stopping.getCount() == 0) {
        break;
      }
      try {
        stopping.await(config.backoff().delay(failures++).toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        break;
      }
    }
  }

  private FFmpegFrameGrabber open() throws FrameGrabber.Exception, ConnectionLost {
    CameraUrl url = config.url();
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(url.ffmpegInput());
    if (url.ffmpegFormat() != null) {
      g.setFormat(url.ffmpegFormat());
    }
    String socketTimeout = Long.toString(config.stallTimeout().toNanos() / 1000);
    switch (url.kind()) {
      case RTSP, RTSPS -> {
        g.setOption("rtsp_transport", config.transport().name().toLowerCase(Locale.ROOT));
        g.setOption("timeout", socketTimeout);
      }
      // rtmp's "timeout" would mean listening: rw_timeout is the I/O timeout of every protocol.
      // (JavaCV 1.5.12's grabber keeps a timeout but never applies it: these bound every read.)
      case RTMP, RTMPS, HTTP, HTTPS -> g.setOption("rw_timeout", socketTimeout);
      default -> {}
    }
    g.setSampleRate(WindowClock.SAMPLE_RATE);
    g.setAudioChannels(1);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
    try {
      Grabbers.start(g);
    } catch (FrameGrabber.Exception e) {
      Grabbers.closeQuietly(g);
      throw e;
    }
    boolean video = g.hasVideo();
    boolean audio = g.hasAudio();
    synchronized (this) {
      videoPresent = video;
      audioPresent = audio;
    }
    if (!video && !audio) {
      Grabbers.closeQuietly(g);
      throw new ConnectionLost(name + ": the stream has neither video nor audio FFmpeg can decode");
    }
    anchorWall = Long.MIN_VALUE;
    audioRunPts = Long.MIN_VALUE;
    width = 0;
    height = 0;
    chunker.restart();
    slots.restart();
    return g;
  }

  private void readUntilLost(FFmpegFrameGrabber g) throws Exception {
    long stall = config.stallTimeout().toNanos();
    long connectedNanos = System.nanoTime();
    while (stopping.getCount() > 0) {
      Frame frame = g.grab();
      long now = System.nanoTime();
      long quiet = now - (connectionMedia > 0 ? lastMediaNanos : connectedNanos);
      if (frame == null) {
        throw new ConnectionLost(
            quiet >= stall * 9 / 10
                ? stalled(quiet)
                : name + ": the stream ended (the camera closed the connection)");
      }
      if (frame.image == null && frame.samples == null) {
        if (quiet > stall) {
          throw new ConnectionLost(stalled(quiet));
        }
        continue;
      }
      if (connectionMedia++ == 0) {
        connected(g, now);
      }
      pace(frame.timestamp);
      lastMediaNanos = System.nanoTime();
      if (frame.image != null) {
        frame(frame);
      } else {
        audio(frame);
      }
    }
  }

  private String stalled(long quietNanos) {
    return String.format(
        Locale.ROOT,
        "%s: stalled, no frame or audio for %.1f s (stall timeout %.1f s)",
        name,
        quietNanos / 1e9,
        config.stallTimeout().toNanos() / 1e9);
  }

  /** The first media of a connection: the camera is connected (again). */
  private void connected(FFmpegFrameGrabber g, long now) {
    String note = null;
    if (!videoPresent) {
      note = name + ": the stream has no video; publishing audio only";
    } else if (!audioPresent) {
      note = name + ": the stream has no audio; publishing frames only";
    }
    synchronized (this) {
      if (everConnected) {
        reconnects++;
        gapSeconds = (now - lastMediaNanos) / 1e9;
      }
      lastError = note != null ? note : lastError;
    }
    everConnected = true;
    if (changeState(CameraState.CONNECTED, null)) {
      publisher.stateChanged(status());
    }
  }

  private void frame(Frame frame) throws java.io.IOException {
    synchronized (this) {
      framesIn++;
    }
    if (width != 0 && (frame.imageWidth != width || frame.imageHeight != height)) {
      note(
          String.format(
              Locale.ROOT,
              "%s: resolution changed from %dx%d to %dx%d; frames are still scaled to %dx%d",
              name,
              width,
              height,
              frame.imageWidth,
              frame.imageHeight,
              config.decode().width(),
              config.decode().height()));
    }
    width = frame.imageWidth;
    height = frame.imageHeight;
    long micros = eventMicros(frame.timestamp);
    if (micros <= lastFrameMicros) {
      dropped();
      return;
    }
    if (!slots.keep(micros)) {
      return;
    }
    byte[] bytes = jpeg.encode(frame);
    lastFrameMicros = micros;
    sink.frame(
        VideoFrame.newBuilder()
            .setStreamId(config.streamId())
            .setSequence(frameSequence++)
            .setTimestamp(CameraEvent.instant(micros))
            .setWidth(config.decode().width())
            .setHeight(config.decode().height())
            .setJpeg(ByteBuffer.wrap(bytes))
            .build());
    synchronized (this) {
      framesOut++;
      rollWindow();
    }
  }

  private void audio(Frame frame) {
    if (audioRunPts != Long.MIN_VALUE) {
      long expected = audioRunPts + samplesMicros(chunker.samples());
      if (Math.abs(frame.timestamp - expected) > AUDIO_RESYNC_MICROS) {
        chunker.restart();
        audioRunPts = Long.MIN_VALUE;
      }
    }
    if (audioRunPts == Long.MIN_VALUE) {
      audioRunPts = frame.timestamp;
    }
    chunker.add((ShortBuffer) frame.samples[0], this::chunk);
  }

  private void chunk(short[] pcm, int count, long firstSample) {
    long micros = eventMicros(audioRunPts + samplesMicros(firstSample));
    if (micros <= lastAudioMicros) {
      dropped();
      return;
    }
    lastAudioMicros = micros;
    sink.audio(AudioChunker.chunk(config.streamId(), audioSequence++, micros, pcm, count));
    double sum = 0;
    for (int i = 0; i < count; i++) {
      sum += (double) pcm[i] * pcm[i];
    }
    synchronized (this) {
      sumSquares += sum;
      levelSamples += count;
      rollWindow();
    }
  }

  private static long samplesMicros(long samples) {
    return Math.round(samples * 1e6 / WindowClock.SAMPLE_RATE);
  }

  /** Event time of media time {@code pts} (µs), anchoring or re-anchoring the connection. */
  private long eventMicros(long pts) {
    long now = CameraEvent.epochMicros(Instant.now());
    if (anchorWall == Long.MIN_VALUE) {
      long realtime = 0;
      // only for the first media: the anchor is chosen once per connection
      if (config.url().isNetwork()) {
        realtime = currentRealtime();
      }
      anchoredOnArrival = realtime <= 0;
      if (realtime > 0) {
        anchorWall = realtime;
        anchorPts = 0;
      } else {
        anchorWall = now;
        anchorPts = pts;
      }
      LOG.info(
          "{}: event time anchored to {} ({} + pts)",
          name,
          realtime > 0 ? "the camera's clock" : "arrival",
          CameraEvent.instant(anchorWall - anchorPts));
    }
    long micros = anchorWall + pts - anchorPts;
    long skew = micros - now;
    boolean outOfBounds = Math.abs(skew) > config.maxClockSkew().toNanos() / 1000;
    if (anchoredOnArrival && micros > now && !outOfBounds && config.url().isNetwork()) {
      // media FFmpeg buffered while probing the stream comes out in a burst: the first media
      // arrived earlier than it was decoded, and no event can have happened after its arrival
      anchorWall -= micros - now;
      micros = now;
    }
    if (outOfBounds) {
      anchorWall = now;
      anchorPts = pts;
      synchronized (this) {
        reanchors++;
      }
      note(
          String.format(
              Locale.ROOT,
              "%s: event time was %+.1f s off the wall clock (a timestamp jump or a wrong"
                  + " camera clock); re-anchored to the wall clock",
              name,
              skew / 1e6));
      // the audio run continues on the new anchor: its pts jumped with the video's
      micros = now;
    }
    return micros;
  }

  private long currentRealtime() {
    FFmpegFrameGrabber g = current;
    if (g == null || g.getFormatContext() == null) {
      return 0;
    }
    long realtime = g.getFormatContext().start_time_realtime();
    return realtime == avutil.AV_NOPTS_VALUE ? 0 : realtime;
  }

  /**
   * Files are read as fast as FFmpeg decodes them: hold each frame or audio until its media time
   * has come, so a file plays as a camera would send it (and no event is published early).
   */
  private void pace(long pts) throws InterruptedException {
    if (config.url().kind() != CameraUrl.Kind.FILE || anchorWall == Long.MIN_VALUE) {
      return;
    }
    long ahead = anchorWall + pts - anchorPts - CameraEvent.epochMicros(Instant.now());
    if (ahead > 0 && ahead < config.maxClockSkew().toNanos() / 1000) {
      stopping.await(ahead, TimeUnit.MICROSECONDS);
    }
  }

  private void dropped() {
    synchronized (this) {
      droppedEvents++;
    }
  }

  private void note(String message) {
    synchronized (this) {
      lastError = message;
    }
    publisher.stateChanged(status());
  }

  /** Closes the rate window once it is long enough: fps and level are those of the last one. */
  private void rollWindow() {
    long now = System.nanoTime();
    long elapsed = now - windowStart;
    if (elapsed < RATE_WINDOW_NANOS) {
      return;
    }
    fpsIn = (float) (framesIn * 1e9 / elapsed);
    fpsOut = (float) (framesOut * 1e9 / elapsed);
    levelDbfs =
        levelSamples == 0
            ? null
            : (float)
                (10 * Math.log10(Math.max(sumSquares / levelSamples, 1e-3) / (32768.0 * 32768.0)));
    framesIn = 0;
    framesOut = 0;
    sumSquares = 0;
    levelSamples = 0;
    windowStart = now;
    ratesAt = now;
  }

  private void failed(String error) {
    CameraState next = everConnected ? CameraState.RECONNECTING : CameraState.FAILED;
    synchronized (this) {
      lastError = error;
    }
    changeState(next, error);
    // every failure is sent; the publisher logs a repeated one once
    publisher.stateChanged(status());
  }

  /**
   * @return whether the state changed
   */
  private synchronized boolean changeState(CameraState next, String error) {
    if (error != null) {
      lastError = error;
    }
    if (state == next) {
      return false;
    }
    state = next;
    since = Instant.now();
    return true;
  }

  private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-\\d+)");

  /** A grabber's error as a sentence: FFmpeg's own text for its error code, secrets removed. */
  private String describe(FrameGrabber.Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = FFMPEG_ERROR.matcher(message);
    String problem;
    if (m.find()) {
      int code = Integer.parseInt(m.group(1));
      byte[] text = new byte[256];
      avutil.av_strerror(code, text, text.length);
      int n = 0;
      while (n < text.length && text[n] != 0) {
        n++;
      }
      problem = new String(text, 0, n, java.nio.charset.StandardCharsets.UTF_8);
      if (code == avutil.AVERROR_HTTP_UNAUTHORIZED() || problem.contains("401")) {
        problem = "wrong or missing credentials: " + problem;
      } else if (message.startsWith("avformat_open_input")) {
        problem = "cannot open the stream at " + hostOf() + ": " + problem;
      }
    } else if (message.contains("Unsupported") || message.contains("find_decoder")) {
      problem = "unsupported codec: " + message;
    } else {
      problem = message;
    }
    return config.url().redact(name + ": " + problem);
  }

  private String hostOf() {
    CameraUrl url = config.url();
    return url.isNetwork() ? url.host() + (url.port() < 0 ? "" : ":" + url.port()) : url.device();
  }
}
