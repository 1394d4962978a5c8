package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.point;
import static ai.avloc.alerts.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AlertRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleValidationTest {
  static String message(AlertRule r) {
    return assertThrows(InvalidRuleException.class, () -> RuleValidation.validate(r)).getMessage();
  }

  @Test
  void shouldAcceptAGoodRuleAndAnEmptyZone() {
    assertEquals(List.of(), RuleValidation.problems(rule("door").build()));
    assertEquals(List.of(), RuleValidation.problems(rule("all").setZone(List.of()).build()));
    assertEquals(List.of(), RuleValidation.problems(rule("quick").setCooldownWindows(0).build()));
  }

  @Test
  void shouldRefuseAZoneOfOneOrTwoPoints() {
    String m = message(rule("door").setZone(List.of(point(0.1, 0.1), point(0.2, 0.2))).build());
    assertEquals(
        "rule 'door': zone: has 2 point(s); a polygon needs at least 3, or none for the whole image",
        m);
  }

  @Test
  void shouldRefuseCoordinatesOutsideTheImageNamingThePoint() {
    String m =
        message(
            rule("door")
                .setZone(List.of(point(0.1, 0.1), point(1.5, 0.2), point(0.2, Float.NaN)))
                .build());
    assertEquals(
        "rule 'door': zone[1].u: is 1.5; it must lie in [0, 1]; zone[2].v: is NaN; it must lie in"
            + " [0, 1]",
        m);
    assertTrue(
        message(rule("x").setZone(List.of(point(-0.01, 0), point(1, 0), point(1, 1))).build())
            .contains("zone[0].u: is -0.01"));
  }

  @Test
  void shouldRefuseAZoneWithoutArea() {
    String m =
        message(rule("line").setZone(List.of(point(0, 0), point(0.5, 0.5), point(1, 1))).build());
    assertEquals("rule 'line': zone: its points lie on one line; the polygon has no area", m);
  }

  @Test
  void shouldRefuseAZoneThatCrossesItself() {
    // a bow tie: edge 0 (top-left to bottom-right) crosses edge 2 (bottom-left to top-right)
    String m =
        message(
            rule("bow")
                .setZone(
                    List.of(point(0.1, 0.1), point(0.9, 0.9), point(0.1, 0.9), point(0.9, 0.1)))
                .build());
    assertEquals(
        "rule 'bow': zone: edge 0 crosses edge 2 (edge i joins point i to the next); draw the"
            + " outline without crossing itself",
        m);
    // the same four points in outline order, and a concave outline, are fine
    assertEquals(
        List.of(),
        RuleValidation.problems(
            rule("box")
                .setZone(
                    List.of(point(0.1, 0.1), point(0.9, 0.1), point(0.9, 0.9), point(0.1, 0.9)))
                .build()));
    assertEquals(
        List.of(),
        RuleValidation.problems(
            rule("notch")
                .setZone(
                    List.of(
                        point(0.1, 0.1),
                        point(0.9, 0.1),
                        point(0.5, 0.5),
                        point(0.9, 0.9),
                        point(0.1, 0.9)))
                .build()));
  }

  @Test
  void shouldRefuseRuleIdsThatCannotTravelInPathsAndHeaders() {
    assertEquals(List.of(), RuleValidation.problems(rule("gate-1.night:v2").build()));
    for (String id : List.of("a/b", "a\nb", "..", "кухня", "x".repeat(65))) {
      assertEquals(
          List.of(
              "ruleId: '"
                  + id
                  + "' may hold only letters, digits, '.', '_', ':' and '-' (at least one letter"
                  + " or digit, at most 64)"),
          RuleValidation.problems(rule(id).build()),
          id);
    }
  }

  @Test
  void shouldRefuseBadNumbers() {
    assertEquals(
        "rule 'r': minDurationWindows: is 0; it must be at least 1",
        message(rule("r").setMinDurationWindows(0).build()));
    assertEquals(
        "rule 'r': cooldownWindows: is -1; it must be at least 0",
        message(rule("r").setCooldownWindows(-1).build()));
    // beyond a day, window arithmetic on them would come near int's range
    assertEquals(
        "rule 'r': minDurationWindows: is 1036801; it must be at most 1036800 (a day);"
            + " cooldownWindows: is 2147483647; it must be at most 1036800 (a day)",
        message(
            rule("r")
                .setMinDurationWindows(1036801)
                .setCooldownWindows(Integer.MAX_VALUE)
                .build()));
    assertEquals(
        List.of(),
        RuleValidation.problems(
            rule("r").setMinDurationWindows(1036800).setCooldownWindows(1036800).build()));
    assertEquals(
        "rule 'r': minContrast: is Infinity; it must be a finite number",
        message(rule("r").setMinContrast(Float.POSITIVE_INFINITY).build()));
    assertEquals(
        "rule 'r': minContrast: is NaN; it must be a finite number",
        message(rule("r").setMinContrast(Float.NaN).build()));
  }

  @Test
  void shouldListEveryProblemOfARule() {
    AlertRule bad =
        rule("r")
            .setName(" ")
            .setStreamIds(List.of("cam-1", ""))
            .setMinDurationWindows(-3)
            .setCooldownWindows(-3)
            .build();
    assertEquals(
        List.of(
            "name: is blank",
            "streamIds[1]: is blank",
            "minDurationWindows: is -3; it must be at least 1",
            "cooldownWindows: is -3; it must be at least 0"),
        RuleValidation.problems(bad));
    assertTrue(message(rule(" ").build()).startsWith("rule ' ': ruleId: is blank"));
  }
}
