package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.audio.FrameSpectrum;
import ai.avloc.acoustics.audio.MelCepstrum;
import ai.avloc.acoustics.audio.MelFilterbank;
import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.schemas.WindowClock;

/**
 * {@link AcousticImager} as it was before the real-GEMM beamformer, on {@link CgemmBeamformer}: the
 * reference the new images are checked against.
 *
 * <p>Acoustic images: per 1/12 s frame of array audio at 12288 Hz, each grid point's beam power
 * spectrum goes through the mono MFCC's mel/log/DCT/lifter chain, giving rows x cols x 12, then the
 * whole volume is min-max normalized per frame as the reference loader does for ACIVW targets.
 *
 * <p>The beam power is |Y|^2 of the same Tukey-windowed 1024-point FFT as the mono MFCC, with the
 * steering's 1/M normalization, so a direction's spectrum has the scale of a single microphone's
 * and the 0.001 floor means the same thing in both. Not thread safe.
 */
final class CgemmAcousticImager implements AutoCloseable {
  private final CgemmBeamformer beamformer;
  private final FrameSpectrum spectrum = new FrameSpectrum();
  private final MelFilterbank bank = MelFilterbank.paper();
  private final int directions;
  private final int mics;
  private final int batch;
  private final int[] bins;
  private final float[] spectra;

  /** mel[band][d * frames + f]: contiguous in the order the beamformer hands powers over. */
  private final double[][] mel;

  private final double[] bandPower = new double[MfccSpec.MEL_BANDS];

  CgemmAcousticImager(BeamSteering steering, int batch) {
    this.beamformer =
        new CgemmBeamformer(
            steering, WindowClock.SAMPLE_RATE, WindowClock.SAMPLES_PER_WINDOW, batch);
    this.directions = steering.grid().size();
    this.mics = steering.array().size();
    this.batch = batch;
    this.bins = usedBins(bank);
    this.spectra = new float[2 * MfccSpec.BINS * mics * batch];
    this.mel = new double[MfccSpec.MEL_BANDS][directions * batch];
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

  private void imagesOfBatch(
      float[][] channels, int start, int frames, float[] out, int outOffset) {
    int binStride = 2 * mics * frames;
    for (int m = 0; m < mics; m++) {
      for (int f = 0; f < frames; f++) {
        spectrum.complex(
            channels[m],
            start + f * WindowClock.SAMPLES_PER_WINDOW,
            spectra,
            2 * (m * frames + f),
            binStride);
      }
    }
    for (double[] band : mel) {
      java.util.Arrays.fill(band, 0, directions * frames, 0);
    }
    // the used bins are contiguous (1..510 for the paper's bank), so their spectra start at block
    // bins[0]
    beamformer.beamPowers(
        spectra,
        bins[0] * binStride,
        frames,
        bins,
        (bin, power, n) -> accumulateMel(bin, power, n));
    for (int f = 0; f < frames; f++) {
      int imageOffset = outOffset + f * imageSize();
      for (int d = 0; d < directions; d++) {
        for (int band = 0; band < MfccSpec.MEL_BANDS; band++) {
          bandPower[band] = mel[band][d * frames + f];
        }
        MelCepstrum.melPowerToMfcc(bandPower, out, imageOffset + d * MfccSpec.COEFFICIENTS);
      }
      MelCepstrum.minMaxNormalize(out, imageOffset, imageSize());
    }
  }

  private void accumulateMel(int bin, float[] power, int frames) {
    for (int band = 0; band < MfccSpec.MEL_BANDS; band++) {
      double w = bank.weight(band, bin);
      if (w == 0) {
        continue;
      }
      double[] sums = mel[band];
      for (int i = 0; i < directions * frames; i++) {
        sums[i] += w * power[i];
      }
    }
  }

  @Override
  public void close() {
    beamformer.close();
  }
}
