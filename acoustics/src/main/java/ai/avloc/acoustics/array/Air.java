package ai.avloc.acoustics.array;

/** The medium sound travels through, for steering, delays and simulation. */
public final class Air {
  /** Speed of sound in m/s, in air at about 20 °C (what Acoular and the paper's setup assume). */
  public static final double SPEED_OF_SOUND = 343.0;

  private Air() {}
}
