package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.audio.FrameSpectrum;

/**
 * Band-power maps of successive blocks of an array recording: per block, a Hann-windowed FFT of
 * every microphone, the beamformer's power per direction in each selected bin, summed over the band
 * and scaled to mean square. Holds its beamformer, so a stream of blocks pays the steering set-up
 * once.
 *
 * <p>A mapper with a bin stride K ({@link #ofBand}) samples the band every K-th bin of the block's
 * spectrum: it cuts each block into K Hann sub-frames of block/K samples, whose spectra have bins K
 * times apart, and averages their band powers. The beamformer's cost per batch (rotating and
 * reading every bin's steering weights) falls K times; its products per block stay the same (K
 * sub-frames times 1/K of the bins).
 */
public final class BandPowerMapper implements AutoCloseable {
  private final int mics;
  private final int directions;
  private final int block;

  /** Sub-frames per block (the bin stride) and their length. */
  private final int subFrames;

  private final int subBlock;
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
    this(steering, sampleRate, block, 1, bins, maxBlocks);
  }

  private BandPowerMapper(
      BeamSteering steering,
      double sampleRate,
      int block,
      int subFrames,
      int[] bins,
      int maxBlocks) {
    this.mics = steering.array().size();
    this.directions = steering.grid().size();
    this.block = block;
    this.subFrames = subFrames;
    this.subBlock = block / subFrames;
    this.bins = bins.clone();
    this.maxBlocks = maxBlocks;
    int frames = maxBlocks * subFrames;
    this.binScale = BeamformingMap.binScale(subBlock);
    this.spectrum = new FrameSpectrum(subBlock, 1.0);
    this.beamformer = new Beamformer(steering, sampleRate, subBlock, frames);
    this.full = new float[2 * (subBlock / 2) * mics * frames];
    this.selected = new float[2 * bins.length * mics * frames];
    this.sums = new float[directions * frames];
  }

  /**
   * A mapper of the band [lowHz, highHz] that sums every {@code binStride}-th bin of the block's
   * spectrum; stride 1 sums every bin, as the constructor with {@link BeamformingMap#bins} does.
   *
   * <p>Why sub-frames and not every K-th bin of the block's own FFT: a tone's Hann main lobe spans
   * four bins, so keeping every other bin (times 2) counts a tone at 4/3 of its power on a kept bin
   * and 2/3 between two, enough to swap which of two tones peaks. A sub-frame of block/K samples
   * has bins K apart, and its band sum keeps every tone's and noise's power whatever its frequency
   * (Parseval per sub-frame); the maps differ from the exact ones only as two estimates of the same
   * stationary spectrum from different time weightings of the block. One sub-frame at the block's
   * centre would halve the products too and lies closer still to the exact map (Hann weighs the
   * block's centre most), but it leaves samples out: on simulated noise its maps varied from window
   * to window up to 1.4 (K = 2) and 3 (K = 4) times as much as the exact ones, where K averaged
   * sub-frames vary as much as the exact maps do.
   *
   * @param block FFT block length in samples; {@code binStride} must divide it into even sub-frames
   *     of at least 16 samples
   * @param binStride 1 (every bin), 2, 4, ...
   */
  public static BandPowerMapper ofBand(
      BeamSteering steering,
      double sampleRate,
      int block,
      double lowHz,
      double highHz,
      int binStride,
      int maxBlocks) {
    if (binStride < 1 || block % binStride != 0 || (block / binStride) % 2 != 0) {
      throw new IllegalArgumentException(
          "bin stride must divide the block of "
              + block
              + " samples into even sub-frames, got "
              + binStride);
    }
    int subBlock = block / binStride;
    return new BandPowerMapper(
        steering,
        sampleRate,
        block,
        binStride,
        BeamformingMap.bins(sampleRate, subBlock, lowHz, highHz),
        maxBlocks);
  }

  public int directions() {
    return directions;
  }

  public int maxBlocks() {
    return maxBlocks;
  }

  /** Bins of the block's spectrum between two summed bins: 1 sums every bin. */
  public int binStride() {
    return subFrames;
  }

  /** Bins summed per sub-frame. */
  public int bins() {
    return bins.length;
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
    // sub-frame s of block f is frame f * subFrames + s of the beamformer's batch
    int frames = n * subFrames;
    int binBlock = 2 * mics * frames;
    for (int m = 0; m < mics; m++) {
      for (int f = 0; f < frames; f++) {
        int start = (first + f / subFrames) * hop + (f % subFrames) * subBlock;
        spectrum.complex(channels[m], start, full, 2 * (m * frames + f), binBlock);
      }
    }
    for (int b = 0; b < bins.length; b++) {
      System.arraycopy(full, bins[b] * binBlock, selected, b * binBlock, binBlock);
    }
    java.util.Arrays.fill(sums, 0, directions * frames, 0f);
    beamformer.beamPowers(
        selected,
        frames,
        bins,
        (bin, power, batch) -> {
          float scale = (float) (bin == 0 ? binScale / 2 : binScale);
          for (int i = 0; i < directions * batch; i++) {
            sums[i] += scale * power[i];
          }
        });
    if (subFrames == 1) {
      for (int d = 0; d < directions; d++) {
        for (int f = 0; f < n; f++) {
          maps[f * directions + d] = sums[d * n + f];
        }
      }
      return maps;
    }
    for (int d = 0; d < directions; d++) {
      for (int f = 0; f < n; f++) {
        float sum = 0f;
        for (int s = 0; s < subFrames; s++) {
          sum += sums[d * frames + f * subFrames + s];
        }
        maps[f * directions + d] = sum / subFrames;
      }
    }
    return maps;
  }

  @Override
  public void close() {
    beamformer.close();
  }
}
