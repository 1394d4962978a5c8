package ai.avloc.stream.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FramePixelsTest {
  static byte[] jpeg(int width, int height, int imageType) throws IOException {
    BufferedImage image = new BufferedImage(width, height, imageType);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(20, 30, 40));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(250, 10, 10));
    g.fillRect(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  @Test
  void colourJpegsDecodeToTheSameValuesAsTheColourModelGives() throws IOException {
    byte[] jpeg = jpeg(298, 224, BufferedImage.TYPE_INT_RGB);
    float[] out = new float[5 + 298 * 224 * 3];
    new FramePixels().decode(jpeg, 224, 298, out, 5);
    BufferedImage reference = ImageIO.read(new ByteArrayInputStream(jpeg));
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, reference.getType(), "the fast path is taken");
    for (int y = 0; y < 224; y += 7) {
      for (int x = 0; x < 298; x += 5) {
        int p = reference.getRGB(x, y);
        int o = 5 + 3 * (y * 298 + x);
        assertEquals(((p >> 16) & 0xff) / 255f, out[o], 0f);
        assertEquals(((p >> 8) & 0xff) / 255f, out[o + 1], 0f);
        assertEquals((p & 0xff) / 255f, out[o + 2], 0f);
      }
    }
    int centre = 5 + 3 * (112 * 298 + 149);
    assertTrue(out[centre] > 0.9 && out[centre + 1] < 0.15 && out[centre + 2] < 0.15, "red");
  }

  @Test
  void otherSizesAndGreyJpegsAreResizedAndConverted() throws IOException {
    float[] out = new float[298 * 224 * 3];
    new FramePixels().decode(jpeg(640, 480, BufferedImage.TYPE_BYTE_GRAY), 224, 298, out, 0);
    int centre = 3 * (112 * 298 + 149);
    // the red square in grey is about 0.3 R + 0.59 G + 0.11 B of its colour, the same in R, G, B
    assertEquals(out[centre], out[centre + 1], 0.02f);
    assertEquals(out[centre], out[centre + 2], 0.02f);
    int corner = 3 * (5 * 298 + 5);
    assertTrue(out[centre] > out[corner] + 0.1, "the square is lighter than the background");
  }

  @Test
  void garbageIsAnIoException() {
    float[] out = new float[298 * 224 * 3];
    IOException e =
        assertThrows(
            IOException.class,
            () -> new FramePixels().decode(new byte[] {1, 2, 3}, 224, 298, out, 0));
    assertTrue(e.getMessage().contains("not a decodable image"), e.getMessage());
  }

  /**
   * {@code jpeg} with its start-of-frame header changed to declare {@code width} x {@code height}.
   */
  static byte[] declaring(byte[] jpeg, int width, int height) {
    byte[] bomb = jpeg.clone();
    for (int i = 2; i + 8 < bomb.length; i++) {
      if ((bomb[i] & 0xff) == 0xFF && (bomb[i + 1] & 0xff) == 0xC0) {
        // FF C0, length (2), precision (1), height (2), width (2)
        bomb[i + 5] = (byte) (height >> 8);
        bomb[i + 6] = (byte) height;
        bomb[i + 7] = (byte) (width >> 8);
        bomb[i + 8] = (byte) width;
        return bomb;
      }
    }
    throw new IllegalArgumentException("no baseline start-of-frame marker");
  }

  @Test
  void shouldRefuseAHeaderDeclaring20000By20000PixelsBeforeDecoding() throws IOException {
    byte[] bomb = declaring(jpeg(298, 224, BufferedImage.TYPE_INT_RGB), 20_000, 20_000);
    assertEquals(new java.awt.Dimension(20_000, 20_000), FramePixels.size(bomb));

    IOException e =
        assertThrows(
            IOException.class,
            () -> new FramePixels().decode(bomb, 224, 298, new float[298 * 224 * 3], 0));

    assertEquals("image header declares 20000 x 20000 pixels, at most 1192 x 896", e.getMessage());
  }

  @Test
  void shouldAcceptImagesUpToFourTimesTheModelSize() throws IOException {
    assertEquals(null, FramePixels.sizeProblem(1192, 896));
    assertEquals(
        "image header declares 1193 x 896 pixels, at most 1192 x 896",
        FramePixels.sizeProblem(1193, 896));
    float[] out = new float[298 * 224 * 3];
    new FramePixels().decode(jpeg(1192, 896, BufferedImage.TYPE_INT_RGB), 224, 298, out, 0);
    int centre = 3 * (112 * 298 + 149);
    assertTrue(out[centre] > 0.9, "the red square, scaled down");
  }

  /**
   * One decoder for a task's frames: reusing its reader and image must not leak one frame into the
   * next.
   */
  @Test
  void aDecoderKeptAcrossFramesGivesWhatAFreshOneGives() throws IOException {
    byte[] colour = jpeg(298, 224, BufferedImage.TYPE_INT_RGB);
    BufferedImage other = new BufferedImage(298, 224, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = other.createGraphics();
    g.setColor(new Color(200, 220, 40));
    g.fillRect(0, 0, 298, 224);
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(other, "jpg", bytes);
    byte[] yellow = bytes.toByteArray();
    byte[] grey = jpeg(640, 480, BufferedImage.TYPE_BYTE_GRAY);
    byte[] truncated = java.util.Arrays.copyOf(colour, colour.length / 3);
    byte[] bomb = declaring(colour, 20_000, 20_000);

    FramePixels kept = new FramePixels();
    int n = 298 * 224 * 3;
    for (byte[] frame : new byte[][] {colour, yellow, grey, colour, bomb, yellow, colour}) {
      float[] fresh = new float[n];
      float[] reused = new float[n];
      IOException freshError = null;
      IOException reusedError = null;
      try {
        new FramePixels().decode(frame, 224, 298, fresh, 0);
      } catch (IOException e) {
        freshError = e;
      }
      try {
        kept.decode(frame, 224, 298, reused, 0);
      } catch (IOException e) {
        reusedError = e;
      }
      assertEquals(freshError == null, reusedError == null);
      assertTrue(java.util.Arrays.equals(fresh, reused), "the same pixels as a fresh decoder");
    }
    // a truncated frame decodes partially or fails, and leaves the decoder working either way
    try {
      kept.decode(truncated, 224, 298, new float[n], 0);
    } catch (IOException expected) {
      // as the job's dead-letter path would take it
    }
    float[] after = new float[n];
    kept.decode(yellow, 224, 298, after, 0);
    float[] expected = new float[n];
    new FramePixels().decode(yellow, 224, 298, expected, 0);
    assertTrue(java.util.Arrays.equals(expected, after), "a good frame after a truncated one");
    int centre = 3 * (112 * 298 + 149);
    assertTrue(after[centre] > 0.7 && after[centre + 2] < 0.3, "yellow, not the red square");
  }
}
