package ai.avloc.ingest;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.WindowClock;

/**
 * How a camera gateway turns media into events.
 *
 * @param width width of the published frames (the model's 298)
 * @param height height of the published frames (the model's 224)
 * @param maxFps frames per second kept at most; frames are kept one per 1/maxFps s slot
 * @param jpegQuality 0..1
 * @param chunkSamples samples per AudioChunk at 12288 Hz
 */
public record DecodeOptions(
    int width, int height, double maxFps, float jpegQuality, int chunkSamples) {

  public DecodeOptions {
    if (width < 16 || height < 16) {
      throw new IllegalArgumentException(
          "frame size must be at least 16x16, got " + width + "x" + height);
    }
    if (!(maxFps > 0 && maxFps <= 120)) {
      throw new IllegalArgumentException("maxFps must be in (0, 120], got " + maxFps);
    }
    if (!(jpegQuality > 0 && jpegQuality <= 1)) {
      throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + jpegQuality);
    }
    if (chunkSamples < 64) {
      throw new IllegalArgumentException(
          "audio chunks must hold at least 64 samples, got " + chunkSamples);
    }
  }

  /** The model's input: 298x224, at most 12 fps, JPEG quality 0.9, 1024-sample chunks (1/12 s). */
  public static DecodeOptions modelDefaults() {
    return new DecodeOptions(
        ModelShapes.FRAME_WIDTH,
        ModelShapes.FRAME_HEIGHT,
        WindowClock.WINDOWS_PER_SECOND,
        0.9f,
        WindowClock.SAMPLES_PER_WINDOW);
  }
}
