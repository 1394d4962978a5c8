package ai.avloc.stream.features;

import ai.avloc.schemas.InputLimits;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * A window's JPEG frame as the model's input: RGB floats in [0, 1], height x width x 3, row-major.
 * Gateways already send the model's size, so decoding is the usual cost; other sizes are resized
 * (bilinear) rather than refused, since a camera's size is not the job's business, up to {@link
 * InputLimits}' image size: the header's size is read before any pixel is decoded.
 *
 * <p>An instance keeps one JPEG reader and the image it last decoded into, and decodes the next
 * frame of the same size into that image again: a task decodes hundreds of frames a second, and
 * each new reader is a registry look-up and each new image 200 KB to allocate and clear. Streams
 * are read from memory, never through ImageIO's default file cache, which writes every frame to a
 * temporary file. Not thread-safe: one per task.
 */
public final class FramePixels {
  /** v / 255f for every byte value: a look-up instead of three float divisions per pixel. */
  private static final float[] UNIT = new float[256];

  static {
    for (int v = 0; v < 256; v++) {
      UNIT[v] = v / 255f;
    }
  }

  /** The JPEG reader, made on first use and kept; other formats get a reader per image. */
  private ImageReader jpegReader;

  /** The last frame's decoded image, reused while frames keep its size. */
  private BufferedImage destination;

  /**
   * Decodes {@code jpeg} into {@code out[offset ..]}.
   *
   * @throws IOException when the bytes are not a decodable image
   */
  public void decode(byte[] jpeg, int height, int width, float[] out, int offset)
      throws IOException {
    BufferedImage image;
    try (ImageInputStream in = memoryStream(jpeg)) {
      boolean isJpeg = isJpeg(jpeg);
      ImageReader reader = isJpeg ? jpegReader() : reader(in, jpeg.length);
      try {
        reader.setInput(in, true, true);
        int sourceWidth = reader.getWidth(0);
        int sourceHeight = reader.getHeight(0);
        String problem = sizeProblem(sourceWidth, sourceHeight);
        if (problem != null) {
          throw new IOException(problem);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        if (isJpeg && decodesToBgr(reader)) {
          if (destination == null
              || destination.getWidth() != sourceWidth
              || destination.getHeight() != sourceHeight) {
            destination =
                new BufferedImage(sourceWidth, sourceHeight, BufferedImage.TYPE_3BYTE_BGR);
          }
          param.setDestination(destination);
        }
        image = reader.read(0, param);
      } finally {
        // the kept reader lets go of this frame's stream, also when the frame was corrupt
        if (isJpeg) {
          reader.setInput(null);
        } else {
          reader.dispose();
        }
      }
    }
    toFloats(image, height, width, out, offset);
  }

  /** Whether the reader offers to decode the current image as interleaved BGR bytes. */
  private static boolean decodesToBgr(ImageReader reader) throws IOException {
    for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
      if (types.next().getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR) {
        return true;
      }
    }
    return false;
  }

  private ImageReader jpegReader() throws IOException {
    if (jpegReader == null) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
      if (!readers.hasNext()) {
        throw new IOException("this Java runtime has no JPEG reader");
      }
      jpegReader = readers.next();
    }
    return jpegReader;
  }

  /**
   * The start-of-image marker: the JPEG reader is tried; anything else goes to ImageIO's lookup.
   */
  private static boolean isJpeg(byte[] image) {
    return image.length >= 3
        && (image[0] & 0xff) == 0xFF
        && (image[1] & 0xff) == 0xD8
        && (image[2] & 0xff) == 0xFF;
  }

  /** The image, resized to the model's size if need be, as RGB floats. */
  private static void toFloats(
      BufferedImage image, int height, int width, float[] out, int offset) {
    if (image.getWidth() != width || image.getHeight() != height) {
      BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = resized.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
      g.dispose();
      image = resized;
    }
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
        && image.getRaster().getDataBuffer() instanceof DataBufferByte bytes
        && bytes.getNumBanks() == 1
        && bytes.getData().length == width * height * 3) {
      // the JPEG decoder's own layout: read the bytes, 10x faster than getRGB's colour model
      byte[] bgr = bytes.getData();
      for (int i = 0; i < width * height; i++) {
        int o = offset + 3 * i;
        out[o] = UNIT[bgr[3 * i + 2] & 0xff];
        out[o + 1] = UNIT[bgr[3 * i + 1] & 0xff];
        out[o + 2] = UNIT[bgr[3 * i] & 0xff];
      }
      return;
    }
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      int o = offset + 3 * i;
      out[o] = UNIT[(p >> 16) & 0xff];
      out[o + 1] = UNIT[(p >> 8) & 0xff];
      out[o + 2] = UNIT[p & 0xff];
    }
  }

  /** The bytes as an image stream held in memory (ImageIO's default would cache to a file). */
  private static ImageInputStream memoryStream(byte[] image) {
    return new MemoryCacheImageInputStream(new ByteArrayInputStream(image));
  }

  /**
   * The width and height an image's header declares, read without decoding a pixel.
   *
   * @throws IOException when the bytes are no image ImageIO knows or the header is unreadable
   */
  public static Dimension size(byte[] image) throws IOException {
    try (ImageInputStream in = memoryStream(image)) {
      ImageReader reader = reader(in, image.length);
      reader.setInput(in, true, true);
      try {
        return new Dimension(reader.getWidth(0), reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * Why an image of {@code width} x {@code height} is refused, or null: larger than {@link
   * InputLimits#MAX_FRAME_WIDTH} x {@link InputLimits#MAX_FRAME_HEIGHT}, or empty.
   */
  public static String sizeProblem(int width, int height) {
    if (width <= 0
        || height <= 0
        || width > InputLimits.MAX_FRAME_WIDTH
        || height > InputLimits.MAX_FRAME_HEIGHT) {
      return String.format(
          "image header declares %d x %d pixels, at most %d x %d",
          width, height, InputLimits.MAX_FRAME_WIDTH, InputLimits.MAX_FRAME_HEIGHT);
    }
    return null;
  }

  private static ImageReader reader(ImageInputStream in, int length) throws IOException {
    Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
    if (readers == null || !readers.hasNext()) {
      throw new IOException("not a decodable image (" + length + " bytes)");
    }
    return readers.next();
  }
}
