package ai.avloc.alerts;

/**
 * One rule's state on one stream. Before the alert starts it is the run of consecutive counting
 * windows ending at the stream's last window; once started it is the active alert.
 */
final class RuleRun {
  /** First window of the counting run; the alert's startWindow once active. */
  long runStart;

  /** Counting windows in the run so far (only grows until the alert starts). */
  int runLength;

  /** Highest counting contrast since runStart. */
  float peakContrast;

  boolean active;

  /** Last counting window of the active alert. */
  long lastCounting;

  /** The rule's name as the alert last reported it, so an END after deletion still has it. */
  String ruleName = "";

  boolean isEmpty() {
    return !active && runLength == 0;
  }

  void reset() {
    runStart = 0;
    runLength = 0;
    peakContrast = 0;
    active = false;
    lastCounting = 0;
    ruleName = "";
  }
}
