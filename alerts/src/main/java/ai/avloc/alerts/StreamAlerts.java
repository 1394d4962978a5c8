package ai.avloc.alerts;

import java.util.Map;
import java.util.TreeMap;

/**
 * All alert state of one lane (a stream's localizations of one mode): its last window, when it was
 * last seen, and each rule's run, by rule id.
 */
final class StreamAlerts {
  /** No window seen yet. */
  static final long NONE = Long.MIN_VALUE;

  long lastWindow = NONE;

  /** Wall-clock time the app last received a window of this lane, ms; 0 when not known. */
  long lastSeenMillis;

  boolean hasActiveAlert() {
    return runs.values().stream().anyMatch(r -> r.active);
  }

  /** Sorted, so alerts of one window come out in rule id order. */
  final Map<String, RuleRun> runs = new TreeMap<>();
}
