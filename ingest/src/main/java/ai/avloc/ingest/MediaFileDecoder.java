package ai.avloc.ingest;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.VideoFrame;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Decodes a media file with FFmpeg into a camera stream's events: frames resized to the model's
 * input and JPEG-encoded, kept at most {@code maxFps} per second; audio downmixed to mono,
 * resampled to 12288 Hz by FFmpeg and cut into fixed chunks. Media timestamps are mapped to wall
 * clock once: event time = {@code wallStart} + media time.
 */
public final class MediaFileDecoder {
  static {
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
  }

  private final DecodeOptions options;

  public MediaFileDecoder(DecodeOptions options) {
    this.options = options;
  }

  /** What one pass over a file produced. */
  public record Summary(
      long frames,
      long framesDropped,
      long audioSamples,
      double mediaSeconds,
      double sourceFps,
      boolean hasAudio) {}

  public Summary decode(Path file, String streamId, Instant wallStart, CameraEvents events)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    if (Files.size(file) == 0) {
      throw new IllegalArgumentException(file + ": empty file");
    }
    long wallStartMicros = ChronoUnit.MICROS.between(Instant.EPOCH, wallStart);
    Java2DFrameConverter converter = new Java2DFrameConverter();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
      grabber.setSampleRate(DecodeOptions.SAMPLE_RATE);
      grabber.setAudioChannels(1);
      grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      try {
        grabber.start();
      } catch (FrameGrabber.Exception e) {
        throw new IllegalArgumentException(
            file + ": FFmpeg cannot open it as media: " + e.getMessage(), e);
      }
      boolean hasAudio = grabber.getAudioChannels() > 0;
      long frames = 0;
      long dropped = 0;
      long lastSlot = Long.MIN_VALUE;
      long firstAudioMicros = Long.MIN_VALUE;
      long samples = 0;
      short[] pending = new short[options.chunkSamples()];
      int pendingCount = 0;
      long sequenceAudio = 0;
      long lastMediaMicros = 0;
      Frame frame;
      while ((frame = grab(grabber, file)) != null) {
        lastMediaMicros = Math.max(lastMediaMicros, frame.timestamp);
        if (frame.image != null) {
          long slot = (long) Math.floor(frame.timestamp * options.maxFps() / 1e6);
          if (slot == lastSlot) {
            dropped++;
            continue;
          }
          lastSlot = slot;
          BufferedImage image = converter.convert(frame);
          byte[] jpeg =
              jpeg(coverAndCrop(image, options.width(), options.height()), options.jpegQuality());
          events.frame(
              VideoFrame.newBuilder()
                  .setStreamId(streamId)
                  .setSequence(frames)
                  .setTimestamp(micros(wallStartMicros + frame.timestamp))
                  .setWidth(options.width())
                  .setHeight(options.height())
                  .setJpeg(ByteBuffer.wrap(jpeg))
                  .build());
          frames++;
        } else if (frame.samples != null) {
          if (firstAudioMicros == Long.MIN_VALUE) {
            firstAudioMicros = frame.timestamp;
          }
          ShortBuffer in = (ShortBuffer) frame.samples[0];
          while (in.hasRemaining()) {
            int n = Math.min(in.remaining(), pending.length - pendingCount);
            in.get(pending, pendingCount, n);
            pendingCount += n;
            if (pendingCount == pending.length) {
              // chunk time from the sample count, not the packet clock, so chunks tile without
              // jitter
              long chunkStart =
                  firstAudioMicros + Math.round((samples) * 1e6 / DecodeOptions.SAMPLE_RATE);
              events.audio(
                  chunk(
                      streamId,
                      sequenceAudio++,
                      wallStartMicros + chunkStart,
                      pending,
                      pendingCount));
              samples += pendingCount;
              pendingCount = 0;
            }
          }
        }
      }
      if (pendingCount > 0) {
        long chunkStart = firstAudioMicros + Math.round(samples * 1e6 / DecodeOptions.SAMPLE_RATE);
        events.audio(
            chunk(streamId, sequenceAudio, wallStartMicros + chunkStart, pending, pendingCount));
        samples += pendingCount;
      }
      if (frames == 0 && samples == 0) {
        throw new IllegalArgumentException(
            file + ": holds neither video frames nor audio FFmpeg can decode");
      }
      return new Summary(
          frames, dropped, samples, lastMediaMicros / 1e6, grabber.getFrameRate(), hasAudio);
    }
  }

  private static Frame grab(FFmpegFrameGrabber grabber, Path file) {
    try {
      return grabber.grab();
    } catch (FrameGrabber.Exception e) {
      throw new IllegalArgumentException(file + ": corrupt media: " + e.getMessage(), e);
    }
  }

  private static Instant micros(long epochMicros) {
    return Instant.EPOCH.plus(epochMicros, ChronoUnit.MICROS);
  }

  private static AudioChunk chunk(
      String streamId, long sequence, long epochMicros, short[] pcm, int count) {
    ByteBuffer bytes = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      bytes.putShort(pcm[i]);
    }
    bytes.flip();
    return AudioChunk.newBuilder()
        .setStreamId(streamId)
        .setSequence(sequence)
        .setTimestamp(micros(epochMicros))
        .setSampleRate(DecodeOptions.SAMPLE_RATE)
        .setPcm16(bytes)
        .build();
  }

  /**
   * Scales the image to cover width x height and crops the centre, so any aspect ratio fills the
   * model's input without distortion (the reference resizes the shorter side, then centre-crops).
   */
  static BufferedImage coverAndCrop(BufferedImage source, int width, int height) {
    double scale =
        Math.max((double) width / source.getWidth(), (double) height / source.getHeight());
    int scaledW = (int) Math.ceil(source.getWidth() * scale);
    int scaledH = (int) Math.ceil(source.getHeight() * scale);
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(source, (width - scaledW) / 2, (height - scaledH) / 2, scaledW, scaledH, null);
    g.dispose();
    return out;
  }

  static byte[] jpeg(BufferedImage image, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
