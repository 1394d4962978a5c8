package ai.avloc.training.dualcam;

import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.training.data.FrameSample;
import java.util.List;

/**
 * Labelled one-second clips as DualCamNet takes them: 12 acoustic images of 36 x 48 x 12 each,
 * written into a batch on demand, so that a set of tiled MFCC maps holds only its coefficients.
 */
public interface ClipSet {
  int size();

  /** The class of clip {@code i}. */
  int label(int i);

  /** Writes clip {@code i} ({@link DualCamNet#CLIP_VALUES} floats) at {@code dst[offset ..]}. */
  void copy(int i, float[] dst, int offset);

  /** Clips held as arrays of {@link DualCamNet#CLIP_VALUES} floats. */
  static ClipSet of(List<float[]> images, int[] labels) {
    if (images.size() != labels.length) {
      throw new IllegalArgumentException(images.size() + " clips, " + labels.length + " labels");
    }
    for (float[] image : images) {
      if (image.length != DualCamNet.CLIP_VALUES) {
        throw new IllegalArgumentException(
            "a clip has " + DualCamNet.CLIP_VALUES + " values, got " + image.length);
      }
    }
    return new ClipSet() {
      @Override
      public int size() {
        return labels.length;
      }

      @Override
      public int label(int i) {
        return labels[i];
      }

      @Override
      public void copy(int i, float[] dst, int offset) {
        System.arraycopy(images.get(i), 0, dst, offset, DualCamNet.CLIP_VALUES);
      }
    };
  }

  /**
   * Clips of tiled MFCC maps: each frame's 12 normalized coefficients repeated at every pixel, as
   * {@link FrameSample#tile} makes the evaluation's tiled-MFCC baseline.
   *
   * @param coefficients per clip 12 frames x 12 coefficients
   */
  static ClipSet tiled(List<float[]> coefficients, int[] labels) {
    int c = MfccSpec.COEFFICIENTS;
    int frameValues = DualCamNet.CLIP_VALUES / DualCamNet.FRAMES;
    return new ClipSet() {
      @Override
      public int size() {
        return labels.length;
      }

      @Override
      public int label(int i) {
        return labels[i];
      }

      @Override
      public void copy(int i, float[] dst, int offset) {
        float[] mfcc = coefficients.get(i);
        for (int e = 0; e < DualCamNet.FRAMES; e++) {
          int base = offset + e * frameValues;
          for (int p = 0; p < frameValues; p += c) {
            System.arraycopy(mfcc, e * c, dst, base + p, c);
          }
        }
      }
    };
  }
}
