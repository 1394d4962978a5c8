package ai.avloc.training.data;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.WindowClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small ACIVW-layout datasets for tests. A "sounding" second has, in every frame, one source: a
 * bright disc on a dark frame and, at the same place of the (rotated) acoustic image, a disc of
 * all-zero coefficients in a field of one positive coefficient vector, so that both the target's
 * energy map and a brightness model peak there. A noise-only second has a uniform field with a
 * little noise and a dark frame.
 */
public final class DatasetFixture {
  public static final int ROWS = ModelShapes.ROWS;
  public static final int COLS = ModelShapes.COLS;
  public static final int DEPTH = AudioVisualSecond.IMAGE_DEPTH;
  public static final int HEIGHT = ModelShapes.FRAME_HEIGHT;
  public static final int WIDTH = ModelShapes.FRAME_WIDTH;

  /** Radius of the source disc in acoustic-image cells. */
  public static final double RADIUS = 4.5;

  private DatasetFixture() {}

  /** The source's cell (row, column) in target orientation for frame {@code e} of a second. */
  public static int[] spot(long seed, int e) {
    Random r = new Random(seed * 31 + 7);
    int row = 8 + r.nextInt(ROWS - 16);
    int col = 8 + r.nextInt(COLS - 16);
    return new int[] {Math.min(ROWS - 6, row + e / 3), Math.min(COLS - 6, col + e / 2)};
  }

  /** The source disc's box in frame pixels, for annotations. */
  public static int[] box(long seed, int e) {
    int[] s = spot(seed, e);
    double sy = (double) HEIGHT / ROWS;
    double sx = (double) WIDTH / COLS;
    return new int[] {
      (int) Math.floor((s[1] + 0.5 - RADIUS) * sx),
      (int) Math.floor((s[0] + 0.5 - RADIUS) * sy),
      (int) Math.ceil((s[1] + 0.5 + RADIUS) * sx),
      (int) Math.ceil((s[0] + 0.5 + RADIUS) * sy)
    };
  }

  /** A second with a moving source, a tone in its audio and the given labels. */
  public static AudioVisualSecond sounding(long seed, Map<String, Long> labels) {
    Random r = new Random(seed);
    int entries = AudioVisualSecond.ENTRIES;
    float[] images = new float[entries * ROWS * COLS * DEPTH];
    byte[] frames = new byte[entries * HEIGHT * WIDTH * 3];
    float[] field = new float[DEPTH];
    for (int k = 0; k < DEPTH; k++) {
      field[k] = 0.2f + 0.8f * r.nextFloat();
    }
    for (int e = 0; e < entries; e++) {
      int[] s = spot(seed, e);
      for (int row = 0; row < ROWS; row++) {
        for (int col = 0; col < COLS; col++) {
          boolean inside = Math.hypot(row - s[0], col - s[1]) <= RADIUS;
          // stored orientation: the loader rotates by 180 degrees
          int stored = ((ROWS - 1 - row) * COLS + (COLS - 1 - col)) * DEPTH;
          for (int k = 0; k < DEPTH; k++) {
            images[e * ROWS * COLS * DEPTH + stored + k] = inside ? 0f : 3 * field[k];
          }
        }
      }
      drawFrame(frames, e, seed, s);
    }
    return new AudioVisualSecond(labels, images, audio(r, 300 + 50 * (seed % 7), 8000), frames);
  }

  /** A second without a source: a near-uniform field, a dark frame, low noise in its audio. */
  public static AudioVisualSecond noiseOnly(long seed, Map<String, Long> labels) {
    Random r = new Random(seed);
    int entries = AudioVisualSecond.ENTRIES;
    float[] images = new float[entries * ROWS * COLS * DEPTH];
    float[] field = new float[DEPTH];
    for (int k = 0; k < DEPTH; k++) {
      field[k] = 0.2f + 0.8f * r.nextFloat();
    }
    for (int i = 0; i < images.length; i++) {
      images[i] = field[i % DEPTH] + 0.01f * (float) r.nextGaussian();
    }
    byte[] frames = new byte[entries * HEIGHT * WIDTH * 3];
    for (int e = 0; e < entries; e++) {
      drawFrame(frames, e, seed, null);
    }
    return new AudioVisualSecond(labels, images, audio(r, 0, 0), frames);
  }

  private static void drawFrame(byte[] frames, int e, long seed, int[] spot) {
    int base = e * HEIGHT * WIDTH * 3;
    double sy = (double) HEIGHT / ROWS;
    double sx = (double) WIDTH / COLS;
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        int p = base + (y * WIDTH + x) * 3;
        boolean lit =
            spot != null
                && Math.hypot((y + 0.5) / sy - (spot[0] + 0.5), (x + 0.5) / sx - (spot[1] + 0.5))
                    <= RADIUS;
        // B, G, R differ so that a channel swap shows; the first pixel marks the frame
        frames[p] = (byte) (lit ? 250 : 20);
        frames[p + 1] = (byte) (lit ? 240 : 30);
        frames[p + 2] = (byte) (lit ? 230 : 40);
      }
    }
    frames[base] = (byte) (seed & 0x7f);
    frames[base + 1] = (byte) e;
  }

  private static int[] audio(Random r, double hz, double amplitude) {
    int[] out = new int[AudioVisualSecond.ENTRIES * WindowClock.SAMPLES_PER_WINDOW];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          (int)
              Math.round(
                  amplitude * Math.sin(2 * Math.PI * hz * i / 12288.0)
                      + 2000 * Math.sin(2 * Math.PI * 60 * i / 12288.0)
                      + 300 * r.nextGaussian());
    }
    return out;
  }

  /** Writes {@code second} as a GZIP TFRecord at {@code root/relative}. */
  public static Path write(Path root, String relative, AudioVisualSecond second)
      throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    TfRecords.write(file, List.of(second.toBytes()), true);
    return file;
  }

  /** Writes {@code lists/<split>.txt}. */
  public static void list(Path root, AudioVisualDataset.Split split, List<String> lines)
      throws IOException {
    Files.createDirectories(root.resolve("lists"));
    Files.write(root.resolve("lists").resolve(split.fileName()), lines);
  }

  /** The ACIVW-style path of a second. */
  public static String path(long classId, int scene, int second) {
    return String.format("class_%d/data_%05d/Data_%03d.tfrecord", classId, scene, second);
  }

  /** An annotations.jsonl line putting the fixture's source box on every frame. */
  public static String annotation(String path, String split, long scene, long classId, long seed) {
    List<String> frames = new ArrayList<>();
    for (int e = 0; e < AudioVisualSecond.ENTRIES; e++) {
      int[] b = box(seed, e);
      frames.add(
          String.format(
              "[{\"x0\":%d,\"y0\":%d,\"x1\":%d,\"y1\":%d,\"class\":%d}]",
              b[0], b[1], b[2], b[3], classId));
    }
    return String.format(
        "{\"path\":\"%s\",\"split\":\"%s\",\"scene\":%d,\"class\":%d,\"frames\":[%s]}",
        path, split, scene, classId, String.join(",", frames));
  }

  /** An annotations.jsonl line with no object on any frame. */
  public static String emptyAnnotation(String path, String split, long scene, long classId) {
    List<String> frames = new ArrayList<>();
    for (int e = 0; e < AudioVisualSecond.ENTRIES; e++) {
      frames.add("[]");
    }
    return String.format(
        "{\"path\":\"%s\",\"split\":\"%s\",\"scene\":%d,\"class\":%d,\"frames\":[%s]}",
        path, split, scene, classId, String.join(",", frames));
  }
}
