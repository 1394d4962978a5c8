package ai.avloc.cli.replay;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * The evidence clip of one replayed stream ({@code DIR/<stream>.mp4}): the camera's frames with the
 * energy map and peaks of their window burned in, a caption with the UTC time and the stream id,
 * and the camera's audio as an AAC track. See docs/replay-clips.md for how to read it.
 *
 * <p><b>One output frame per window.</b> The clip runs at the window clock's 12 fps, constant frame
 * rate: output frame k shows window {@code first + k}, where {@code first} is the window of the
 * first frame or audio sample fed. A window shows the first camera frame whose timestamp falls in
 * it; a window without one holds the previous frame (the caption says for how long), or shows black
 * before the first frame. A second frame in the same window is dropped (counted). So the clip's
 * duration is the event time it covers, and audio and map stay in step with the picture.
 *
 * <p><b>Streaming, bounded memory.</b> Frames, audio and localizations may arrive in any order
 * within {@code maxLag} of event time of each other; in particular the job emits a window's
 * localization after the window's frame. A window is written once its frame and its localization
 * are known, or once a frame or audio sample later than the window's end by {@code maxLag} has been
 * fed (its localization is then counted missing and the frame is written without overlay). Until
 * then the frame waits as JPEG bytes: at most {@code maxLag x 12} frames and {@code maxLag} of
 * audio are held, about 0.2 MB per second of {@code maxLag}. A localization that arrives after its
 * window was written is counted and ignored.
 *
 * <p>Not thread-safe: one thread feeds one clip.
 */
public final class EvidenceClip implements AutoCloseable {
  static {
    // the muxer's and encoder's notes (second pass, quantizer averages) are not the user's business
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
  }

  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** Output frames per second: one per localization window. */
  public static final int FRAME_RATE = WindowClock.WINDOWS_PER_SECOND;

  /**
   * The model's 298x224 frames are drawn twice as large: the caption stays legible, and a map cell
   * spans 12 pixels instead of 6, so H.264's half-resolution colour keeps the map's shape.
   */
  public static final int SCALE = 2;

  public static final int WIDTH = ModelShapes.FRAME_WIDTH * SCALE;
  public static final int HEIGHT = ModelShapes.FRAME_HEIGHT * SCALE;

  /** How long a window waits for its localization unless told otherwise. */
  public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(10);

  /**
   * AAC has no 12288 Hz mode; 24 kHz is the nearest standard rate above it that keeps the window
   * clock's whole 6144 Hz band, and its 1024-sample frames are short (43 ms) against one video
   * frame.
   */
  static final int AAC_SAMPLE_RATE = 24_000;

  private static final int AUDIO_BITRATE = 48_000;
  private static final int VIDEO_BITRATE = 1_500_000;
  private static final int SAMPLES_PER_WINDOW = WindowClock.SAMPLES_PER_WINDOW;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /**
   * What was written.
   *
   * @param path the MP4 file; absent when {@code frames} is 0 (nothing was fed)
   * @param streamId the camera stream
   * @param videoCodec the FFmpeg encoder used (libx264, libopenh264 or mpeg4)
   * @param start start of the clip's first window, null when nothing was fed
   * @param frames output frames written, one per window
   * @param seconds the clip's duration, {@code frames / 12}
   * @param cameraFrames windows showing their own camera frame
   * @param heldFrames windows showing the previous frame (or black before the first one)
   * @param droppedFrames camera frames not shown: a second frame in a window, a frame that arrived
   *     after its window was written, or a JPEG that does not decode
   * @param mapWindows windows with the energy map burned in
   * @param silentWindows windows whose localization is silent (no overlay)
   * @param emptyMapWindows windows whose localization carries no usable map (not inferred)
   * @param missingLocalizations windows written without a localization
   * @param unusedLocalizations localizations that arrived after their window was written, before
   *     the clip's first window, or too far ahead of the media to be held
   * @param audioSeconds audio received and written; the rest of the track is silence
   */
  public record Summary(
      Path path,
      String streamId,
      String videoCodec,
      Instant start,
      long frames,
      double seconds,
      long cameraFrames,
      long heldFrames,
      long droppedFrames,
      long mapWindows,
      long silentWindows,
      long emptyMapWindows,
      long missingLocalizations,
      long unusedLocalizations,
      double audioSeconds) {}

  private record PendingFrame(long window, long micros, byte[] jpeg) {}

  /** Received samples from global sample index {@code start} on, not yet written. */
  private record AudioRun(long start, short[] samples) {
    long end() {
      return start + samples.length;
    }
  }

  /** The camera frame on screen, scaled to the clip's size. */
  private record Shown(byte[] bgr, long micros) {}

  private final Path mp4;
  private final String streamId;
  private final long maxLagMicros;
  private final int localizationCapacity;
  private final String videoCodec;

  private final ArrayDeque<PendingFrame> frames = new ArrayDeque<>();
  private final TreeMap<Long, Localization> localizations = new TreeMap<>();
  private final ArrayDeque<AudioRun> audio = new ArrayDeque<>();
  private final BufferedImage canvas =
      new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
  private final byte[] canvasBgr = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();

  /** The canvas handed to the encoder: rows of exactly WIDTH x 3 bytes, no padding. */
  private final ByteBuffer outPixels = ByteBuffer.allocateDirect(WIDTH * HEIGHT * 3);

  private final short[] zeros = new short[SAMPLES_PER_WINDOW];

  /** Null until the first frame or audio chunk fixes the clip's first window. */
  private FFmpegFrameRecorder recorder;

  private long firstWindow;
  private long nextWindow;
  private long lastMediaWindow;
  private long lastQueuedFrameWindow = Long.MIN_VALUE;
  private long mediaWatermarkMicros = Long.MIN_VALUE;
  private long audioWritten;
  private long audioReceivedEnd;
  private Shown shown;
  private boolean finished;
  private Summary summary;

  private long cameraFrames;
  private long heldFrames;
  private long droppedFrames;
  private long mapWindows;
  private long silentWindows;
  private long emptyMapWindows;
  private long missingLocalizations;
  private long unusedLocalizations;
  private long audioSamplesReceived;

  private EvidenceClip(Path mp4, String streamId, Duration maxLag) {
    this.mp4 = mp4;
    this.streamId = streamId;
    this.maxLagMicros = maxLag.toNanos() / 1_000;
    long lagWindows = Math.max(1, maxLagMicros * FRAME_RATE / 1_000_000);
    // Room for localizations up to twice the lag ahead of the media, plus a second of slack.
    this.localizationCapacity = (int) Math.min(1 << 20, 2 * lagWindows + FRAME_RATE);
    this.videoCodec = VideoCodec.best();
  }

  /** A clip with {@link #DEFAULT_MAX_LAG}. */
  public static EvidenceClip create(Path mp4, String streamId) throws IOException {
    return create(mp4, streamId, DEFAULT_MAX_LAG);
  }

  /**
   * A clip of {@code streamId} written to {@code mp4} (its folder is created). Nothing is written
   * until the first frame or audio chunk arrives.
   *
   * @param maxLag how far in event time a window's localization may trail the window's media
   */
  public static EvidenceClip create(Path mp4, String streamId, Duration maxLag) throws IOException {
    Objects.requireNonNull(mp4, "mp4");
    Objects.requireNonNull(streamId, "streamId");
    if (maxLag.isNegative() || maxLag.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("maxLag must be in [0, 1 h], got " + maxLag);
    }
    Path parent = mp4.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new EvidenceClip(mp4, streamId, maxLag);
  }

  /**
   * The localization of one window, before or after that window's frame (up to {@code maxLag} after
   * it); one that comes after its window was written is counted in {@code unusedLocalizations} and
   * ignored. Writes the windows it completes.
   */
  public void localization(Localization l) throws IOException {
    checkOpen();
    checkStream(l.getStreamId().toString(), "localization");
    long window = l.getWindow();
    if ((recorder != null && window < nextWindow)
        || (localizations.size() >= localizationCapacity && !localizations.containsKey(window))) {
      unusedLocalizations++;
      return;
    }
    localizations.put(window, l);
    drain(false);
  }

  /**
   * The stream's next frame, in event-time order. A second frame in one window, or a frame whose
   * window was already written, is counted in {@code droppedFrames}. Writes the windows it
   * completes.
   */
  public void frame(VideoFrame f) throws IOException {
    checkOpen();
    checkStream(f.getStreamId().toString(), "frame");
    long micros = micros(f.getTimestamp());
    long window = WindowClock.windowOf(micros);
    begin(window);
    mediaWatermarkMicros = Math.max(mediaWatermarkMicros, micros);
    lastMediaWindow = Math.max(lastMediaWindow, window);
    if (window < nextWindow || window <= lastQueuedFrameWindow) {
      droppedFrames++;
    } else {
      frames.add(new PendingFrame(window, micros, bytes(f.getJpeg())));
      lastQueuedFrameWindow = window;
    }
    drain(false);
  }

  /**
   * The stream's next audio chunk (12288 Hz mono PCM16 LE), in event-time order. Samples that
   * overlap audio already received, or fall before the clip's first window, are skipped.
   *
   * @throws IllegalArgumentException at another sample rate (the job's topics hold none)
   */
  public void audio(AudioChunk c) throws IOException {
    checkOpen();
    checkStream(c.getStreamId().toString(), "audio chunk");
    if (c.getSampleRate() != WindowClock.SAMPLE_RATE) {
      throw new IllegalArgumentException(
          "audio chunk "
              + c.getSequence()
              + " of "
              + streamId
              + " is at "
              + c.getSampleRate()
              + " Hz, not the window clock's "
              + WindowClock.SAMPLE_RATE
              + " Hz");
    }
    ByteBuffer pcm = c.getPcm16().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int count = pcm.remaining() / 2;
    if (count == 0) {
      return;
    }
    long start = WindowClock.sampleAt(micros(c.getTimestamp()));
    long end = start + count;
    begin(Math.floorDiv(start, SAMPLES_PER_WINDOW));
    mediaWatermarkMicros = Math.max(mediaWatermarkMicros, WindowClock.microsOfSample(end));
    lastMediaWindow = Math.max(lastMediaWindow, Math.floorDiv(end - 1, SAMPLES_PER_WINDOW));
    // Samples already written or already queued (an overlapping chunk) are skipped.
    long from = Math.max(start, Math.max(audioWritten, audioReceivedEnd));
    if (end > from) {
      short[] samples = new short[(int) (end - from)];
      pcm.position(pcm.position() + (int) (from - start) * 2);
      pcm.asShortBuffer().get(samples);
      audio.add(new AudioRun(from, samples));
      audioReceivedEnd = end;
      audioSamplesReceived += samples.length;
    }
    drain(false);
  }

  /**
   * Writes every window still waiting (without overlay where the localization never came), closes
   * the file and says what it holds. The clip ends with the last window that had a frame or audio.
   */
  public Summary finish() throws IOException {
    if (summary != null) {
      return summary;
    }
    checkOpen();
    drain(true);
    if (recorder != null) {
      try {
        recorder.stop();
        recorder.release();
      } catch (FrameRecorder.Exception e) {
        throw new IOException("cannot finish the clip " + mp4 + ": " + e.getMessage(), e);
      }
    }
    finished = true;
    long written = recorder == null ? 0 : nextWindow - firstWindow;
    summary =
        new Summary(
            mp4,
            streamId,
            videoCodec,
            recorder == null ? null : instant(WindowClock.startMicros(firstWindow)),
            written,
            written / (double) FRAME_RATE,
            cameraFrames,
            heldFrames,
            droppedFrames,
            mapWindows,
            silentWindows,
            emptyMapWindows,
            missingLocalizations,
            unusedLocalizations,
            audioSamplesReceived / (double) WindowClock.SAMPLE_RATE);
    return summary;
  }

  /** Frames waiting for their localization; at most about {@code maxLag x 12}. */
  int bufferedFrames() {
    return frames.size();
  }

  /**
   * Releases the encoder. A clip closed without {@link #finish()} is incomplete (an MP4 without its
   * index does not play) and its file is deleted.
   */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    finished = true;
    if (recorder != null) {
      try {
        recorder.stop();
        recorder.release();
      } catch (FrameRecorder.Exception e) {
        // The file is deleted below; there is nothing left to save.
      }
      try {
        Files.deleteIfExists(mp4);
      } catch (IOException e) {
        // Best effort: the caller is already leaving because of an earlier failure.
      }
    }
  }

  // ------------------------------------------------------------------ timing

  /** Starts the encoder at the first media event: its window is the clip's first. */
  private void begin(long window) throws IOException {
    if (recorder != null) {
      return;
    }
    firstWindow = window;
    nextWindow = window;
    lastMediaWindow = window;
    audioWritten = window * SAMPLES_PER_WINDOW;
    audioReceivedEnd = audioWritten;
    unusedLocalizations += localizations.headMap(window).size();
    localizations.headMap(window).clear();
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(mp4.toFile(), WIDTH, HEIGHT, 1);
    r.setFormat("mp4");
    r.setFrameRate(FRAME_RATE);
    r.setPixelFormat(AV_PIX_FMT_YUV420P);
    r.setVideoCodecName(videoCodec);
    VideoCodec.configure(r, videoCodec, VIDEO_BITRATE);
    r.setGopSize(2 * FRAME_RATE);
    r.setAudioCodec(AV_CODEC_ID_AAC);
    r.setSampleRate(AAC_SAMPLE_RATE);
    r.setAudioChannels(1);
    r.setAudioBitrate(AUDIO_BITRATE);
    // The index up front lets a browser or player start before the whole file has loaded.
    r.setOption("movflags", "+faststart");
    // The container's creation_time is the clip's first window: a replay of the clip itself (an
    // NVR-style file) gets the original event time back.
    r.setMetadata("creation_time", iso(window));
    r.setMetadata("title", streamId);
    try {
      r.start();
    } catch (FrameRecorder.Exception e) {
      r.release();
      throw new IOException("cannot start the clip " + mp4 + ": " + e.getMessage(), e);
    }
    recorder = r;
  }

  /**
   * Writes each window whose frame and localization are known, or whose wait is over: a later
   * medium event beyond {@code maxLag}, or {@code finishing}.
   */
  private void drain(boolean finishing) throws IOException {
    if (recorder == null) {
      return;
    }
    while (nextWindow <= lastMediaWindow) {
      long window = nextWindow;
      boolean waitOver =
          finishing || mediaWatermarkMicros >= WindowClock.endMicros(window) + maxLagMicros;
      PendingFrame head = frames.peek();
      boolean pictureKnown = waitOver || (head != null && head.window() >= window);
      boolean localizationKnown = waitOver || localizations.containsKey(window);
      if (!pictureKnown || !localizationKnown) {
        return;
      }
      PendingFrame own = head != null && head.window() == window ? frames.poll() : null;
      writeWindow(window, own, localizations.remove(window));
      nextWindow++;
    }
  }

  // ------------------------------------------------------------------ one output frame

  private void writeWindow(long window, PendingFrame own, Localization loc) throws IOException {
    Shown ownShown = own == null ? null : decode(own);
    if (ownShown != null) {
      shown = ownShown;
      cameraFrames++;
    } else {
      if (own != null) {
        droppedFrames++;
      }
      heldFrames++;
    }
    if (shown != null) {
      System.arraycopy(shown.bgr(), 0, canvasBgr, 0, canvasBgr.length);
    } else {
      Arrays.fill(canvasBgr, (byte) 0);
    }

    String state = overlay(loc);
    long windowStart = WindowClock.startMicros(window);
    long clock = ownShown != null ? ownShown.micros() : windowStart;
    String picture;
    if (shown == null) {
      picture = "  no video";
    } else if (ownShown == null) {
      picture =
          String.format(Locale.ROOT, "  frame held %.2f s", (windowStart - shown.micros()) / 1e6);
    } else {
      picture = "";
    }
    Graphics2D g = canvas.createGraphics();
    try {
      if (loc != null && !loc.getSilent()) {
        ClipPainter.drawPeaks(g, loc.getPeaks(), WIDTH, HEIGHT, ModelShapes.ROWS);
      }
      ClipPainter.drawCaption(g, CLOCK.format(instant(clock)), streamId + "  " + state + picture);
    } finally {
      g.dispose();
    }

    outPixels.clear().put(canvasBgr).flip();
    try {
      recorder.recordImage(
          WIDTH, HEIGHT, Frame.DEPTH_UBYTE, 3, 3 * WIDTH, AV_PIX_FMT_BGR24, outPixels);
    } catch (FrameRecorder.Exception e) {
      throw new IOException("cannot encode window " + window + " into " + mp4, e);
    }
    writeAudio((window + 1) * SAMPLES_PER_WINDOW);
  }

  /** Burns in the localization's map and says in words what the window shows. */
  private String overlay(Localization loc) {
    if (loc == null) {
      missingLocalizations++;
      return "no localization";
    }
    String audioNote =
        loc.getAudioCoverage() < 0.999f
            ? String.format(Locale.ROOT, "  audio %.0f%%", 100.0 * loc.getAudioCoverage())
            : "";
    if (loc.getSilent()) {
      silentWindows++;
      return "silent" + audioNote;
    }
    float[] map = energy(loc);
    if (map == null
        || !ClipPainter.blendEnergy(canvasBgr, WIDTH, HEIGHT, map, loc.getRows(), loc.getCols())) {
      emptyMapWindows++;
      return "no map" + audioNote;
    }
    mapWindows++;
    int peaks = loc.getPeaks().size();
    return peaks + (peaks == 1 ? " peak" : " peaks") + audioNote;
  }

  /** The map's floats, or null when it is empty or its size does not match rows x cols. */
  private static float[] energy(Localization loc) {
    if (!loc.getInferred() || loc.getRows() < 1 || loc.getCols() < 1) {
      return null;
    }
    ByteBuffer bytes = loc.getEnergy().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int cells = loc.getRows() * loc.getCols();
    if (bytes.remaining() != 4 * cells) {
      return null;
    }
    float[] map = new float[cells];
    bytes.asFloatBuffer().get(map);
    return map;
  }

  /** The frame decoded and scaled to the clip's size, or null if its JPEG does not decode. */
  private static Shown decode(PendingFrame f) {
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(f.jpeg()));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (image == null) {
      return null;
    }
    BufferedImage scaled = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, WIDTH, HEIGHT, Color.BLACK, null);
    } finally {
      g.dispose();
    }
    return new Shown(((DataBufferByte) scaled.getRaster().getDataBuffer()).getData(), f.micros());
  }

  /** Hands the encoder audio up to global sample {@code end}, silence where none arrived. */
  private void writeAudio(long end) throws IOException {
    try {
      while (audioWritten < end) {
        AudioRun run = audio.peek();
        if (run == null || run.start() > audioWritten) {
          long gapEnd = run == null ? end : Math.min(end, run.start());
          int n = (int) Math.min(zeros.length, gapEnd - audioWritten);
          recorder.recordSamples(WindowClock.SAMPLE_RATE, 1, ShortBuffer.wrap(zeros, 0, n));
          audioWritten += n;
        } else {
          int offset = (int) (audioWritten - run.start());
          int n = (int) (Math.min(end, run.end()) - audioWritten);
          recorder.recordSamples(
              WindowClock.SAMPLE_RATE,
              1,
              ShortBuffer.wrap(Arrays.copyOfRange(run.samples(), offset, offset + n)));
          audioWritten += n;
          if (audioWritten >= run.end()) {
            audio.poll();
          }
        }
      }
    } catch (FrameRecorder.Exception e) {
      throw new IOException("cannot encode audio into " + mp4, e);
    }
  }

  // ------------------------------------------------------------------ helpers

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("the clip " + mp4 + " is already finished or closed");
    }
  }

  private void checkStream(String other, String what) {
    if (!streamId.equals(other)) {
      throw new IllegalArgumentException(
          "a " + what + " of stream " + other + " fed to the clip of " + streamId);
    }
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  private static String iso(long window) {
    return instant(WindowClock.startMicros(window)).truncatedTo(ChronoUnit.MICROS).toString();
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
