package ai.avloc.acoustics.array;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Named array geometries that ship with avloc, all in the camera frame of {@link MicArray} (plane z
 * = 0, centred on the camera) and all deterministic: the same name always gives an equal {@link
 * MicArray}.
 *
 * <p>Both layouts are sunflower (Vogel) spirals: point n sits at radius {@code R·sqrt((n + 0.5) /
 * N)} and angle {@code n·φ}, with φ the golden angle {@code π(3 − √5)} ≈ 137.5°. The points cover a
 * disc almost uniformly, but no two difference vectors repeat the way they do on a grid, so there
 * are no grating lobes: a uniform 4.5 cm grid aliases above c/(2d) ≈ 3.8 kHz, whereas the spiral
 * trades that for a raised but spread side-lobe floor ({@code acoustic-imaging.md}, "Spatial
 * aliasing"). Microphone index = order of n, which is also channel order.
 *
 * <p>Known limit: the innermost microphone of each spiral lies within a few centimetres of the
 * origin, where a real camera's lens would be. For simulation that does not matter; a physical
 * build would leave out a central disc.
 */
public final class BuiltinArrays {

  /** Golden angle in radians, π(3 − √5) ≈ 2.39996 (≈ 137.508°). */
  public static final double GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

  /** Side of the square DualCam-like array, metres. */
  public static final double DUALCAM_SIDE_M = 0.5;

  /** Microphones of the DualCam-like array. */
  public static final int DUALCAM_MICROPHONES = 128;

  /** Outer radius of the 64-microphone Vogel spiral, metres (1 m aperture). */
  public static final double VOGEL64_RADIUS_M = 0.5;

  private static final MicArray DUALCAM128 = buildDualcam128();
  private static final MicArray VOGEL64 = new MicArray("vogel64", sunflower(64, VOGEL64_RADIUS_M));

  private static final Map<String, MicArray> BY_NAME =
      Map.of("dualcam128", DUALCAM128, "vogel64", VOGEL64);
  private static final List<String> NAMES = List.of("dualcam128", "vogel64");

  private BuiltinArrays() {}

  /** The built-in names, in a fixed order: {@code dualcam128}, {@code vogel64}. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The built-in geometry with this name (case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown name; the message lists the known names
   */
  public static MicArray byName(String name) {
    MicArray array = name == null ? null : BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
    if (array == null) {
      throw new IllegalArgumentException(
          "unknown built-in array '" + name + "', known: " + String.join(", ", NAMES));
    }
    return array;
  }

  /**
   * A stand-in for DualCam's array: 128 microphones inside a 0.5 m x 0.5 m square in z = 0, centred
   * on the camera. DualCam's real layout was never published, so this is avloc's own choice, a
   * "square sunflower":
   *
   * <ol>
   *   <li>Start from the circle through the square's corners, R₀ = 0.25·√2 m.
   *   <li>N′ is the smallest point count (from 128 up) for which at least 128 of the spiral points
   *       {@code r_n = R₀·sqrt((n + 0.5)/N′)}, {@code θ_n = n·φ}, n = 0..N′−1, fall inside the
   *       square ({@code |x|, |y| ≤ 0.25}). It is N′ = 204 (no N′ gives exactly 128 at R₀; 203
   *       gives 127, 204 gives 130).
   *   <li>Point n stays inside exactly while R ≤ R_n = 0.25 / (sqrt((n + 0.5)/N′)·max(|cos θ_n|,
   *       |sin θ_n|)), so growing R pushes points out of the square one at a time. R is set to the
   *       midpoint of the 128th and 129th largest R_n, which leaves exactly 128 points inside (R ≈
   *       0.3542 m, a margin of ~0.07 mm on either side, far above rounding).
   *   <li>The points inside the square are kept in order of n.
   * </ol>
   *
   * <p>Result: spans about 0.494 m in x and 0.492 m in y, smallest spacing about 3.8 cm, centroid
   * about 3.4 mm from the origin (the spiral, not the centroid, is centred on the camera).
   */
  public static MicArray dualcam128() {
    return DUALCAM128;
  }

  /**
   * A 64-microphone Vogel spiral of radius 0.5 m in z = 0: {@code r_n = 0.5·sqrt((n + 0.5)/64)},
   * {@code θ_n = n·φ}, n = 0..63. Aperture about 0.976 m, smallest spacing about 9.7 cm.
   */
  public static MicArray vogel64() {
    return VOGEL64;
  }

  private static MicArray buildDualcam128() {
    double half = DUALCAM_SIDE_M / 2;
    int count = DUALCAM_MICROPHONES;
    double r0 = half * Math.sqrt(2);
    int total = count;
    while (insideCount(sunflower(total, r0), half) < count) {
      total++;
    }
    double[] critical = new double[total];
    for (int n = 0; n < total; n++) {
      double theta = n * GOLDEN_ANGLE;
      double rho = Math.sqrt((n + 0.5) / total);
      critical[n] = half / (rho * Math.max(Math.abs(Math.cos(theta)), Math.abs(Math.sin(theta))));
    }
    double[] sorted = critical.clone();
    Arrays.sort(sorted); // ascending: the k-th largest is sorted[total - k]
    double radius = 0.5 * (sorted[total - count] + sorted[total - count - 1]);
    double[][] all = sunflower(total, radius);
    double[][] kept = new double[count][];
    int k = 0;
    for (double[] p : all) {
      if (inside(p, half)) {
        if (k == count) {
          throw new IllegalStateException("square sunflower kept more than " + count + " points");
        }
        kept[k++] = p;
      }
    }
    if (k != count) {
      throw new IllegalStateException("square sunflower kept " + k + " points, expected " + count);
    }
    return new MicArray("dualcam128", kept);
  }

  /**
   * A sunflower of {@code total} points in z = 0 whose outermost point lies near {@code radius}.
   */
  private static double[][] sunflower(int total, double radius) {
    double[][] p = new double[total][];
    for (int n = 0; n < total; n++) {
      double r = radius * Math.sqrt((n + 0.5) / total);
      double theta = n * GOLDEN_ANGLE;
      p[n] = new double[] {r * Math.cos(theta), r * Math.sin(theta), 0.0};
    }
    return p;
  }

  private static int insideCount(double[][] points, double half) {
    int c = 0;
    for (double[] p : points) {
      if (inside(p, half)) {
        c++;
      }
    }
    return c;
  }

  private static boolean inside(double[] p, double half) {
    return Math.abs(p[0]) <= half && Math.abs(p[1]) <= half;
  }
}
