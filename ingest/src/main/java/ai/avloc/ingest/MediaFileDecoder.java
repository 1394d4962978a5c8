package ai.avloc.ingest;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.WindowClock;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Decodes a media file with FFmpeg into a camera stream's events, pushed to a sink in event-time
 * order: the one-pass, push form of {@link MediaFileSource}, which says how frames and audio are
 * made. Media timestamps are mapped to wall clock once: event time = {@code wallStart} + media
 * time.
 */
public final class MediaFileDecoder {
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
    try (MediaFileSource source = new MediaFileSource(file, streamId, wallStart, options, false)) {
      CameraEvent event;
      while ((event = source.next()) != null) {
        event.sendTo(events);
      }
      return source.summary();
    }
  }

  /** A mono chunk of the first {@code count} samples of {@code pcm}, PCM16 little-endian. */
  static AudioChunk audioChunk(
      String streamId, long sequence, long epochMicros, short[] pcm, int count) {
    ByteBuffer bytes = ByteBuffer.allocate(2 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      bytes.putShort(pcm[i]);
    }
    bytes.flip();
    return AudioChunk.newBuilder()
        .setStreamId(streamId)
        .setSequence(sequence)
        .setTimestamp(CameraEvent.instant(epochMicros))
        .setSampleRate(WindowClock.SAMPLE_RATE)
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
