package ai.avloc.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
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

  /** The bounding box {x0, y0, x1, y1} (exclusive ends) of the pixels where two frames differ. */
  static int[] changed(BufferedImage a, BufferedImage b) {
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
        }
      }
    }
    return x1 < 0 ? null : new int[] {x0, y0, x1, y1};
  }

  static VisualObject object(String label, double x, double y, double z, double size, Color c) {
    return new VisualObject(
        label, new Trajectory.Fixed(new double[] {x, y, z}), size, c, Color.DARK_GRAY, 0, false);
  }

  @Test
  void aSourceOfAKnownClassIsDrawnInItsShapeInsideItsBox() throws Exception {
    Scene scene = Scene.parse(Path.of("../examples/scenes/demo-crossing.json"));
    assertEquals("drone", scene.sources().get(0).label());
    SceneRenderer renderer = new SceneRenderer(scene, 298, 224, 65, 50);
    SceneRenderer empty =
        new SceneRenderer(List.of(), Backdrop.night(scene.seed()), 298, 224, 65, 50);
    double t = 6; // mid-crossing, near the centre of the view
    int[] drawn = changed(renderer.render(t), empty.render(t));
    double[] box = renderer.boxOf(0, t);
    assertNotNull(drawn);
    assertNotNull(box);
    // everything drawn lies in the box (a pixel of anti-aliasing either side), and fills most of it
    assertTrue(drawn[0] >= Math.floor(box[0]) - 1 && drawn[2] <= Math.ceil(box[2]) + 1);
    assertTrue(drawn[1] >= Math.floor(box[1]) - 1 && drawn[3] <= Math.ceil(box[3]) + 1);
    assertTrue(drawn[2] - drawn[0] > 0.8 * (box[2] - box[0]));
    // a drone is much wider than tall; the disc of an unknown class is round
    assertTrue(drawn[2] - drawn[0] > 2 * (drawn[3] - drawn[1]), "a drone, not a disc");
    double[] centre = renderer.pixelOf(0, t);
    assertEquals((box[0] + box[2]) / 2, centre[0], 1e-9);
    assertEquals((box[1] + box[3]) / 2, centre[1], 1e-9);
  }

  @Test
  void silentObjectsAreDrawnNearerOverFarther() {
    Color red = new Color(200, 30, 30);
    Color blue = new Color(30, 60, 200);
    SceneRenderer carInFront =
        new SceneRenderer(
            List.of(object("person", 0, 0, 9, 1.8, blue), object("car", 0, 0, 7, 4.2, red)),
            Backdrop.night(1),
            298,
            224,
            65,
            50);
    SceneRenderer personInFront =
        new SceneRenderer(
            List.of(object("person", 0, 0, 6, 1.8, blue), object("car", 0, 0, 7, 4.2, red)),
            Backdrop.night(1),
            298,
            224,
            65,
            50);
    // both shapes cover the image centre (the car's body, the person's torso)
    assertEquals(red.getRGB(), carInFront.render(0).getRGB(149, 112));
    assertEquals(blue.getRGB(), personInFront.render(0).getRGB(149, 112));
    double[] car = carInFront.boxOf(1, 0);
    double[] person = carInFront.boxOf(0, 0);
    assertTrue(car[2] - car[0] > 2.5 * (car[3] - car[1]), "a car is long");
    assertTrue(person[3] - person[1] > 2 * (person[2] - person[0]), "a person is tall");
  }

  @Test
  void anObjectPartlyInViewIsClippedAndOneOutOfViewHasNoBox() {
    SceneRenderer renderer =
        new SceneRenderer(
            List.of(
                object("car", 4.5, 0, 6, 4.2, Color.RED), object("car", -30, 0, 6, 4.2, Color.RED)),
            Backdrop.night(2),
            298,
            224,
            65,
            50);
    // centre just outside the right edge: not "seen" as a point, but part of the car is drawn
    assertNull(renderer.pixelOf(0, 0));
    double[] box = renderer.boxOf(0, 0);
    assertNotNull(box);
    assertEquals(298, box[2], 1e-9);
    assertTrue(box[0] < 298);
    assertNull(renderer.boxOf(1, 0));
  }

  @Test
  void everyClassShapeIsKnownByItsLabelAndOthersAreDiscs() {
    for (ObjectShape shape : ObjectShape.values()) {
      if (shape != ObjectShape.DISC) {
        assertEquals(shape, ObjectShape.forLabel(shape.label()));
        assertEquals(shape, ObjectShape.forLabel(" " + shape.label().toUpperCase() + " "));
      }
    }
    assertEquals(ObjectShape.DISC, ObjectShape.forLabel("unknown"));
    assertEquals(ObjectShape.DISC, ObjectShape.forLabel(null));
  }
}
