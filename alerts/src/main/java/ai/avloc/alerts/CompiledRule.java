package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.RuleMode;
import ai.avloc.schemas.SourcePeak;
import java.util.Set;

/** A validated rule, ready to test localizations against. */
final class CompiledRule {
  private final AlertRule rule;
  private final Zone zone;
  private final Set<String> streams;
  private final Schedule schedule;

  private CompiledRule(AlertRule rule) {
    this.rule = rule;
    this.zone = Zone.of(rule.getZone());
    this.streams = Set.copyOf(rule.getStreamIds());
    this.schedule = rule.getSchedule() == null ? null : Schedule.of(rule.getSchedule());
  }

  /** Validates and compiles; throws {@link InvalidRuleException} naming the bad fields. */
  static CompiledRule of(AlertRule rule) {
    RuleValidation.validate(rule);
    return new CompiledRule(rule);
  }

  AlertRule rule() {
    return rule;
  }

  String id() {
    return rule.getRuleId();
  }

  String name() {
    return rule.getName();
  }

  int minDurationWindows() {
    return rule.getMinDurationWindows();
  }

  int cooldownWindows() {
    return rule.getCooldownWindows();
  }

  /** Whether this rule raises alerts on the stream at all: enabled, and the stream is watched. */
  boolean watches(String streamId) {
    return rule.getEnabled() && (streams.isEmpty() || streams.contains(streamId));
  }

  RuleMode mode() {
    return rule.getMode();
  }

  /**
   * Whether this rule counts the stream's localizations of {@code mode} at {@code window}. MONO and
   * ARRAY rules count their own mode only. An ANY rule counts a stream's ARRAY localizations and
   * its MONO ones only while the stream sends no ARRAY ones: none yet ({@code lastArrayWindow} is
   * {@link StreamAlerts#NONE}) or none for longer than the cooldown plus {@link
   * #ARRAY_FALLBACK_WINDOWS}. So a camera that feeds both raises one alert per rule, from its
   * array.
   */
  boolean counts(LocalizationMode mode, long window, long lastArrayWindow) {
    return switch (rule.getMode()) {
      case MONO -> mode == LocalizationMode.MONO;
      case ARRAY -> mode == LocalizationMode.ARRAY;
      case ANY ->
          mode == LocalizationMode.ARRAY
              || lastArrayWindow == StreamAlerts.NONE
              || window - lastArrayWindow
                  > (long) rule.getCooldownWindows() + ARRAY_FALLBACK_WINDOWS;
    };
  }

  /** Beyond the cooldown, how long an ANY rule waits for a stopped array before it counts mono. */
  static final int ARRAY_FALLBACK_WINDOWS = 60;

  /**
   * The counting peak with the highest contrast, or null when the window does not count: a silent
   * or not inferred window, or one outside the rule's schedule, never counts; otherwise a peak
   * counts when its contrast reaches minContrast and it lies in the zone.
   */
  SourcePeak strongestCountingPeak(Localization localization) {
    if (localization.getSilent() || !localization.getInferred()) {
      return null;
    }
    if (schedule != null && !schedule.activeAt(localization.getWindowStart())) {
      return null;
    }
    SourcePeak best = null;
    for (SourcePeak peak : localization.getPeaks()) {
      // NaN contrast fails >= and so never counts
      if (peak.getContrast() >= rule.getMinContrast()
          && zone.contains(peak.getPosition().getU(), peak.getPosition().getV())
          && (best == null || peak.getContrast() > best.getContrast())) {
        best = peak;
      }
    }
    return best;
  }
}
