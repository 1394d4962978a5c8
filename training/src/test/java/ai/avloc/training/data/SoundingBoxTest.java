package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SoundingBoxTest {

  @Test
  void shouldRejectInvalidBoxes() {
    assertThrows(IllegalArgumentException.class, () -> new SoundingBox(-1, 0, 5, 5, -1));
    assertThrows(IllegalArgumentException.class, () -> new SoundingBox(6, 0, 5, 5, -1));
    assertThrows(IllegalArgumentException.class, () -> new SoundingBox(0, 6, 5, 5, -1));
    assertThrows(IllegalArgumentException.class, () -> new SoundingBox(0, 0, 299, 5, -1));
  }

  @Test
  void shouldRejectAnEmptyBoxSoNoUnusedAnnotatorSlotReachesTheMetrics() {
    // the reference dataset marks an unused annotator slot with xmax == 0
    assertThrows(IllegalArgumentException.class, () -> new SoundingBox(0, 0, 0, 0, -1));
  }

  @Test
  void shouldClipToTheFrameCoveringEveryPixelTouched() {
    assertEquals(
        new SoundingBox(0, 200, 21, 224, 3), SoundingBox.clipped(-4.5, 230, 20.2, 200.0, 3));
    assertNull(SoundingBox.clipped(300, 0, 310, 10, 3), "entirely beside the frame");
    assertEquals(21 * 24, new SoundingBox(0, 200, 21, 224, 3).area());
  }
}
