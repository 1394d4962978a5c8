package ai.avloc.simulator;

import java.awt.Color;
import java.util.Objects;

/**
 * Something a camera sees: drawn by {@link SceneRenderer} in the shape its {@code label} names
 * ({@link ObjectShape#forLabel}), whether it sounds or not. A scene's sound sources become visual
 * objects with their class label as the label; silent objects (the synthetic dataset's distractors)
 * exist only here.
 *
 * @param label the class; a known class name selects a shape, anything else is drawn as a disc
 * @param trajectory where the object's centre is over time, camera frame, metres
 * @param size metres: the length, span or height the shape is scaled by (see {@link ObjectShape})
 * @param colour main colour
 * @param accent second colour (wheels, cones, clothes, details)
 * @param phase offset of the moving parts' cycles (rotors, wings, blades, legs), in cycles
 * @param mirrored drawn facing left instead of right
 */
public record VisualObject(
    String label,
    Trajectory trajectory,
    double size,
    Color colour,
    Color accent,
    double phase,
    boolean mirrored) {

  public VisualObject {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(trajectory, "trajectory");
    Objects.requireNonNull(colour, "colour");
    Objects.requireNonNull(accent, "accent");
    if (!(size > 0) || !Double.isFinite(size)) {
      throw new IllegalArgumentException("an object's size must be positive, got " + size);
    }
  }

  /** The shape it is drawn in. */
  public ObjectShape shape() {
    return ObjectShape.forLabel(label);
  }
}
