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
 * <p>Two are avloc's own simulation layouts ({@code dualcam128}, {@code vogel64}); three are common
 * USB arrays, with their published positions ({@code respeaker4}, {@code respeaker6}, {@code
 * uma16}). A hardware array's microphone index is the order of the positions in the source named on
 * its method, which is the order a channel map in {@code cameras.yaml} maps device channels to.
 *
 * <p>The two simulation layouts are sunflower (Vogel) spirals: point n sits at radius {@code
 * R·sqrt((n + 0.5) / N)} and angle {@code n·φ}, with φ the golden angle {@code π(3 − √5)} ≈ 137.5°.
 * The points cover a disc almost uniformly, but no two difference vectors repeat the way they do on
 * a grid, so there are no grating lobes: a uniform 4.5 cm grid aliases above c/(2d) ≈ 3.8 kHz,
 * whereas the spiral trades that for a raised but spread side-lobe floor ({@code
 * acoustic-imaging.md}, "Spatial aliasing"). Microphone index = order of n, which is also channel
 * order.
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

  /** Radius of the ReSpeaker USB Mic Array v2.0's square of 4 microphones, metres. */
  public static final double RESPEAKER4_RADIUS_M = 0.032;

  /** Radius of the ReSpeaker 6-Mic Circular Array's hexagon of microphones, metres. */
  public static final double RESPEAKER6_RADIUS_M = 0.0463;

  /** Pitch of the miniDSP UMA-16's 4x4 grid, metres. */
  public static final double UMA16_PITCH_M = 0.042;

  private static final MicArray RESPEAKER4 = buildRespeaker4();
  private static final MicArray RESPEAKER6 = buildRespeaker6();
  private static final MicArray UMA16 = buildUma16();

  private static final Map<String, MicArray> BY_NAME =
      Map.of(
          "dualcam128",
          DUALCAM128,
          "vogel64",
          VOGEL64,
          "respeaker4",
          RESPEAKER4,
          "respeaker6",
          RESPEAKER6,
          "uma16",
          UMA16);
  private static final List<String> NAMES =
      List.of("dualcam128", "vogel64", "respeaker4", "respeaker6", "uma16");

  private BuiltinArrays() {}

  /**
   * The built-in names, in a fixed order: {@code dualcam128}, {@code vogel64}, {@code respeaker4},
   * {@code respeaker6}, {@code uma16}.
   */
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

  /**
   * The ReSpeaker USB Mic Array v2.0 (4 microphones, XMOS XVF-3000): a square of 4 microphones on a
   * circle of radius {@value #RESPEAKER4_RADIUS_M} m (45.3 mm between neighbours, 64 mm across).
   * Microphone m = 0..3 sits at (−r, 0), (0, −r), (r, 0), (0, r): the order and positions of ODAS's
   * configuration for this array, {@code config/odaslive/respeaker_usb_4_mic_array.cfg} in
   * github.com/introlab/odas, whose map takes the raw microphones from device channels 1..4 of the
   * 6-channel firmware (channel 0 is the processed beam, 5 the playback loop), so the channel map
   * is {@code [1, 2, 3, 4]}. Board frame as ODAS gives it, with the microphones facing the scene
   * (+z) and ODAS's +x to the right of the image.
   */
  public static MicArray respeaker4() {
    return RESPEAKER4;
  }

  /**
   * The ReSpeaker 6-Mic Circular Array (for Raspberry Pi): 6 microphones on a hexagon of radius
   * {@value #RESPEAKER6_RADIUS_M} m (neighbours 46.3 mm apart, 92.6 mm across). Microphone m = 0..5
   * sits at angle 120° + 60°·m from +x (120°, 180°, 240°, 300°, 0°, 60°): the order and positions,
   * to 0.1 mm, of ODAS's {@code config/odaslive/respeaker_6_mic_array.cfg} in
   * github.com/introlab/odas ("Circular shape, R = 0.0463m"), whose map takes them from channels
   * 1..6 of the 8-channel capture. Board frame as ODAS gives it, microphones facing the scene (+z).
   */
  public static MicArray respeaker6() {
    return RESPEAKER6;
  }

  /**
   * The miniDSP UMA-16 (v2): a 4x4 uniform rectangular array with a {@value #UMA16_PITCH_M} m
   * pitch, spanning 126 mm per side (178 mm diagonal), centred on the board. Positions and channel
   * order are Acoular's {@code acoular/xml/minidsp_uma-16.xml} (github.com/acoular/acoular), the
   * file corrected in x after Acoular issue #63 so that the map is seen from the array towards the
   * sources, as a camera sees: channel 0 at (21, −63) mm, channel 1 at (63, −63) mm, then pairs
   * going down the image in y, channels 8..15 mirrored on the −x half.
   */
  public static MicArray uma16() {
    return UMA16;
  }

  private static MicArray buildRespeaker4() {
    double r = RESPEAKER4_RADIUS_M;
    return new MicArray(
        "respeaker4", new double[][] {{-r, 0, 0}, {0, -r, 0}, {r, 0, 0}, {0, r, 0}});
  }

  private static MicArray buildRespeaker6() {
    double[][] p = new double[6][];
    for (int m = 0; m < 6; m++) {
      double angle = Math.toRadians(120 + 60 * m);
      p[m] =
          new double[] {
            RESPEAKER6_RADIUS_M * Math.cos(angle), RESPEAKER6_RADIUS_M * Math.sin(angle), 0
          };
    }
    return new MicArray("respeaker6", p);
  }

  private static MicArray buildUma16() {
    // grid units of one pitch, each odd so the grid is centred: ±1 = ±21 mm, ±3 = ±63 mm
    int[][] units = {
      {1, -3}, {3, -3}, {1, -1}, {3, -1}, {1, 1}, {3, 1}, {1, 3}, {3, 3},
      {-3, 3}, {-1, 3}, {-3, 1}, {-1, 1}, {-3, -1}, {-1, -1}, {-3, -3}, {-1, -3}
    };
    double half = UMA16_PITCH_M / 2;
    double[][] p = new double[units.length][];
    for (int m = 0; m < units.length; m++) {
      p[m] = new double[] {units[m][0] * half, units[m][1] * half, 0};
    }
    return new MicArray("uma16", p);
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
