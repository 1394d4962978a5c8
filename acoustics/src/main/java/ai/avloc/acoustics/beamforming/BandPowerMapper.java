package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.audio.FrameSpectrum;

/**
 * Band-power maps of successive blocks of an array recording: per block, a Hann-windowed FFT of
 * every microphone, the beamformer's power per direction in each selected bin, summed over the band
 * and scaled to mean square. Holds its beamformer, so a stream of blocks pays the steering set-up
 * once.
 */
public final class BandPowerMapper implements AutoCloseable {
  private final int mics;
  private final int directions;
  private final int block;
  private final int[] bins;
  private final int maxBlocks;
  private final double binScale;
  private final FrameSpectrum spectrum;
  private final Beamformer beamformer;
  private final float[] full;
  private final float[] selected;

  /**
   * Band power summed per direction, [d * frames + f]: the beamformer's order, so the sum runs on
   * vector registers; turned to the maps' [f * directions + d] once per call.
   */
  private final float[] sums;

  /**
   * @param block FFT block length in samples (even)
   * @param bins FFT bins to sum, from {@link BeamformingMap#bins}
   * @param maxBlocks the most blocks one call to {@link #maps} takes
   */
  public BandPowerMapper(
      BeamSteering steering, double sampleRate, int block, int[] bins, int maxBlocks) {
    this.mics = steering.array().size();
    this.directions = steering.grid().size();
    this.block = block;
    this.bins = bins.clone();
    this.maxBlocks = maxBlocks;
    this.binScale = BeamformingMap.binScale(block);
    this.spectrum = new FrameSpectrum(block, 1.0);
    this.beamformer = new Beamformer(steering, sampleRate, block, maxBlocks);
    this.full = new float[2 * (block / 2) * mics * maxBlocks];
    this.selected = new float[2 * bins.length * mics * maxBlocks];
    this.sums = new float[directions * maxBlocks];
  }

  public int directions() {
    return directions;
  }

  public int maxBlocks() {
    return maxBlocks;
  }

  /**
   * Maps of {@code n} blocks that start at {@code first * hop}, {@code (first + 1) * hop}, ...
   *
   * @param channels one row per microphone
   * @return n x directions mean-square powers, row-major
   */
  public float[] maps(float[][] channels, int hop, int first, int n) {
    if (n < 1 || n > maxBlocks) {
      throw new IllegalArgumentException("between 1 and " + maxBlocks + " blocks, got " + n);
    }
    if (channels.length != mics) {
      throw new IllegalArgumentException(
          "audio has " + channels.length + " channels, the array has " + mics + " microphones");
    }
    long needed = (long) (first + n - 1) * hop + block;
    if (channels[0].length < needed) {
      throw new IllegalArgumentException(
          "audio holds " + channels[0].length + " samples; these blocks need " + needed);
    }
    float[] maps = new float[n * directions];
    int binStride = 2 * mics * n;
    for (int m = 0; m < mics; m++) {
      for (int f = 0; f < n; f++) {
        spectrum.complex(channels[m], (first + f) * hop, full, 2 * (m * n + f), binStride);
      }
    }
    for (int b = 0; b < bins.length; b++) {
      System.arraycopy(full, bins[b] * binStride, selected, b * binStride, binStride);
    }
    java.util.Arrays.fill(sums, 0, directions * n, 0f);
    beamformer.beamPowers(
        selected,
        n,
        bins,
        (bin, power, frames) -> {
          float scale = (float) (bin == 0 ? binScale / 2 : binScale);
          for (int i = 0; i < directions * frames; i++) {
            sums[i] += scale * power[i];
          }
        });
    for (int d = 0; d < directions; d++) {
      for (int f = 0; f < n; f++) {
        maps[f * directions + d] = sums[d * n + f];
      }
    }
    return maps;
  }

  @Override
  public void close() {
    beamformer.close();
  }
}
