package ai.avloc.stream.features;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A window's JPEG frame as the model's input: RGB floats in [0, 1], height x width x 3, row-major.
 * Gateways already send the model's size, so decoding is the usual cost; other sizes are resized
 * (bilinear) rather than refused, since a camera's size is not the job's business.
 */
public final class FramePixels {
  private FramePixels() {}

  /**
   * Decodes {@code jpeg} into {@code out[offset ..]}.
   *
   * @throws IOException when the bytes are not a decodable image
   */
  public static void decode(byte[] jpeg, int height, int width, float[] out, int offset)
      throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
    if (image == null) {
      throw new IOException("not a decodable image (" + jpeg.length + " bytes)");
    }
    if (image.getWidth() != width || image.getHeight() != height) {
      BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = resized.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
      g.dispose();
      image = resized;
    }
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      int o = offset + 3 * i;
      out[o] = ((p >> 16) & 0xff) / 255f;
      out[o + 1] = ((p >> 8) & 0xff) / 255f;
      out[o + 2] = (p & 0xff) / 255f;
    }
  }
}
