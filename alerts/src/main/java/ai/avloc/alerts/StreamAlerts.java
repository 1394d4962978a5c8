package ai.avloc.alerts;

import java.util.Map;
import java.util.TreeMap;

/** All alert state of one stream: its last window and each rule's run, by rule id. */
final class StreamAlerts {
  /** No window seen yet. */
  static final long NONE = Long.MIN_VALUE;

  long lastWindow = NONE;

  /** Sorted, so alerts of one window come out in rule id order. */
  final Map<String, RuleRun> runs = new TreeMap<>();
}
