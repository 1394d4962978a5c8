package ai.avloc.acoustics.beamforming;

import ai.avloc.acoustics.audio.MfccSpec;
import ai.avloc.acoustics.audio.MultichannelAudio;
import ai.avloc.acoustics.energy.EnergyMap;
import ai.avloc.schemas.WindowClock;
import java.util.Objects;

/**
 * What an acoustic camera makes of one multichannel recording, given how its array is steered: a
 * plain map of beam power at a frequency or over a band, by delay-and-sum or functional
 * beamforming, as mean square or in dB; or the 36x48x12 acoustic images of its 1/12 s frames with
 * their mean energy map. {@code avloc beamform} draws these; any caller with a recording makes the
 * same maps here.
 */
public final class AcousticCamera {
  /** How a plain map turns the cross-spectral power into beam power. */
  public enum Method {
    /** Filter-and-sum, Welch-averaged ({@link BeamformingMap#compute}). */
    DELAY_AND_SUM,
    /** Functional beamforming ({@link FunctionalBeamforming}): sharper, for narrow bands. */
    FUNCTIONAL
  }

  /**
   * A plain map's request.
   *
   * @param lowHz the frequency, or the band's lower edge
   * @param highHz the band's upper edge; NaN for the one FFT bin nearest {@code lowHz}
   * @param block FFT block in samples, at the recording's own rate (Hann, 50 % overlap)
   * @param nu the exponent of functional beamforming; delay-and-sum does not read it
   * @param decibels sound pressure level re 20 uPa (samples read as pascals) instead of mean square
   */
  public record MapSettings(
      Method method, double lowHz, double highHz, int block, double nu, boolean decibels) {
    public MapSettings {
      Objects.requireNonNull(method, "method");
    }
  }

  /**
   * A recording's acoustic images.
   *
   * @param frames whole 1/12 s frames the recording holds at 12288 Hz; 0 when it is shorter than
   *     one, and then both arrays are empty
   * @param images frames x rows x cols x 12, row-major, each frame normalized to [0, 1]
   * @param meanEnergy rows x cols: the frames' energy maps averaged
   */
  public record Images(int frames, int rows, int cols, float[] images, float[] meanEnergy) {
    /** The shape of {@link #images}: frames, rows, cols, 12. */
    public int[] shape() {
      return new int[] {frames, rows, cols, MfccSpec.COEFFICIENTS};
    }
  }

  /** Frames the acoustic imager beamforms in one pass. */
  private static final int IMAGER_BATCH = 32;

  private AcousticCamera() {}

  /**
   * The plain map over the whole recording at its own sample rate.
   *
   * @return rows x cols of the steering's grid, row-major
   * @throws IllegalArgumentException when the band holds no FFT bin below Nyquist, the block is out
   *     of range, or the recording does not fit the array or holds less than one block
   */
  public static float[] plainMap(
      BeamSteering steering, MultichannelAudio audio, MapSettings settings) {
    int[] bins =
        BeamformingMap.bins(
            audio.sampleRate(), settings.block(), settings.lowHz(), settings.highHz());
    float[] map =
        switch (settings.method()) {
          case FUNCTIONAL ->
              FunctionalBeamforming.map(
                  steering,
                  audio.channels(),
                  audio.sampleRate(),
                  settings.block(),
                  bins,
                  settings.nu());
          case DELAY_AND_SUM ->
              BeamformingMap.compute(
                  steering, audio.channels(), audio.sampleRate(), settings.block(), bins);
        };
    return settings.decibels() ? BeamformingMap.toDecibels(map) : map;
  }

  /**
   * The acoustic images of every whole 1/12 s frame, the recording brought to 12288 Hz first, and
   * their mean energy map.
   */
  public static Images acousticImages(BeamSteering steering, MultichannelAudio audio) {
    float[][] channels = audio.modelRateChannels();
    int frames = channels[0].length / WindowClock.SAMPLES_PER_WINDOW;
    LookGrid grid = steering.grid();
    if (frames == 0) {
      return new Images(0, grid.rows(), grid.cols(), new float[0], new float[0]);
    }
    float[] images;
    // one recording at a time: its batches spread over the cores
    try (AcousticImager imager =
        new AcousticImager(steering, IMAGER_BATCH, Runtime.getRuntime().availableProcessors())) {
      images = imager.images(channels, 0, frames);
    }
    float[] energy = EnergyMap.of(images);
    int pixels = grid.size();
    float[] mean = new float[pixels];
    for (int i = 0; i < energy.length; i++) {
      mean[i % pixels] += energy[i] / frames;
    }
    return new Images(frames, grid.rows(), grid.cols(), images, mean);
  }
}
