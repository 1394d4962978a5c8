package ai.avloc.acoustics.beamforming;

/** Steering vector formulations (Sarradj 2012, as Acoular names them). */
public enum Steering {
  /** Delay-and-sum with equal weights 1/M: a source's level is right at the array centre. */
  CLASSIC,
  /**
   * Weights h/|h|^2 with h_m = (r0/r_m) e^{-jk(r_m - r0)}: a point source's level is right at the
   * reference point.
   */
  TRUE_LEVEL;

  public static Steering parse(String name) {
    return switch (name.toLowerCase().replace('_', '-')) {
      case "classic" -> CLASSIC;
      case "true-level" -> TRUE_LEVEL;
      default ->
          throw new IllegalArgumentException(
              "unknown steering '" + name + "', expected classic or true-level");
    };
  }
}
