package ai.avloc.dashboard.view;

/**
 * An alert as the review list shows it, folded from its START, UPDATE and END records.
 *
 * @param end null while active
 * @param where position of the strongest counting peak in the latest window that had one
 * @param peakWindow the window with the highest contrast: the snapshot's
 */
public record AlertView(
    String alertId,
    String ruleId,
    String ruleName,
    String streamId,
    boolean active,
    long start,
    Long end,
    double durationSeconds,
    Position where,
    float peakContrast,
    long peakWindow,
    boolean acknowledged,
    String acknowledgedBy,
    boolean snapshot) {}
