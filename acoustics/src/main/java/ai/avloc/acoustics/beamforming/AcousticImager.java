package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.audio.FrameSpectrum;
import ai.avloc.acoustics.audio.MelCepstrum;
import ai.avloc.acoustics.audio.MelFilterbank;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.schemas.WindowClock;

/**
 * Acoustic images: per 1/12 s frame of array audio at 12288 Hz, each grid point's beam power
 * spectrum goes through the mono MFCC's mel/log/DCT/lifter chain, giving rows x cols x 12, then the
 * whole volume is min-max normalized per frame as the reference loader does for ACIVW targets.
 *
 * <p>The beam power is |Y|^2 of the same Tukey-windowed 1024-point FFT as the mono MFCC, with the
 * steering's 1/M normalization, so a direction's spectrum has the scale of a single microphone's
 * and the 0.001 floor means the same thing in both. Not thread safe; an imager with several threads
 * spreads each batch over them (the beamformer's parts, {@link Beamformer}).
 */
public final class AcousticImager implements AutoCloseable {
  private final Beamformer beamformer;
  private final FrameSpectrum[] spectrum;

  /**
   * Per thread, a batch of frames' spectra before they are spread over the bins: rows padded past
   * 1024 floats so that the same bin of successive frames does not fall in one L1 cache set.
   */
  private final float[][] frameSpectra;

  private static final int FRAME_STRIDE = 2 * MfccSpec.BINS + 16;
  private final MelFilterbank bank = MelFilterbank.paper();
  private final int directions;
  private final int mics;
  private final int batch;
  private final int[] bins;
  private final float[] spectra;

  /**
   * mel[band][d * frames + f]: contiguous in the order the beamformer hands powers over. Float: a
   * bin's powers are float already, and float sums of them run on vector registers where
   * float-to-double ones do not (the images stay within 1e-5 of double sums).
   */
  private final float[][] mel;

  /** Per bin: the mel bands it feeds and their weights. */
  private final int[][] bandsOfBin;

  private final float[][] weightsOfBin;
  private final double[][] bandPower;

  /** One thread: for callers that run several imagers at once. */
  public AcousticImager(BeamSteering steering, int batch) {
    this(steering, batch, 1);
  }

  /**
   * @param threads threads that share each batch's work, the FFTs and the mel chain as well as the
   *     products (the cores, for one imager alone)
   */
  public AcousticImager(BeamSteering steering, int batch, int threads) {
    this.beamformer =
        new Beamformer(
            steering, WindowClock.SAMPLE_RATE, WindowClock.SAMPLES_PER_WINDOW, batch, threads);
    int parts = beamformer.parts();
    this.spectrum = new FrameSpectrum[parts];
    this.frameSpectra = new float[parts][batch * FRAME_STRIDE];
    this.bandPower = new double[parts][MfccSpec.MEL_BANDS];
    for (int p = 0; p < parts; p++) {
      spectrum[p] = new FrameSpectrum();
    }
    this.bandsOfBin = new int[bank.bins()][];
    this.weightsOfBin = new float[bank.bins()][];
    for (int k = 0; k < bank.bins(); k++) {
      int bin = k;
      bandsOfBin[k] =
          java.util.stream.IntStream.range(0, bank.bands())
              .filter(b -> bank.weight(b, bin) != 0)
              .toArray();
      weightsOfBin[k] = new float[bandsOfBin[k].length];
      for (int j = 0; j < bandsOfBin[k].length; j++) {
        weightsOfBin[k][j] = (float) bank.weight(bandsOfBin[k][j], bin);
      }
    }
    this.directions = steering.grid().size();
    this.mics = steering.array().size();
    this.batch = batch;
    this.bins = usedBins(bank);
    this.spectra = new float[2 * MfccSpec.BINS * mics * batch];
    this.mel = new float[MfccSpec.MEL_BANDS][directions * batch];
  }

  /** Bins with a non-zero weight in some mel band (bins 1..510 for the paper's bank). */
  private static int[] usedBins(MelFilterbank bank) {
    int[] bins =
        java.util.stream.IntStream.range(0, bank.bins())
            .filter(
                k ->
                    java.util.stream.IntStream.range(0, bank.bands())
                        .anyMatch(b -> bank.weight(b, k) > 0))
            .toArray();
    if (bins[bins.length - 1] - bins[0] != bins.length - 1) {
      throw new IllegalStateException(
          "the mel bank's bins must be contiguous to be beamformed in one pass");
    }
    return bins;
  }

  public int directions() {
    return directions;
  }

  /** Values per image: directions x 12. */
  public int imageSize() {
    return directions * MfccSpec.COEFFICIENTS;
  }

  /**
   * Acoustic images of {@code frames} consecutive 1024-sample frames starting at sample {@code
   * start} of every channel.
   *
   * @param channels array audio at 12288 Hz, PCM16 scale, one row per microphone
   * @return frames x directions x 12, row-major, each frame normalized to [0, 1]
   */
  public float[] images(float[][] channels, int start, int frames) {
    if (channels.length != mics) {
      throw new IllegalArgumentException(
          "audio has " + channels.length + " channels, the array has " + mics + " microphones");
    }
    float[] out = new float[frames * imageSize()];
    for (int done = 0; done < frames; done += batch) {
      int n = Math.min(batch, frames - done);
      imagesOfBatch(
          channels, start + done * WindowClock.SAMPLES_PER_WINDOW, n, out, done * imageSize());
    }
    return out;
  }

  /**
   * The windowed spectra of {@code frames} (at most the batch) consecutive frames from sample
   * {@code start}, as {@link #images} beamforms them: bin k of microphone m in frame f at {@code
   * out[2 * ((k * mics + m) * frames + f)]}, bins 0..511, interleaved (re, im). Each thread
   * transforms its microphones' frames into rows of its own, then spreads them over the bins, so
   * the writes run along {@code out} instead of one bin apart.
   */
  public void spectra(float[][] channels, int start, int frames, float[] out) {
    if (frames < 1 || frames > batch) {
      throw new IllegalArgumentException("between 1 and " + batch + " frames, got " + frames);
    }
    int binStride = 2 * mics * frames;
    beamformer.forEachPart(
        mics,
        (part, first, end) -> {
          float[] rows = frameSpectra[part];
          for (int m = first; m < end; m++) {
            for (int f = 0; f < frames; f++) {
              spectrum[part].complex(
                  channels[m],
                  start + f * WindowClock.SAMPLES_PER_WINDOW,
                  rows,
                  f * FRAME_STRIDE,
                  2);
            }
            int base = 2 * m * frames;
            for (int k = 0; k < MfccSpec.BINS; k++) {
              int at = k * binStride + base;
              for (int f = 0; f < frames; f++) {
                out[at + 2 * f] = rows[f * FRAME_STRIDE + 2 * k];
                out[at + 2 * f + 1] = rows[f * FRAME_STRIDE + 2 * k + 1];
              }
            }
          }
        });
  }

  private void imagesOfBatch(
      float[][] channels, int start, int frames, float[] out, int outOffset) {
    int binStride = 2 * mics * frames;
    spectra(channels, start, frames, spectra);
    for (float[] band : mel) {
      java.util.Arrays.fill(band, 0, directions * frames, 0f);
    }
    // the used bins are contiguous (1..510 for the paper's bank), so their spectra start at block
    // bins[0]; each part accumulates the mel bands of its own directions
    beamformer.beamPowers(
        spectra,
        bins[0] * binStride,
        frames,
        bins,
        (bin, first, count, power, n) -> accumulateMel(bin, first, count, power, n));
    beamformer.forEachPart(
        directions,
        (part, first, end) -> {
          double[] bands = bandPower[part];
          for (int f = 0; f < frames; f++) {
            int imageOffset = outOffset + f * imageSize();
            for (int d = first; d < end; d++) {
              for (int band = 0; band < MfccSpec.MEL_BANDS; band++) {
                bands[band] = mel[band][d * frames + f];
              }
              MelCepstrum.melPowerToMfcc(bands, out, imageOffset + d * MfccSpec.COEFFICIENTS);
            }
          }
        });
    for (int f = 0; f < frames; f++) {
      MelCepstrum.minMaxNormalize(out, outOffset + f * imageSize(), imageSize());
    }
  }

  /** Adds one bin's powers of directions first..first+count-1 into their mel bands. */
  private void accumulateMel(int bin, int first, int count, float[] power, int frames) {
    int[] bands = bandsOfBin[bin];
    float[] weights = weightsOfBin[bin];
    int from = first * frames;
    int n = count * frames;
    for (int j = 0; j < bands.length; j++) {
      float w = weights[j];
      float[] sums = mel[bands[j]];
      for (int i = 0; i < n; i++) {
        sums[from + i] += w * power[i];
      }
    }
  }

  @Override
  public void close() {
    beamformer.close();
  }
}
