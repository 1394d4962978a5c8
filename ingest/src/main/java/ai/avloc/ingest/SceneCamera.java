package ai.avloc.ingest;

import ai.avloc.acoustics.array.BuiltinArrays;
import ai.avloc.acoustics.array.MicArray;
import ai.avloc.schemas.ArrayChunk;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.simulator.Scene;
import ai.avloc.simulator.SceneRenderer;
import ai.avloc.simulator.SceneStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;

/**
 * A simulated camera watching a {@link Scene}: frames that show each sound source where the camera
 * sees it (in its class's shape for a known class, else as a bright disc; {@link SceneRenderer}),
 * the mono microphone's audio, and for array cameras every microphone of the array, all on one
 * clock starting at {@code start}.
 *
 * <p>Time: audio sample n is at {@code start + floor(n·10^6/12288)} µs, frame k at {@code start +
 * floor(k·10^6/fps)} µs. Audio is rendered one chunk at a time by {@link SceneStream}, so a long or
 * looping stream holds one chunk of audio, and each sample is the simulator's own float for that
 * microphone; the mono microphone is microphone 0 of the array (the scene format's mono microphone;
 * the innermost one of the built-in spirals). Mono chunks are PCM16 with 1 Pa full scale, as {@code
 * simulate --pcm16} writes; array chunks are float32 pascals.
 *
 * <p>Image: the pinhole model of {@code LookGrid.cameraFov}, so a source is drawn where the
 * beamformer's grid cell for its direction lies. A source behind the camera is not drawn; one
 * outside the field of view only where its shape reaches into the frame (a disc not at all).
 *
 * <p>The scene plays once, or forever when looping: scene time starts over after the scene's
 * duration while stream time runs on. Deterministic: same scene, seed and options, same events.
 */
public final class SceneCamera implements CameraSource {
  /** The demo's field of view, a common surveillance lens. */
  public static final double DEFAULT_HFOV_DEG = 65;

  public static final double DEFAULT_VFOV_DEG = 50;

  /** Frames beyond the 12 windows per second would only be dropped by the aligner. */
  public static final double MAX_FPS = 12;

  /**
   * How a scene camera looks and sounds.
   *
   * @param media frame size, frames per second (at most 12), JPEG quality, samples per chunk
   * @param hfovDeg horizontal field of view, degrees
   * @param vfovDeg vertical field of view, degrees
   * @param arrayGeometry a built-in array ({@code dualcam128}, {@code vogel64}) for an array
   *     camera, which also publishes every channel; the scene is heard through that array. Null for
   *     a mono camera, which hears the scene's own array's microphone 0
   * @param loop play the scene again and again
   */
  public record Options(
      DecodeOptions media, double hfovDeg, double vfovDeg, String arrayGeometry, boolean loop) {
    public Options {
      if (media.maxFps() > MAX_FPS) {
        throw new IllegalArgumentException(
            "a scene camera makes at most "
                + MAX_FPS
                + " frames per second, got "
                + media.maxFps());
      }
      for (double fov : new double[] {hfovDeg, vfovDeg}) {
        if (!(fov > 0 && fov < 180)) {
          throw new IllegalArgumentException(
              "field of view must be in (0, 180) degrees, got " + fov);
        }
      }
      if (arrayGeometry != null) {
        arrayGeometry = BuiltinArrays.byName(arrayGeometry).name();
      }
    }

    /** A mono camera: 298x224 at 12 fps, JPEG 0.9, 1024-sample chunks, 65x50 degrees, once. */
    public static Options defaults() {
      return new Options(
          DecodeOptions.modelDefaults(), DEFAULT_HFOV_DEG, DEFAULT_VFOV_DEG, null, false);
    }

    public Options withMedia(DecodeOptions media) {
      return new Options(media, hfovDeg, vfovDeg, arrayGeometry, loop);
    }

    public Options withFov(double hfovDeg, double vfovDeg) {
      return new Options(media, hfovDeg, vfovDeg, arrayGeometry, loop);
    }

    public Options withArray(String arrayGeometry) {
      return new Options(media, hfovDeg, vfovDeg, arrayGeometry, loop);
    }

    public Options withLoop(boolean loop) {
      return new Options(media, hfovDeg, vfovDeg, arrayGeometry, loop);
    }
  }

  private final Scene scene;
  private final String streamId;
  private final long startMicros;
  private final Options options;
  private final SceneStream audio;
  private final float[][] block;
  private final long totalSamples;
  private final long endMicros;
  private final SceneRenderer renderer;

  private long nextFrame;
  private long nextSample;
  private long chunkSequence;
  private CameraEvent pendingArray;
  private boolean closed;

  /**
   * A camera on a scene.
   *
   * @param scene a scene at 12288 Hz (the model's rate, the scene format's default)
   * @param start wall-clock time of the scene's t = 0
   * @param duration how long the stream runs; null for the scene's duration, or forever when
   *     looping. Without looping the stream never runs past the scene's end
   * @throws IllegalArgumentException for a scene at another sample rate, a duration that is not
   *     positive, or a scene the simulator refuses
   */
  public SceneCamera(
      Scene scene, String streamId, Instant start, Duration duration, Options options) {
    if (scene.sampleRate() != WindowClock.SAMPLE_RATE) {
      throw new IllegalArgumentException(
          "the scene is sampled at "
              + scene.sampleRate()
              + " Hz; a camera publishes "
              + WindowClock.SAMPLE_RATE
              + " Hz audio, so give the scene \"sampleRate\": "
              + WindowClock.SAMPLE_RATE);
    }
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("stream duration must be positive, got " + duration);
    }
    if (options.arrayGeometry() != null) {
      MicArray array = BuiltinArrays.byName(options.arrayGeometry());
      if (!array.equals(scene.array())) {
        scene =
            new Scene(
                scene.sampleRate(),
                scene.duration(),
                scene.seed(),
                scene.speedOfSound(),
                array,
                scene.sources(),
                scene.sensorNoise(),
                scene.diffuseNoise());
      }
    }
    this.scene = scene;
    this.streamId = streamId;
    this.startMicros = CameraEvent.epochMicros(start);
    this.options = options;
    this.audio =
        options.arrayGeometry() == null
            ? new SceneStream(scene, 0)
            : SceneStream.allMicrophones(scene);
    this.block = new float[audio.channelCount()][options.media().chunkSamples()];
    long sceneSamples = audio.length();
    long wanted = duration == null ? Long.MAX_VALUE : samplesIn(duration);
    this.totalSamples = options.loop() ? wanted : Math.min(wanted, sceneSamples);
    this.endMicros = totalSamples == Long.MAX_VALUE ? Long.MAX_VALUE : sampleMicros(totalSamples);
    this.renderer =
        new SceneRenderer(
            scene,
            options.media().width(),
            options.media().height(),
            options.hfovDeg(),
            options.vfovDeg());
  }

  /** Microseconds from the stream's start to audio sample n: floor(n·10^6/12288). */
  public static long sampleMicros(long n) {
    return Math.floorDiv(n * 1_000_000, WindowClock.SAMPLE_RATE);
  }

  /** Microseconds from the stream's start to frame k: floor(k·10^6/fps). */
  public long frameMicros(long k) {
    double fps = options.media().maxFps();
    return fps == Math.rint(fps)
        ? Math.floorDiv(k * 1_000_000, (long) fps)
        : (long) Math.floor(k * 1e6 / fps);
  }

  /** The scene as heard: re-targeted to the array camera's geometry where one is set. */
  public Scene scene() {
    return scene;
  }

  /** Audio samples this stream publishes; {@link Long#MAX_VALUE} when it runs forever. */
  public long totalSamples() {
    return totalSamples;
  }

  @Override
  public String streamId() {
    return streamId;
  }

  @Override
  public CameraEvent next() throws IOException {
    if (closed) {
      return null;
    }
    if (pendingArray != null) {
      CameraEvent event = pendingArray;
      pendingArray = null;
      return event;
    }
    long frameAt = frameMicros(nextFrame);
    boolean frameDue = frameAt < endMicros;
    boolean audioDue = nextSample < totalSamples;
    if (frameDue && (!audioDue || frameAt <= sampleMicros(nextSample))) {
      return CameraEvent.of(frame(nextFrame++, frameAt));
    }
    if (audioDue) {
      return audioChunk();
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Scene time in seconds at a stream time, wrapped when looping. */
  public double sceneSeconds(double streamSeconds) {
    if (!options.loop()) {
      return streamSeconds;
    }
    double length = (double) audio.length() / WindowClock.SAMPLE_RATE;
    return streamSeconds - Math.floor(streamSeconds / length) * length;
  }

  /**
   * Where source {@code source} appears in the frame at scene time t: {x, y} in pixels (the pixel
   * in column c covers [c, c + 1)), or null when the camera does not see it.
   */
  public double[] pixelOf(int source, double sceneSeconds) {
    return renderer.pixelOf(source, sceneSeconds);
  }

  private VideoFrame frame(long k, long relativeMicros) throws IOException {
    int width = options.media().width();
    int height = options.media().height();
    BufferedImage image = renderer.render(sceneSeconds(k / options.media().maxFps()));
    return VideoFrame.newBuilder()
        .setStreamId(streamId)
        .setSequence(k)
        .setTimestamp(CameraEvent.instant(startMicros + relativeMicros))
        .setWidth(width)
        .setHeight(height)
        .setJpeg(ByteBuffer.wrap(FrameJpeg.jpeg(image, options.media().jpegQuality())))
        .build();
  }

  private CameraEvent audioChunk() {
    int n = (int) Math.min(block[0].length, totalSamples - nextSample);
    for (int filled = 0; filled < n; ) {
      if (audio.remaining() == 0) {
        audio.rewind(); // only when looping: otherwise the stream ends with the scene
      }
      filled += audio.read(block, filled, n - filled);
    }
    long micros = startMicros + sampleMicros(nextSample);
    short[] pcm = new short[n];
    for (int i = 0; i < n; i++) {
      double v = Math.max(-1, Math.min(32767 / 32768.0, block[0][i]));
      pcm[i] = (short) Math.round(v * 32768);
    }
    long sequence = chunkSequence++;
    nextSample += n;
    if (options.arrayGeometry() != null) {
      ByteBuffer bytes = ByteBuffer.allocate(4 * block.length * n).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] channel : block) {
        for (int i = 0; i < n; i++) {
          bytes.putFloat(channel[i]);
        }
      }
      bytes.flip();
      pendingArray =
          CameraEvent.of(
              ArrayChunk.newBuilder()
                  .setStreamId(streamId)
                  .setSequence(sequence)
                  .setTimestamp(CameraEvent.instant(micros))
                  .setSampleRate(WindowClock.SAMPLE_RATE)
                  .setGeometryId(options.arrayGeometry())
                  .setChannels(block.length)
                  .setSamplesPerChannel(n)
                  .setFloat32(bytes)
                  .build());
    }
    return CameraEvent.of(AudioChunker.chunk(streamId, sequence, micros, pcm, n));
  }

  private static long samplesIn(Duration duration) {
    return Math.addExact(
        Math.multiplyExact(duration.getSeconds(), WindowClock.SAMPLE_RATE),
        Math.round(duration.getNano() * (WindowClock.SAMPLE_RATE / 1e9)));
  }
}
