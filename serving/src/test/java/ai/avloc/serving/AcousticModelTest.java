package ai.avloc.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.ModelShapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract test model, exported with TF Java and served through DJL's TensorFlow engine. */
class AcousticModelTest {
  static final int H = ModelShapes.FRAME_HEIGHT;
  static final int W = ModelShapes.FRAME_WIDTH;

  @TempDir static Path dir;
  static AcousticModel model;

  @BeforeAll
  static void exportAndLoad() throws IOException {
    BrightSpotModel.export(dir.resolve("bright-spot"), H, W);
    model = AcousticModel.load(dir.resolve("bright-spot"));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void loadsTheCardAndTheSignature() {
    assertEquals("bright-spot@1", model.card().id());
    assertEquals(H, model.height());
    assertEquals(W, model.width());
  }

  @Test
  void everyOutputMatchesTheGraphRecomputedInJava() {
    int batch = 3;
    Random random = new Random(7);
    float[] rgb = new float[batch * H * W * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = random.nextFloat();
    }
    float[] mfcc = new float[batch * 12];
    for (int i = 0; i < mfcc.length; i++) {
      mfcc[i] = random.nextFloat();
    }
    AcousticModel.Output out = model.predict(rgb, mfcc, batch);
    assertEquals(batch, out.batch());
    int pixels = 36 * 48;
    for (int b = 0; b < batch; b++) {
      float[] gray = resizedGray(rgb, b);
      float[] image = new float[pixels * 12];
      for (int p = 0; p < pixels; p++) {
        for (int k = 0; k < 12; k++) {
          image[p * 12 + k] = (1 - gray[p]) * mfcc[b * 12 + k];
        }
      }
      float[] energy = EnergyMap.of(image);
      float[] gotImage = slice(out.acousticImages(), b * pixels * 12, pixels * 12);
      float[] gotEnergy = slice(out.energy(), b * pixels, pixels);
      // The graph is float32, this recomputation double: they part at ~1e-5 for values near 1.
      assertArrayEquals(image, gotImage, 3e-5f, "acoustic image of window " + b);
      assertArrayEquals(energy, gotEnergy, 1e-6f, "energy of window " + b);
    }
    AcousticModel.Output energyOnly = model.predict(rgb, mfcc, batch, false);
    assertEquals(null, energyOnly.acousticImages(), "the job's call copies no images out");
    assertArrayEquals(out.energy(), energyOnly.energy(), 0f);
  }

  @Test
  void soundGoesToTheBrightObjectAndSilenceIsFlat() {
    // A dark frame with one bright 40 x 40 patch centred at (row 150, col 60) of 224 x 298.
    float[] rgb = new float[2 * H * W * 3];
    for (int b = 0; b < 2; b++) {
      for (int y = 130; y < 170; y++) {
        for (int x = 40; x < 80; x++) {
          for (int c = 0; c < 3; c++) {
            rgb[((b * H + y) * W + x) * 3 + c] = 1f;
          }
        }
      }
    }
    float[] mfcc = new float[24];
    for (int k = 0; k < 12; k++) {
      mfcc[k] = (k % 3) / 2f; // a sounding window
    } // window 1: silence, all zeros
    AcousticModel.Output out = model.predict(rgb, mfcc, 2);
    float[] sounding = slice(out.energy(), 0, 36 * 48);
    List<Peak> peaks = PeakFinder.find(sounding, 36, 48, 1, 1);
    assertEquals(1, peaks.size());
    // Patch centre in grid cells: row 150 / 224 * 36 = 24.1, col 60 / 298 * 48 = 9.7.
    assertEquals(24, peaks.get(0).row(), 1);
    assertEquals(9.5, peaks.get(0).col(), 1);
    float[] silent = slice(out.energy(), 36 * 48, 36 * 48);
    for (float e : silent) {
      assertEquals(1f / 24, e, 1e-7f);
    }
    assertTrue(PeakFinder.flatness(silent) > 0.99);
  }

  @Test
  void refusesWhatIsNotAModel(@TempDir Path empty) throws IOException {
    IOException none = assertThrows(IOException.class, () -> AcousticModel.load(empty));
    assertTrue(none.getMessage().contains("no saved_model.pb"), none.getMessage());
    Path noCard = empty.resolve("no-card");
    BrightSpotModel.export(noCard, 64, 80);
    Files.delete(noCard.resolve(ModelCard.FILE));
    IOException card = assertThrows(IOException.class, () -> AcousticModel.load(noCard));
    assertTrue(card.getMessage().contains("model.json"), card.getMessage());
  }

  @Test
  void refusesACardThatDisagreesWithTheSignature(@TempDir Path tmp) throws IOException {
    Path small = tmp.resolve("small");
    ModelCard card = BrightSpotModel.export(small, 64, 80);
    new ModelCard(
            card.name(),
            card.version(),
            card.preset(),
            224,
            298,
            0,
            false,
            card.trainingData(),
            card.metrics(),
            card.description(),
            card.config(),
            card.data())
        .write(small);
    IOException e = assertThrows(IOException.class, () -> AcousticModel.load(small));
    assertTrue(e.getMessage().contains("breaks the model contract"), e.getMessage());
  }

  /** TF's ResizeBilinear with half-pixel centres, on the channel mean of window b. */
  static float[] resizedGray(float[] rgb, int b) {
    float[] out = new float[36 * 48];
    double sy = (double) H / 36;
    double sx = (double) W / 48;
    for (int r = 0; r < 36; r++) {
      double y = Math.max(0, (r + 0.5) * sy - 0.5);
      int y0 = (int) Math.floor(y);
      int y1 = Math.min(y0 + 1, H - 1);
      double fy = y - y0;
      for (int c = 0; c < 48; c++) {
        double x = Math.max(0, (c + 0.5) * sx - 0.5);
        int x0 = (int) Math.floor(x);
        int x1 = Math.min(x0 + 1, W - 1);
        double fx = x - x0;
        double top = gray(rgb, b, y0, x0) * (1 - fx) + gray(rgb, b, y0, x1) * fx;
        double bottom = gray(rgb, b, y1, x0) * (1 - fx) + gray(rgb, b, y1, x1) * fx;
        out[r * 48 + c] = (float) (top * (1 - fy) + bottom * fy);
      }
    }
    return out;
  }

  static double gray(float[] rgb, int b, int y, int x) {
    int i = ((b * H + y) * W + x) * 3;
    return (rgb[i] + rgb[i + 1] + rgb[i + 2]) / 3.0;
  }

  static float[] slice(float[] values, int from, int length) {
    float[] out = new float[length];
    System.arraycopy(values, from, out, 0, length);
    return out;
  }
}
