package ai.avloc.alerts;

import ai.avloc.schemas.RuleSchedule;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A rule's schedule, compiled: whether an instant falls on one of its days between its start and
 * end in its time zone. A span that ends before it starts runs past midnight and belongs to the day
 * it started on (Friday 22:00-06:00 covers Saturday 03:00).
 */
final class Schedule {
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final ZoneId zone;
  private final Set<DayOfWeek> days;
  private final LocalTime start;
  private final LocalTime end;

  private Schedule(ZoneId zone, Set<DayOfWeek> days, LocalTime start, LocalTime end) {
    this.zone = zone;
    this.days = days;
    this.start = start;
    this.end = end;
  }

  /** The compiled schedule; {@link #problems} must have found none. */
  static Schedule of(RuleSchedule s) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String d : s.getDays()) {
      days.add(day(d));
    }
    return new Schedule(
        ZoneId.of(s.getTimeZone()),
        days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : days,
        LocalTime.parse(s.getStart(), HH_MM),
        LocalTime.parse(s.getEnd(), HH_MM));
  }

  /** Every problem of the schedule as "schedule.field: what is wrong". */
  static void problems(RuleSchedule s, List<String> problems) {
    try {
      ZoneId.of(s.getTimeZone());
    } catch (DateTimeException | NullPointerException e) {
      problems.add(
          "schedule.timeZone: '"
              + s.getTimeZone()
              + "' is not a time zone (e.g. Europe/Rome, UTC)");
    }
    for (int i = 0; i < s.getDays().size(); i++) {
      try {
        day(s.getDays().get(i));
      } catch (IllegalArgumentException e) {
        problems.add("schedule.days[" + i + "]: " + e.getMessage());
      }
    }
    for (String field : List.of("start", "end")) {
      String time = field.equals("start") ? s.getStart() : s.getEnd();
      try {
        LocalTime.parse(time, HH_MM);
      } catch (DateTimeParseException | NullPointerException e) {
        problems.add("schedule." + field + ": is '" + time + "'; it must be a time HH:mm");
      }
    }
  }

  private static DayOfWeek day(String name) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().substring(0, 3).equalsIgnoreCase(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "is '" + name + "'; it must be one of MON, TUE, WED, THU, FRI, SAT, SUN");
  }

  boolean activeAt(Instant t) {
    ZonedDateTime local = t.atZone(zone);
    LocalTime time = local.toLocalTime();
    DayOfWeek today = local.getDayOfWeek();
    if (start.equals(end)) {
      return days.contains(today);
    }
    if (start.isBefore(end)) {
      return days.contains(today) && !time.isBefore(start) && time.isBefore(end);
    }
    // past midnight: the evening part is today's, the morning part yesterday's
    return (days.contains(today) && !time.isBefore(start))
        || (days.contains(today.minus(1)) && time.isBefore(end));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s %s-%s %s", days, start, end, zone);
  }
}
