package ai.avloc.dashboard.view;

/**
 * One tile of the grid: what a camera is doing now.
 *
 * @param mode MONO or ARRAY from its latest localization; null before the first
 * @param health null for a camera without status records (a simulator, a replay)
 * @param lagMillis arrival of its latest localization minus the end of that window; null before the
 *     first
 */
public record CameraView(
    String streamId,
    String mode,
    String modelId,
    HealthView health,
    Long lastWindow,
    Long lastWindowStart,
    Long lagMillis,
    boolean silent,
    int activeAlerts,
    Long frameSequence) {}
