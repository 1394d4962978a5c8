package ai.avloc.cli.bench;

import ai.avloc.ingest.CameraEvent;
import ai.avloc.ingest.SceneCamera;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bench's cameras: one cycle of a scene rendered and encoded once (JPEG frames and PCM16 chunks
 * for mono cameras, float32 chunks of every microphone for array cameras), then published for N
 * cameras at real time, each event with a fresh timestamp and sequence number. While the bench
 * measures, the generator only frames the records in Avro and hands them to the producer; nothing
 * is rendered, synthesized or JPEG-encoded. Camera s starts its cycle s/N of the way in, so the
 * cameras' sources do not all appear at the same instant.
 *
 * <p>The scene is the live demo's crossing drone, sped up to cross the whole view once per cycle:
 * in the right half of the view for the second half of each cycle, which the bench's alert rule
 * counts, so each camera starts one alert per cycle.
 */
final class SceneLoad {
  /** Where records go: a Kafka producer, or a list in tests. */
  interface Sink {
    void send(String topic, String key, byte[] value);
  }

  /** The default cycle: four seconds, one alert per camera and cycle. */
  static final Duration CYCLE = Duration.ofSeconds(4);

  /** The array cameras' microphones. */
  static final String GEOMETRY = "dualcam128";

  private final Topics topics;
  private final boolean array;
  private final int streams;
  private final List<ByteBuffer> jpegs = new ArrayList<>();
  private final List<ByteBuffer> pcm = new ArrayList<>();
  private final List<ByteBuffer> channels = new ArrayList<>();
  private int width;
  private int height;
  private int mics;
  private volatile long maxLateNanos;

  private SceneLoad(Topics topics, boolean array, int streams) {
    this.topics = topics;
    this.array = array;
    this.streams = streams;
  }

  /** The scene of one cycle: the demo's drone crossing from -28 to +28 degrees of azimuth. */
  static Scene scene(Duration cycle) {
    double seconds = cycle.toMillis() / 1000.0;
    return Scene.parse(
        String.format(
            Locale.ROOT,
            """
            {
              "sampleRate": %d,
              "duration": %s,
              "seed": 7,
              "speedOfSound": 343,
              "array": "%s",
              "sensorNoise": {"snrDb": 40},
              "diffuseNoise": {"snrDb": 25, "planeWaves": 64},
              "sources": [{
                "name": "drone",
                "class": "drone",
                "signal": {"type": "harmonic", "f0": 190, "harmonics": 16, "amplitude": 0.5,
                           "rolloff": 0.85},
                "path": [
                  {"t": 0, "azimuth": -28, "elevation": 6, "distance": 8},
                  {"t": %s, "azimuth": 28, "elevation": 6, "distance": 8}
                ]
              }]
            }
            """,
            WindowClock.SAMPLE_RATE,
            seconds,
            GEOMETRY,
            seconds),
        null);
  }

  /**
   * Renders and encodes one cycle for {@code streams} cameras of {@code mode} ("mono": frames and
   * audio; "array": array chunks only, as an array camera's path needs).
   */
  static SceneLoad render(Topics topics, String mode, int streams, Duration cycle)
      throws IOException {
    boolean array = mode.equals("array");
    SceneLoad load = new SceneLoad(topics, array, streams);
    SceneCamera.Options options = SceneCamera.Options.defaults();
    if (array) {
      options = options.withArray(GEOMETRY);
    }
    SceneCamera camera = new SceneCamera(scene(cycle), "bench", Instant.EPOCH, null, options);
    for (CameraEvent e = camera.next(); e != null; e = camera.next()) {
      if (e instanceof CameraEvent.Frame f) {
        load.width = f.value().getWidth();
        load.height = f.value().getHeight();
        load.jpegs.add(f.value().getJpeg());
      } else if (e instanceof CameraEvent.Audio a) {
        load.pcm.add(chunk(a.value().getPcm16(), 2));
      } else if (e instanceof CameraEvent.Array a) {
        load.mics = a.value().getChannels();
        load.channels.add(chunk(a.value().getFloat32(), 4 * load.mics));
      }
    }
    camera.close();
    int windows = load.pcm.size();
    if (windows == 0 || load.jpegs.size() < windows) {
      throw new IllegalStateException("the scene gave no whole window: " + cycle);
    }
    return load;
  }

  /** A chunk's bytes, checked to hold one window's samples of {@code bytesPerSample} each. */
  private static ByteBuffer chunk(ByteBuffer bytes, int bytesPerSample) {
    if (bytes.remaining() != WindowClock.SAMPLES_PER_WINDOW * bytesPerSample) {
      throw new IllegalStateException(
          "a scene chunk of " + bytes.remaining() / bytesPerSample + " samples, not a window's");
    }
    return bytes.asReadOnlyBuffer();
  }

  /** Windows in one cycle. */
  int cycleWindows() {
    return pcm.size();
  }

  /** The longest a tick was published after it was due, so far. */
  Duration maxLate() {
    return Duration.ofNanos(maxLateNanos);
  }

  /**
   * Publishes until {@code stop}: per 1/12 s, each camera's frame and audio chunk (or array chunk)
   * of window k, stamped with its real time from {@code t0} and sequence k, and sent once recorded:
   * at the end of its span.
   */
  void run(Sink sink, AtomicBoolean stop) throws InterruptedException {
    // the first window starts on the window clock, so each chunk is exactly one window, sent as
    // the window ends
    long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    long firstWindow = WindowClock.windowOf(nowMicros) + 1;
    long t0Micros = WindowClock.startMicros(firstWindow);
    long started = System.nanoTime() + 1000 * (t0Micros - nowMicros);
    int cycle = cycleWindows();
    String frames = topics.frames().name();
    String audio = topics.audio().name();
    String arrays = topics.arrayAudio().name();
    String[] ids = new String[streams];
    for (int s = 0; s < streams; s++) {
      ids[s] = "cam-" + s;
    }
    for (long k = 0; !stop.get(); k++) {
      long due = started + Math.floorDiv((k + 1) * 1_000_000_000L, WindowClock.WINDOWS_PER_SECOND);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } else {
        maxLateNanos = Math.max(maxLateNanos, -wait);
      }
      Instant at = Instant.EPOCH.plus(WindowClock.startMicros(firstWindow + k), ChronoUnit.MICROS);
      for (int s = 0; s < streams; s++) {
        int i = (int) ((k + (long) s * cycle / streams) % cycle);
        if (array) {
          ArrayChunk c =
              ArrayChunk.newBuilder()
                  .setStreamId(ids[s])
                  .setSequence(k)
                  .setTimestamp(at)
                  .setSampleRate(WindowClock.SAMPLE_RATE)
                  .setGeometryId(GEOMETRY)
                  .setChannels(mics)
                  .setSamplesPerChannel(WindowClock.SAMPLES_PER_WINDOW)
                  .setFloat32(channels.get(i).duplicate())
                  .build();
          sink.send(arrays, ids[s], topics.arrayAudio().values().serialize(arrays, c));
          continue;
        }
        VideoFrame f =
            VideoFrame.newBuilder()
                .setStreamId(ids[s])
                .setSequence(k)
                .setTimestamp(at)
                .setWidth(width)
                .setHeight(height)
                .setJpeg(jpegs.get(i).duplicate())
                .build();
        sink.send(frames, ids[s], topics.frames().values().serialize(frames, f));
        AudioChunk c =
            AudioChunk.newBuilder()
                .setStreamId(ids[s])
                .setSequence(k)
                .setTimestamp(at)
                .setSampleRate(WindowClock.SAMPLE_RATE)
                .setPcm16(pcm.get(i).duplicate())
                .build();
        sink.send(audio, ids[s], topics.audio().values().serialize(audio, c));
      }
    }
  }
}
