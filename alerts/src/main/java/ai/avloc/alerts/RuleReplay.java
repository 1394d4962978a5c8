package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts a set of rules would have raised over localizations already recorded, evaluated
 * offline with the alerts app's own lifecycle ({@link AlertLifecycle}): per stream and mode, in
 * window order; ANY rules see a stream's array lane as it stood at each window. Alerts still active
 * after the last window end as a stream that stopped sending would ({@link
 * AlertLifecycle#endQuiet}).
 */
public final class RuleReplay {
  private RuleReplay() {}

  /** The rules that compile, and why each of the others does not. */
  public record Rules(List<AlertRule> usable, List<String> invalid) {}

  /**
   * Validates {@code rules} as the alerts app does: a disabled rule is usable, it raises nothing.
   */
  public static Rules validate(List<AlertRule> rules) {
    List<AlertRule> usable = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (AlertRule rule : rules) {
      try {
        CompiledRule.of(rule);
        usable.add(rule);
      } catch (InvalidRuleException e) {
        invalid.add(e.getMessage());
      }
    }
    return new Rules(usable, invalid);
  }

  /** Every alert (START, UPDATE, END) {@code rules} raise over {@code localizations}. */
  public static List<Alert> alerts(List<AlertRule> rules, List<Localization> localizations) {
    List<CompiledRule> compiled = new ArrayList<>();
    for (AlertRule rule : validate(rules).usable()) {
      compiled.add(CompiledRule.of(rule));
    }
    List<Localization> ordered = new ArrayList<>(localizations);
    // within a window the array lane goes first, as its newest window decides ANY rules' mono lane
    ordered.sort(
        Comparator.comparing((Localization l) -> l.getStreamId())
            .thenComparingLong(Localization::getWindow)
            .thenComparing(l -> l.getMode() == LocalizationMode.ARRAY ? 0 : 1));
    Map<String, StreamAlerts> lanes = new HashMap<>();
    List<Alert> alerts = new ArrayList<>();
    for (Localization l : ordered) {
      String streamId = l.getStreamId();
      StreamAlerts lane =
          lanes.computeIfAbsent(
              AlertProcessor.laneKey(streamId, l.getMode()), k -> new StreamAlerts());
      if (lane.lastWindow != StreamAlerts.NONE && l.getWindow() <= lane.lastWindow) {
        continue; // a duplicate window: the app ignores it as well
      }
      long lastArrayWindow = StreamAlerts.NONE;
      if (l.getMode() != LocalizationMode.ARRAY) {
        StreamAlerts array = lanes.get(AlertProcessor.laneKey(streamId, LocalizationMode.ARRAY));
        lastArrayWindow = array == null ? StreamAlerts.NONE : array.lastWindow;
      }
      alerts.addAll(AlertLifecycle.advance(streamId, lane, l, compiled, lastArrayWindow));
    }
    lanes.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                alerts.addAll(
                    AlertLifecycle.endQuiet(
                        AlertProcessor.streamOf(e.getKey()), e.getValue(), compiled)));
    return alerts;
  }
}
