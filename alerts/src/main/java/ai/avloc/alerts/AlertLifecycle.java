package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.SourcePeak;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The alert lifecycle of every rule on one stream, advanced one window at a time. Pure: the
 * processor feeds it windows in increasing order and stores the state it leaves.
 *
 * <ul>
 *   <li>START on the minDurationWindows-th consecutive counting window; startWindow is the run's
 *       first window.
 *   <li>UPDATE on every further counting window while the alert is active.
 *   <li>An active alert survives up to cooldownWindows consecutive non-counting windows; END is
 *       reported on the next one, window lastCounting + cooldownWindows + 1. Missing windows (a gap
 *       in the indices) are non-counting, so a gap can end an alert on a window that never arrived.
 *   <li>A rule that is disabled, deleted, invalid, no longer watching the stream or no longer
 *       counting this lane's mode ({@link CompiledRule#counts}) ends its active alert on the
 *       current window.
 * </ul>
 *
 * <p>The state is that of one lane: the localizations of one mode (MONO or ARRAY) of one stream. A
 * camera that feeds both has two lanes, each with its own order of windows.
 */
final class AlertLifecycle {
  private AlertLifecycle() {}

  /**
   * Advances {@code state}, the lane of the localization's mode, to the localization's window,
   * which must be later than {@code state.lastWindow}, and returns the alerts it raises, in rule id
   * order. {@code lastArrayWindow} is the last window of the stream's ARRAY lane ({@link
   * StreamAlerts#NONE} when it has none), which decides whether ANY rules count a MONO lane.
   */
  static List<Alert> advance(
      String streamId,
      StreamAlerts state,
      Localization localization,
      List<CompiledRule> rules,
      long lastArrayWindow) {
    long window = localization.getWindow();
    if (state.lastWindow != StreamAlerts.NONE && window <= state.lastWindow) {
      throw new IllegalArgumentException(
          "window " + window + " is not after the last window " + state.lastWindow);
    }
    Map<String, CompiledRule> byId = new TreeMap<>();
    rules.forEach(r -> byId.put(r.id(), r));
    TreeSet<String> ruleIds = new TreeSet<>(byId.keySet());
    ruleIds.addAll(state.runs.keySet());

    List<Alert> alerts = new ArrayList<>();
    for (String ruleId : ruleIds) {
      CompiledRule rule = byId.get(ruleId);
      RuleRun run = state.runs.computeIfAbsent(ruleId, id -> new RuleRun());
      if (rule == null
          || !rule.watches(streamId)
          || !rule.counts(localization.getMode(), window, lastArrayWindow)) {
        if (run.active) {
          alerts.add(end(ruleId, streamId, run, window, localization.getWindowStart()));
        }
        run.reset();
      } else {
        step(rule, streamId, run, state.lastWindow, localization, alerts);
      }
      if (run.isEmpty()) {
        state.runs.remove(ruleId);
      }
    }
    state.lastWindow = window;
    return alerts;
  }

  private static void step(
      CompiledRule rule,
      String streamId,
      RuleRun run,
      long lastWindow,
      Localization localization,
      List<Alert> alerts) {
    long window = localization.getWindow();
    SourcePeak peak = rule.strongestCountingPeak(localization);
    // a map whose median is 0 gives an infinite contrast (PeakFinder.contrast): an alert carries
    // the largest finite one, which every sink can write as a number
    float contrast = peak == null ? 0 : Math.min(peak.getContrast(), Float.MAX_VALUE);
    if (run.active) {
      // the non-counting windows since the last counting one, this one included when it does not
      // count
      long quiet = (peak != null ? window - 1 : window) - run.lastCounting;
      if (quiet > rule.cooldownWindows()) {
        // normally lastCounting + cooldown + 1; never a window already processed, which happens
        // only when the rule's cooldown was shortened meanwhile
        long endWindow = Math.max(run.lastCounting + rule.cooldownWindows() + 1, lastWindow + 1);
        Instant at = endWindow == window ? localization.getWindowStart() : windowStart(endWindow);
        alerts.add(end(rule.id(), streamId, run, endWindow, at));
        run.reset();
      } else if (peak != null) {
        run.lastCounting = window;
        run.peakContrast = Math.max(run.peakContrast, contrast);
        run.ruleName = rule.name();
        alerts.add(
            alert(AlertState.UPDATE, rule.id(), streamId, run, localization, peak, contrast));
        return;
      } else {
        return; // cooling down
      }
    }
    if (peak == null) {
      run.reset();
      return;
    }
    boolean continuesRun = run.runLength > 0 && run.runStart + run.runLength == window;
    if (continuesRun) {
      run.peakContrast = Math.max(run.peakContrast, contrast);
    } else {
      run.runStart = window;
      run.runLength = 0;
      run.peakContrast = contrast;
    }
    run.runLength++;
    if (run.runLength >= rule.minDurationWindows()) {
      run.active = true;
      run.lastCounting = window;
      run.ruleName = rule.name();
      alerts.add(alert(AlertState.START, rule.id(), streamId, run, localization, peak, contrast));
    }
  }

  static String alertId(String ruleId, String streamId, long startWindow) {
    return ruleId + "/" + streamId + "/" + startWindow;
  }

  /** Start of window w, rounded down to the microsecond, as the Localization schema defines it. */
  static Instant windowStart(long window) {
    return Instant.EPOCH.plus(Math.floorDiv(window * 1_000_000L, 12L), ChronoUnit.MICROS);
  }

  private static Alert alert(
      AlertState state,
      String ruleId,
      String streamId,
      RuleRun run,
      Localization localization,
      SourcePeak peak,
      float contrast) {
    ImagePoint where = peak.getPosition();
    return Alert.newBuilder()
        .setAlertId(alertId(ruleId, streamId, run.runStart))
        .setRuleId(ruleId)
        .setRuleName(run.ruleName)
        .setStreamId(streamId)
        .setState(state)
        .setStartWindow(run.runStart)
        .setWindow(localization.getWindow())
        .setTimestamp(localization.getWindowStart())
        .setWhere(new ImagePoint(where.getU(), where.getV()))
        .setContrast(contrast)
        .setPeakContrast(run.peakContrast)
        .build();
  }

  /**
   * Ends every active alert of a stream that has stopped sending: each rule's END is reported on
   * the window its cooldown would have ended it, lastCounting + cooldownWindows + 1 (a deleted
   * rule's at once, the window after its last counting one).
   */
  static List<Alert> endQuiet(String streamId, StreamAlerts state, List<CompiledRule> rules) {
    Map<String, CompiledRule> byId = new TreeMap<>();
    rules.forEach(r -> byId.put(r.id(), r));
    List<Alert> alerts = new ArrayList<>();
    for (Map.Entry<String, RuleRun> e : state.runs.entrySet()) {
      RuleRun run = e.getValue();
      if (!run.active) {
        continue;
      }
      CompiledRule rule = byId.get(e.getKey());
      long window = run.lastCounting + (rule == null ? 0 : rule.cooldownWindows()) + 1;
      alerts.add(end(e.getKey(), streamId, run, window, windowStart(window)));
      run.reset();
    }
    return alerts;
  }

  private static Alert end(String ruleId, String streamId, RuleRun run, long window, Instant at) {
    return Alert.newBuilder()
        .setAlertId(alertId(ruleId, streamId, run.runStart))
        .setRuleId(ruleId)
        .setRuleName(run.ruleName)
        .setStreamId(streamId)
        .setState(AlertState.END)
        .setStartWindow(run.runStart)
        .setWindow(window)
        .setTimestamp(at)
        .setWhere(null)
        .setContrast(0f)
        .setPeakContrast(run.peakContrast)
        .build();
  }
}
