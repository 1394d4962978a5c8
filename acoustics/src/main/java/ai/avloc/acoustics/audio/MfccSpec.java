package ai.avloc.acoustics.audio;

import ai.avloc.schemas.ModelShapes;
import ai.avloc.schemas.WindowClock;

/**
 * The numbers of the paper's single-microphone MFCC (uvae-reference.md §1.1–1.2), in one place.
 *
 * <p>One analysis window is one video frame, one window of {@link WindowClock}: 1024 samples at
 * 12288 Hz, 12 windows per second, no overlap. Samples are in PCM16 integer scale (±32768), as the
 * reference feeds integer samples: the scale matters only through the 0.001 floor of the mel
 * powers.
 */
public final class MfccSpec {
  /** rfft gives 513 bins; the reference drops the Nyquist bin. */
  public static final int BINS = WindowClock.SAMPLES_PER_WINDOW / 2;

  public static final double TUKEY_ALPHA = 0.75;
  public static final int MEL_BANDS = 24;
  public static final double MEL_LOW_HZ = 0;
  public static final double MEL_HIGH_HZ = 6400;

  /** The reference's bank formula assumes 2 x 6400 Hz, not the true 12288 Hz (see §1.2 step 3). */
  public static final double BANK_SAMPLE_RATE = 2 * MEL_HIGH_HZ;

  public static final double MEL_FLOOR = 0.001;
  public static final int COEFFICIENTS = ModelShapes.COEFFICIENTS;
  public static final int LIFTER = 22;

  /** Full scale of the PCM16 samples the reference computes on. */
  public static final float PCM16_SCALE = 32768f;

  private MfccSpec() {}
}
