package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.array.MicArray;
import ai.avloc.acoustics.audio.TukeyWindow;

/**
 * Plain acoustic-camera maps: beam power per grid point at one frequency or summed over a band, per
 * Hann-windowed block or averaged over blocks with 50 % overlap (Welch), at the recording's own
 * sample rate.
 *
 * <p>Scale: 2|Y|^2 / (sum of window)^2 per bin, which reads as the mean square of a tone centred on
 * the bin (Pa^2 when the samples are pascals). {@link #toDecibels} turns it into a sound pressure
 * level re 20 uPa.
 */
public final class BeamformingMap {
  private static final int BATCH = 64;

  /** Longest FFT block a plain map takes (1.3 s at 51.2 kHz): keeps per-block spectra in memory. */
  public static final int MAX_BLOCK = 65_536;

  private BeamformingMap() {}

  /**
   * The bins a request covers: the bin nearest {@code lowHz} when {@code highHz} is NaN, else every
   * bin in [low, high].
   */
  public static int[] bins(double sampleRate, int block, double lowHz, double highHz) {
    if (block < 16 || block > MAX_BLOCK || block % 2 != 0) {
      throw new IllegalArgumentException(
          "FFT block must be even and within 16.." + MAX_BLOCK + " samples, got " + block);
    }
    double binHz = sampleRate / block;
    double nyquist = sampleRate / 2;
    if (!(lowHz > 0) || lowHz >= nyquist) {
      throw new IllegalArgumentException(
          String.format(
              "frequency %.1f Hz outside (0, %.1f) Hz, the Nyquist range of %.0f Hz audio",
              lowHz, nyquist, sampleRate));
    }
    // the spectra hold bins 0..block/2-1: the Nyquist bin itself is not kept
    int lastBin = block / 2 - 1;
    if (Double.isNaN(highHz)) {
      int bin = (int) Math.round(lowHz / binHz);
      if (bin > lastBin) {
        throw new IllegalArgumentException(
            String.format(
                "frequency %.1f Hz rounds to the Nyquist bin; the highest map frequency is %.1f Hz",
                lowHz, lastBin * binHz));
      }
      return new int[] {bin};
    }
    if (!(highHz > lowHz) || highHz > nyquist) {
      throw new IllegalArgumentException(
          String.format(
              "band %.1f:%.1f Hz must rise and stay below Nyquist %.1f Hz",
              lowHz, highHz, nyquist));
    }
    int lo = (int) Math.ceil(lowHz / binHz);
    int hi = Math.min(lastBin, (int) Math.floor(highHz / binHz));
    if (hi < lo) {
      throw new IllegalArgumentException(
          String.format(
              "band %.1f:%.1f Hz holds no FFT bin at %.2f Hz spacing; widen it or use --freq",
              lowHz, highHz, binHz));
    }
    return java.util.stream.IntStream.rangeClosed(lo, hi).toArray();
  }

  /**
   * The Welch-averaged map: Hann blocks with 50 % overlap over the whole recording.
   *
   * @param channels one row per microphone, all the same length
   * @param block FFT block length in samples (even)
   * @param bins FFT bins to sum, from {@link #bins}
   * @return the map, rows x cols row-major
   */
  public static float[] compute(
      BeamSteering steering, float[][] channels, double sampleRate, int block, int[] bins) {
    float[] maps = sequence(steering, channels, sampleRate, block, block / 2, bins);
    int directions = steering.grid().size();
    int blocks = maps.length / directions;
    double[] sum = new double[directions];
    for (int i = 0; i < maps.length; i++) {
      sum[i % directions] += maps[i];
    }
    float[] out = new float[directions];
    for (int d = 0; d < directions; d++) {
      out[d] = (float) (sum[d] / blocks);
    }
    return out;
  }

  /**
   * One map per block: blocks start every {@code hop} samples (a hop equal to the block gives one
   * map per 1/12 s frame at 12288 Hz with 1024-sample blocks).
   *
   * @return blocks x rows x cols, row-major
   */
  public static float[] sequence(
      BeamSteering steering,
      float[][] channels,
      double sampleRate,
      int block,
      int hop,
      int[] bins) {
    int length = checkRecording(steering.array(), channels, block);
    int blocks = 1 + (length - block) / hop;
    int directions = steering.grid().size();
    float[] maps = new float[blocks * directions];
    try (BandPowerMapper mapper =
        new BandPowerMapper(steering, sampleRate, block, bins, Math.min(BATCH, blocks))) {
      for (int done = 0; done < blocks; done += BATCH) {
        int n = Math.min(BATCH, blocks - done);
        float[] part = mapper.maps(channels, hop, done, n);
        System.arraycopy(part, 0, maps, done * directions, part.length);
      }
    }
    return maps;
  }

  /**
   * Checks that a recording fits the array and holds at least one block.
   *
   * @return samples per channel
   */
  static int checkRecording(MicArray array, float[][] channels, int block) {
    if (channels.length != array.size()) {
      throw new IllegalArgumentException(
          "audio has "
              + channels.length
              + " channels, the array has "
              + array.size()
              + " microphones");
    }
    int length = channels[0].length;
    if (length < block) {
      throw new IllegalArgumentException(
          "audio holds " + length + " samples, fewer than one block of " + block);
    }
    return length;
  }

  /**
   * 2 / (sum of the Hann window)^2: turns |Y|^2 of a bin into the mean square of a tone centred on
   * it.
   */
  static double binScale(int block) {
    double windowSum = java.util.Arrays.stream(TukeyWindow.symmetric(block, 1.0)).sum();
    return 2.0 / (windowSum * windowSum);
  }

  /** Sound pressure level in dB re (20 uPa)^2; zero power maps to -inf clamped at -350 dB. */
  public static float[] toDecibels(float[] meanSquare) {
    float[] db = new float[meanSquare.length];
    for (int i = 0; i < db.length; i++) {
      db[i] = (float) Math.max(-350, 10 * Math.log10(meanSquare[i] / 4e-10));
    }
    return db;
  }
}
