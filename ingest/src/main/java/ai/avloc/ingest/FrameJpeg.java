package ai.avloc.ingest;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Turns decoded video frames into the model's input: scaled to cover the options' width x height,
 * centre-cropped, JPEG-encoded. Not thread-safe (one per decoding thread).
 */
public final class FrameJpeg {
  private final DecodeOptions options;
  private final Java2DFrameConverter converter = new Java2DFrameConverter();

  public FrameJpeg(DecodeOptions options) {
    this.options = options;
  }

  /** The JPEG of a decoded FFmpeg video frame, at the options' size and quality. */
  public byte[] encode(Frame frame) throws IOException {
    BufferedImage image = converter.convert(frame);
    return jpeg(coverAndCrop(image, options.width(), options.height()), options.jpegQuality());
  }

  /**
   * Scales the image to cover width x height and crops the centre, so any aspect ratio fills the
   * model's input without distortion (the reference resizes the shorter side, then centre-crops).
   */
  public static BufferedImage coverAndCrop(BufferedImage source, int width, int height) {
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

  /** The image as JPEG at {@code quality} (0..1). */
  public static byte[] jpeg(BufferedImage image, float quality) throws IOException {
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
