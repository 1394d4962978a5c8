package ai.avloc.stream.align;

import ai.avloc.schemas.WindowClock;
import java.util.Arrays;

/**
 * An array window still collecting, as a POJO for Flink's MapState: the channels' samples and which
 * sample positions arrived (chunks carry every channel at once, so one mask serves all).
 *
 * <p>Samples are kept as the pieces that arrived until they add up to a whole window, and only then
 * copied into one channels x 1024 block: a one-sample chunk for a future window of a 128-mic array
 * holds 512 bytes, not the 512 KB of a full window.
 */
public final class OpenArrayWindow {
  public String geometryId;
  public int channels;

  /** Channels x 1024, channel-major, once the pieces reached a window's worth; null before. */
  public float[] samples;

  /** Pieces not yet copied into {@link #samples}, in arrival order: channels x count each. */
  public float[][] pieces = new float[0][];

  /** Where each piece starts in the window. */
  public int[] pieceOffsets = new int[0];

  public long[] received = SampleMask.empty();
  public long ingestMillis;

  public OpenArrayWindow() {}

  public OpenArrayWindow(String geometryId, int channels) {
    this.geometryId = geometryId;
    this.channels = channels;
  }

  /**
   * Copies {@code count} samples of every channel from a channel-major chunk of {@code perChannel}
   * samples per channel.
   */
  public void addSamples(int offset, float[] chunk, int perChannel, int from, int count) {
    float[] piece = new float[channels * count];
    for (int c = 0; c < channels; c++) {
      System.arraycopy(chunk, c * perChannel + from, piece, c * count, count);
    }
    pieces = Arrays.copyOf(pieces, pieces.length + 1);
    pieces[pieces.length - 1] = piece;
    pieceOffsets = Arrays.copyOf(pieceOffsets, pieceOffsets.length + 1);
    pieceOffsets[pieceOffsets.length - 1] = offset;
    SampleMask.mark(received, offset, count);
    if (samples != null || heldValues() >= (long) channels * WindowClock.SAMPLES_PER_WINDOW) {
      samples = samples();
      pieces = new float[0][];
      pieceOffsets = new int[0];
    }
  }

  /** Sample values held in pieces. */
  public long heldValues() {
    long n = 0;
    for (float[] p : pieces) {
      n += p.length;
    }
    return n;
  }

  /**
   * The window's channels x 1024 samples, channel-major, zeros where none arrived; a sample sent
   * twice keeps its last value.
   */
  public float[] samples() {
    int n = WindowClock.SAMPLES_PER_WINDOW;
    float[] all = samples != null ? samples : new float[channels * n];
    for (int k = 0; k < pieces.length; k++) {
      int count = pieces[k].length / channels;
      for (int c = 0; c < channels; c++) {
        System.arraycopy(pieces[k], c * count, all, c * n + pieceOffsets[k], count);
      }
    }
    return all;
  }

  public double coverage() {
    return SampleMask.coverage(received);
  }
}
