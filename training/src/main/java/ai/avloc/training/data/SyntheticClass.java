package ai.avloc.training.data;

import ai.avloc.simulator.ObjectShape;
import ai.avloc.simulator.SoundSignature;
import java.awt.Color;
import java.util.Locale;
import java.util.Random;

/**
 * The classes of the synthetic dataset: what each looks like (an {@link ObjectShape}, a size range,
 * colours), where it appears (distance range, in the air or on the ground, how fast it may move)
 * and what it sounds like ({@link SoundSignature#of}). The id is the ordinal, the value of the
 * {@code classes} label; {@link #NOISE_ONLY_ID} labels seconds where nothing sounds.
 */
public enum SyntheticClass {
  DRONE(ObjectShape.DRONE, 0.5, 1.1, 3, 12, true, 1.5, 0.1, 0.4),
  CAR(ObjectShape.CAR, 3.8, 4.8, 6, 15, false, 3, 0.2, 0.6),
  BIRD(ObjectShape.BIRD, 0.5, 1.1, 3, 10, true, 2, 0.05, 0.2),
  LOUDSPEAKER(ObjectShape.LOUDSPEAKER, 0.6, 1.3, 3, 10, false, 0, 0.1, 0.5),
  FAN(ObjectShape.FAN, 0.6, 1.3, 3, 10, false, 0, 0.05, 0.25),
  SIREN(ObjectShape.SIREN, 0.4, 0.9, 3, 9, false, 0, 0.2, 0.6),
  DOG(ObjectShape.DOG, 0.6, 1.1, 3, 11, false, 1.2, 0.1, 0.4),
  PERSON(ObjectShape.PERSON, 1.55, 1.95, 3, 15, false, 1.2, 0.05, 0.25),
  BOAT(ObjectShape.BOAT, 4, 7, 8, 15, false, 1.5, 0.2, 0.6),
  MOTORBIKE(ObjectShape.MOTORBIKE, 1.9, 2.3, 4, 15, false, 3, 0.2, 0.6);

  /** The {@code classes} label of a second in which no object sounds (noise only). */
  public static final int NOISE_ONLY_ID = values().length;

  /** The name of {@link #NOISE_ONLY_ID} in the dataset card. */
  public static final String NOISE_ONLY_NAME = "noise_only";

  private final ObjectShape shape;
  private final double minSize;
  private final double maxSize;
  private final double minDistance;
  private final double maxDistance;
  private final boolean airborne;
  private final double maxSpeed;
  private final double minRms;
  private final double maxRms;

  SyntheticClass(
      ObjectShape shape,
      double minSize,
      double maxSize,
      double minDistance,
      double maxDistance,
      boolean airborne,
      double maxSpeed,
      double minRms,
      double maxRms) {
    this.shape = shape;
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.minDistance = minDistance;
    this.maxDistance = maxDistance;
    this.airborne = airborne;
    this.maxSpeed = maxSpeed;
    this.minRms = minRms;
    this.maxRms = maxRms;
  }

  /** The {@code classes} label. */
  public int id() {
    return ordinal();
  }

  /** The lower-case name, also the scene label that selects the shape ({@code "drone"}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public ObjectShape shape() {
    return shape;
  }

  /** Size in metres (the shape's length, span or height), uniform in a class range. */
  public double randomSize(Random random) {
    return minSize + (maxSize - minSize) * random.nextDouble();
  }

  /** Distance from the camera in metres, uniform in a class range within 3..15 m. */
  public double randomDistance(Random random) {
    return minDistance + (maxDistance - minDistance) * random.nextDouble();
  }

  /** Flying objects are placed higher in the image, ground objects lower. */
  public boolean airborne() {
    return airborne;
  }

  /** Fastest speed of its straight-line motion, m/s; 0 for objects that stand still. */
  public double maxSpeed() {
    return maxSpeed;
  }

  /** RMS sound pressure at 1 m in Pa, log-uniform in a class range. */
  public double randomRms(Random random) {
    return minRms * Math.pow(maxRms / minRms, random.nextDouble());
  }

  /** A main colour and an accent colour typical of the class. */
  public Color[] randomColours(Random random) {
    float h = random.nextFloat();
    return switch (this) {
      case DRONE -> {
        float v =
            random.nextBoolean()
                ? 0.15f + 0.2f * random.nextFloat()
                : 0.8f + 0.2f * random.nextFloat();
        Color main = Color.getHSBColor(h, 0.1f * random.nextFloat(), v);
        yield new Color[] {main, Color.getHSBColor(h, 0.1f, 0.35f)};
      }
      case CAR, MOTORBIKE, FAN -> {
        Color main =
            Color.getHSBColor(
                h, 0.3f + 0.6f * random.nextFloat(), 0.4f + 0.6f * random.nextFloat());
        yield new Color[] {main, Color.getHSBColor(h, 0.05f, 0.2f + 0.6f * random.nextFloat())};
      }
      case BIRD, DOG -> {
        // browns, greys, black and white
        float s = 0.2f + 0.5f * random.nextFloat();
        float v = 0.15f + 0.8f * random.nextFloat();
        float hue = 0.05f + 0.07f * random.nextFloat();
        Color main = Color.getHSBColor(hue, random.nextInt(4) == 0 ? 0 : s, v);
        yield new Color[] {main, Color.getHSBColor(hue, s, Math.min(1, v + 0.3f))};
      }
      case LOUDSPEAKER -> {
        Color main =
            random.nextInt(3) == 0
                ? Color.getHSBColor(h, 0.5f, 0.6f)
                : Color.getHSBColor(h, 0.05f, 0.1f + 0.25f * random.nextFloat());
        yield new Color[] {main, Color.getHSBColor(h, 0.05f, 0.3f + 0.3f * random.nextFloat())};
      }
      case SIREN -> {
        float[] hues = {0f, 0.62f, 0.1f};
        Color main = Color.getHSBColor(hues[random.nextInt(3)], 0.85f, 0.95f);
        yield new Color[] {main, Color.getHSBColor(h, 0.05f, 0.2f + 0.2f * random.nextFloat())};
      }
      case PERSON -> {
        Color shirt =
            Color.getHSBColor(
                h, 0.2f + 0.7f * random.nextFloat(), 0.3f + 0.7f * random.nextFloat());
        Color trousers =
            Color.getHSBColor(
                0.6f + 0.1f * random.nextFloat(),
                0.2f + 0.5f * random.nextFloat(),
                0.15f + 0.4f * random.nextFloat());
        yield new Color[] {shirt, trousers};
      }
      case BOAT -> {
        Color hull =
            random.nextBoolean()
                ? Color.getHSBColor(h, 0.05f, 0.9f)
                : Color.getHSBColor(h, 0.6f, 0.5f + 0.4f * random.nextFloat());
        yield new Color[] {hull, Color.getHSBColor(random.nextFloat(), 0.7f, 0.7f)};
      }
    };
  }

  /** The class of an id, or null for {@link #NOISE_ONLY_ID}. */
  public static SyntheticClass ofId(int id) {
    if (id == NOISE_ONLY_ID) {
      return null;
    }
    return values()[id];
  }

  /** The name of a label id, {@link #NOISE_ONLY_NAME} for noise only. */
  public static String nameOf(int id) {
    return id == NOISE_ONLY_ID ? NOISE_ONLY_NAME : values()[id].label();
  }
}
