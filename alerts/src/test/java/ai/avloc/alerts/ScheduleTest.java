package ai.avloc.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.RuleSchedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  static final ZoneId ROME = ZoneId.of("Europe/Rome");

  static Instant rome(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(ROME).toInstant();
  }

  static Schedule schedule(List<String> days, String start, String end) {
    return Schedule.of(new RuleSchedule("Europe/Rome", days, start, end));
  }

  @Test
  void shouldCoverItsDaysFromStartUpToEnd() {
    Schedule office = schedule(List.of("mon", "TUE", "Wed", "THU", "FRI"), "08:30", "18:00");
    assertTrue(office.activeAt(rome("2026-12-04T08:30:00"))); // a Friday
    assertTrue(office.activeAt(rome("2026-12-04T17:59:59")));
    assertFalse(office.activeAt(rome("2026-12-04T18:00:00")), "the end is exclusive");
    assertFalse(office.activeAt(rome("2026-12-04T08:29:59")));
    assertFalse(office.activeAt(rome("2026-12-05T12:00:00")), "Saturday");
  }

  @Test
  void shouldRunPastMidnightIntoTheNextDay() {
    Schedule fridayNight = schedule(List.of("FRI"), "22:00", "06:00");
    assertTrue(fridayNight.activeAt(rome("2026-12-04T23:00:00")));
    assertTrue(fridayNight.activeAt(rome("2026-12-05T05:59:00")), "Saturday morning is Friday's");
    assertFalse(fridayNight.activeAt(rome("2026-12-05T22:30:00")), "Saturday night is not");
    assertFalse(fridayNight.activeAt(rome("2026-12-04T05:00:00")), "Thursday's night is not");
    Schedule allDay = schedule(List.of(), "00:00", "00:00");
    assertTrue(allDay.activeAt(rome("2026-12-06T13:13:00")));
  }

  @Test
  void shouldFollowTheTimeZoneAcrossDaylightSaving() {
    Schedule evening = schedule(List.of(), "19:00", "20:00");
    // 19:30 in Rome is 18:30 UTC in winter and 17:30 UTC in summer
    assertTrue(evening.activeAt(Instant.parse("2026-12-04T18:30:00Z")));
    assertTrue(evening.activeAt(Instant.parse("2026-07-04T17:30:00Z")));
    assertFalse(evening.activeAt(Instant.parse("2026-07-04T18:30:00Z")));
  }

  @Test
  void shouldNameEveryBadField() {
    List<String> problems = new ArrayList<>();
    Schedule.problems(
        new RuleSchedule("Mars/Olympus", List.of("FRI", "Funday"), "25:00", "6pm"), problems);
    assertEquals(
        List.of(
            "schedule.timeZone: 'Mars/Olympus' is not a time zone (e.g. Europe/Rome, UTC)",
            "schedule.days[1]: is 'Funday'; it must be one of MON, TUE, WED, THU, FRI, SAT, SUN",
            "schedule.start: is '25:00'; it must be a time HH:mm",
            "schedule.end: is '6pm'; it must be a time HH:mm"),
        problems);
  }
}
