package ai.avloc.ingest;

import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * A media file as a camera: FFmpeg decodes it into frames resized to the model's input and
 * JPEG-encoded (at most {@code maxFps} per second) and audio downmixed to mono, resampled to 12288
 * Hz by FFmpeg and cut into fixed chunks. Media time is mapped to wall clock once: event time =
 * {@code wallStart} + media time.
 *
 * <p>Containers interleave audio and video loosely and a chunk is complete only after its last
 * sample, so decode order is not event-time order. Events wait in a small buffer until the decoder
 * has read {@link #REORDER_MICROS} of media past them, and come out by event time.
 *
 * <p>Looping re-decodes the file; each pass starts where the previous one ended (its last frame
 * plus one frame interval, or the end of its audio, whichever is later), with sequence numbers
 * continuing. A pass's last audio chunk may be short, as at the end of a file.
 */
public final class MediaFileSource implements CameraSource {
  static {
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
  }

  /** How far behind the newest decoded event an event may arrive and still come out in order. */
  public static final long REORDER_MICROS = 2_000_000;

  private record Pending(CameraEvent event, long arrival) {}

  private final Path file;
  private final String streamId;
  private final long wallStartMicros;
  private final DecodeOptions options;
  private final boolean loop;
  private final FrameJpeg jpeg;
  private final FrameSlots slots;
  private final AudioChunker chunker;
  private final PriorityQueue<Pending> buffer =
      new PriorityQueue<>(
          Comparator.comparing(Pending::event, CameraEvent.BY_TIME)
              .thenComparingLong(Pending::arrival));
  private long arrivals;
  private long newestMicros = Long.MIN_VALUE;

  private FFmpegFrameGrabber grabber;
  private long passOffsetMicros;
  private long firstAudioMicros;

  /**
   * The container's start time: media times count from it (an MPEG-TS export may start hours in).
   */
  private long originMicros;

  private long lastMediaMicros;
  private long lastVideoMicros;

  private long frames;
  private long samples;
  private long audioSequence;
  private double sourceFps;
  private boolean hasAudio;
  private int passes;

  /**
   * Opens the file (its first pass).
   *
   * @throws IllegalArgumentException if the file is missing, empty, or not media FFmpeg can open
   */
  public MediaFileSource(
      Path file, String streamId, Instant wallStart, DecodeOptions options, boolean loop)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    if (Files.size(file) == 0) {
      throw new IllegalArgumentException(file + ": empty file");
    }
    this.file = file;
    this.streamId = streamId;
    this.wallStartMicros = CameraEvent.epochMicros(wallStart);
    this.options = options;
    this.loop = loop;
    this.jpeg = new FrameJpeg(options);
    this.slots = new FrameSlots(options.maxFps());
    this.chunker = new AudioChunker(options.chunkSamples());
    openPass();
  }

  @Override
  public String streamId() {
    return streamId;
  }

  @Override
  public CameraEvent next() throws IOException {
    while (true) {
      Pending head = buffer.peek();
      if (head != null
          && (grabber == null || newestMicros - head.event().micros() >= REORDER_MICROS)) {
        return buffer.poll().event();
      }
      if (grabber == null) {
        return null;
      }
      decodeOne();
    }
  }

  /** What has been decoded so far, over every pass; media seconds from {@code wallStart}. */
  public MediaFileDecoder.Summary summary() {
    return new MediaFileDecoder.Summary(
        frames,
        slots.dropped(),
        samples,
        (passOffsetMicros + lastMediaMicros) / 1e6,
        sourceFps,
        hasAudio);
  }

  /** Completed and started passes over the file. */
  public int passes() {
    return passes;
  }

  @Override
  public void close() {
    Grabbers.closeQuietly(grabber);
    grabber = null;
    buffer.clear();
  }

  private void openPass() {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    g.setSampleRate(WindowClock.SAMPLE_RATE);
    g.setAudioChannels(1);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
    try {
      Grabbers.start(g);
    } catch (FrameGrabber.Exception e) {
      Grabbers.closeQuietly(g);
      throw new IllegalArgumentException(
          file + ": FFmpeg cannot open it as media: " + e.getMessage(), e);
    }
    grabber = g;
    passes++;
    hasAudio = g.getAudioChannels() > 0;
    sourceFps = g.getFrameRate();
    originMicros = Grabbers.startMicros(g);
    slots.restart();
    firstAudioMicros = Long.MIN_VALUE;
    lastMediaMicros = 0;
    lastVideoMicros = Long.MIN_VALUE;
    chunker.restart();
  }

  private void decodeOne() throws IOException {
    Frame frame;
    try {
      frame = grabber.grab();
    } catch (FrameGrabber.Exception e) {
      throw new IllegalArgumentException(file + ": corrupt media: " + e.getMessage(), e);
    }
    if (frame == null) {
      endPass();
      return;
    }
    // JavaCV's frame times are the stream's own, not counted from the container's start
    long mediaMicros = frame.timestamp - originMicros;
    lastMediaMicros = Math.max(lastMediaMicros, mediaMicros);
    if (frame.image != null) {
      lastVideoMicros = Math.max(lastVideoMicros, mediaMicros);
      if (!slots.keep(mediaMicros)) {
        return;
      }
      byte[] jpeg = this.jpeg.encode(frame);
      add(
          CameraEvent.of(
              VideoFrame.newBuilder()
                  .setStreamId(streamId)
                  .setSequence(frames++)
                  .setTimestamp(
                      CameraEvent.instant(wallStartMicros + passOffsetMicros + mediaMicros))
                  .setWidth(options.width())
                  .setHeight(options.height())
                  .setJpeg(ByteBuffer.wrap(jpeg))
                  .build()));
    } else if (frame.samples != null) {
      if (firstAudioMicros == Long.MIN_VALUE) {
        firstAudioMicros = mediaMicros;
      }
      chunker.add((ShortBuffer) frame.samples[0], this::emitChunk);
    }
  }

  /** One chunk of the pass; its time comes from the sample count, so chunks tile. */
  private void emitChunk(short[] pcm, int count, long firstSample) {
    long chunkStart = firstAudioMicros + Math.round(firstSample * 1e6 / WindowClock.SAMPLE_RATE);
    add(
        CameraEvent.of(
            AudioChunker.chunk(
                streamId,
                audioSequence++,
                wallStartMicros + passOffsetMicros + chunkStart,
                pcm,
                count)));
    samples += count;
  }

  private void endPass() {
    chunker.flush(this::emitChunk);
    Grabbers.closeQuietly(grabber);
    grabber = null;
    if (frames == 0 && samples == 0) {
      throw new IllegalArgumentException(
          file + ": holds neither video frames nor audio FFmpeg can decode");
    }
    if (loop) {
      long end = 0;
      if (lastVideoMicros != Long.MIN_VALUE) {
        // the last decoded (not kept) frame lasts one source frame interval
        double fps = sourceFps > 0 && Double.isFinite(sourceFps) ? sourceFps : options.maxFps();
        end = lastVideoMicros + Math.round(1e6 / fps);
      }
      if (firstAudioMicros != Long.MIN_VALUE) {
        end =
            Math.max(
                end,
                firstAudioMicros + Math.round(chunker.emitted() * 1e6 / WindowClock.SAMPLE_RATE));
      }
      passOffsetMicros += Math.max(1, end);
      openPass();
    }
  }

  private void add(CameraEvent event) {
    newestMicros = Math.max(newestMicros, event.micros());
    buffer.add(new Pending(event, arrivals++));
  }
}
