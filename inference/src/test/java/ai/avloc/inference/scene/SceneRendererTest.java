package ai.avloc.inference.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class SceneRendererTest {
  static final String SCENE =
      """
      {"duration": 2, "seed": 5, "sources": [
        {"name": "near", "signal": {"type": "tone", "frequency": 500, "amplitude": 0.1},
         "direction": {"azimuth": -15, "elevation": 10}, "distance": 4},
        {"name": "behind", "signal": {"type": "tone", "frequency": 700, "amplitude": 0.1},
         "direction": {"azimuth": 170, "elevation": 0}, "distance": 4}]}
      """;

  @Test
  void aSourceIsDrawnWhiteAtItsProjectionAndOneBehindTheCameraNotAtAll() {
    Scene scene = Scene.parse(SCENE, null);
    SceneRenderer renderer = new SceneRenderer(scene, 298, 224, 65, 50);
    double[] pixel = renderer.pixelOf(0, 1.0);
    // azimuth -15 degrees: left of centre; elevation +10 (up): above centre
    double u = (Math.tan(Math.toRadians(-15)) / Math.tan(Math.toRadians(32.5)) + 1) / 2;
    assertEquals(u * 298, pixel[0], 0.5);
    assertEquals(true, pixel[1] < 112);
    assertNull(renderer.pixelOf(1, 1.0));

    BufferedImage frame = renderer.render(1.0);
    int brightest = -1;
    int bx = 0;
    int by = 0;
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 298; x++) {
        int p = frame.getRGB(x, y);
        int sum = ((p >> 16) & 0xff) + ((p >> 8) & 0xff) + (p & 0xff);
        if (sum > brightest) {
          brightest = sum;
          bx = x;
          by = y;
        }
      }
    }
    assertEquals(3 * 255, brightest, 15, "a white core");
    assertEquals(pixel[0], bx + 0.5, 2.5);
    assertEquals(pixel[1], by + 0.5, 2.5);
  }
}
