package ai.avloc.dashboard.view;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.RuleMode;
import ai.avloc.schemas.RuleSchedule;
import java.util.List;

/**
 * A rule as the API reads and writes it: the fields of {@code AlertRule.avsc}. Fields a request
 * leaves out take the defaults of a zone drawn on the dashboard.
 */
public record RuleView(
    String ruleId,
    String name,
    List<String> streamIds,
    List<Position> zone,
    Float minContrast,
    Integer minDurationWindows,
    Integer cooldownWindows,
    Boolean enabled,
    String mode,
    ScheduleView schedule) {

  /** When a rule counts: on {@code days} (empty: every day) from start to end, local time. */
  public record ScheduleView(String timeZone, List<String> days, String start, String end) {
    RuleSchedule toSchedule() {
      return new RuleSchedule(timeZone, days == null ? List.of() : List.copyOf(days), start, end);
    }
  }

  /** A peak twice as strong as the map's median counts. */
  public static final float DEFAULT_MIN_CONTRAST = 1.0f;

  /** One second of sound starts an alert. */
  public static final int DEFAULT_MIN_DURATION_WINDOWS = 12;

  /** Two seconds of quiet end it. */
  public static final int DEFAULT_COOLDOWN_WINDOWS = 24;

  public static RuleView of(AlertRule r) {
    return new RuleView(
        r.getRuleId(),
        r.getName(),
        List.copyOf(r.getStreamIds()),
        r.getZone().stream().map(Position::of).toList(),
        r.getMinContrast(),
        r.getMinDurationWindows(),
        r.getCooldownWindows(),
        r.getEnabled(),
        r.getMode().name(),
        r.getSchedule() == null
            ? null
            : new ScheduleView(
                r.getSchedule().getTimeZone(),
                List.copyOf(r.getSchedule().getDays()),
                r.getSchedule().getStart(),
                r.getSchedule().getEnd()));
  }

  /**
   * The Avro rule with {@code ruleId} as its id; defaults fill what the request left out.
   *
   * @throws IllegalArgumentException for a mode that is not ANY, MONO or ARRAY, or a null point
   */
  public AlertRule toRule(String id) {
    RuleMode ruleMode;
    try {
      ruleMode = mode == null ? RuleMode.ANY : RuleMode.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mode: is '" + mode + "'; it must be ANY, MONO or ARRAY");
    }
    List<String> streams = streamIds == null ? List.of() : streamIds;
    for (int i = 0; i < streams.size(); i++) {
      if (streams.get(i) == null) {
        throw new IllegalArgumentException("streamIds[" + i + "]: is null");
      }
    }
    if (schedule != null && schedule.days() != null && schedule.days().contains(null)) {
      throw new IllegalArgumentException("schedule.days: holds a null");
    }
    List<Position> points = zone == null ? List.of() : zone;
    for (int i = 0; i < points.size(); i++) {
      if (points.get(i) == null) {
        throw new IllegalArgumentException("zone[" + i + "]: is null");
      }
    }
    return AlertRule.newBuilder()
        .setRuleId(id)
        .setName(name == null ? "" : name)
        .setStreamIds(List.copyOf(streams))
        .setZone(points.stream().map(Position::toImagePoint).toList())
        .setMinContrast(minContrast == null ? DEFAULT_MIN_CONTRAST : minContrast)
        .setMinDurationWindows(
            minDurationWindows == null ? DEFAULT_MIN_DURATION_WINDOWS : minDurationWindows)
        .setCooldownWindows(cooldownWindows == null ? DEFAULT_COOLDOWN_WINDOWS : cooldownWindows)
        .setEnabled(enabled == null || enabled)
        .setMode(ruleMode)
        .setSchedule(schedule == null ? null : schedule.toSchedule())
        .build();
  }
}
