package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.RuleMode;
import ai.avloc.schemas.RuleSchedule;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleFileTest {
  static List<AlertRule> parse(String yaml) {
    return RuleFile.parse(yaml, "rules.yaml");
  }

  static List<String> problems(String yaml) {
    return assertThrows(InvalidRuleException.class, () -> parse(yaml)).problems();
  }

  /** One rule with the given numeric fields. */
  static String oneRule(String minContrast, String minDuration, String cooldown) {
    return "rules:\n"
        + "  - ruleId: door\n"
        + "    minContrast: "
        + minContrast
        + "\n"
        + "    minDurationWindows: "
        + minDuration
        + "\n"
        + "    cooldownWindows: "
        + cooldown
        + "\n";
  }

  @Test
  void shouldReadEveryFieldAndBothPointForms() {
    List<AlertRule> rules =
        parse(
            """
            # two rules
            rules:
              - ruleId: dock
                name: Sound at the loading dock
                streamIds: [cam-1, cam-2]
                zone:
                  - [0.1, 0.5]
                  - {u: 0.5, v: 0.5}
                  - [1, 1]
                minContrast: 0.75
                minDurationWindows: 12
                cooldownWindows: 0
                enabled: false
              - ruleId: anywhere
                minContrast: 2
                minDurationWindows: 1
                cooldownWindows: 24
            """);
    AlertRule dock =
        AlertRule.newBuilder()
            .setRuleId("dock")
            .setName("Sound at the loading dock")
            .setStreamIds(List.of("cam-1", "cam-2"))
            .setZone(List.of(point(0.1, 0.5), point(0.5, 0.5), point(1, 1)))
            .setMinContrast(0.75f)
            .setMinDurationWindows(12)
            .setCooldownWindows(0)
            .setEnabled(false)
            .build();
    AlertRule anywhere =
        AlertRule.newBuilder()
            .setRuleId("anywhere")
            .setName("anywhere")
            .setStreamIds(List.of())
            .setZone(List.of())
            .setMinContrast(2f)
            .setMinDurationWindows(1)
            .setCooldownWindows(24)
            .setEnabled(true)
            .build();
    assertEquals(List.of(dock, anywhere), rules);
  }

  @Test
  void shouldReadAScheduleAndNameItsProblemsWithTheLine() {
    AlertRule night =
        parse(
                """
                rules:
                  - ruleId: night
                    minContrast: 1
                    minDurationWindows: 12
                    cooldownWindows: 24
                    schedule:
                      timeZone: Europe/Rome
                      days: [FRI, SAT]
                      start: "22:00"
                      end: "06:00"
                """)
            .get(0);
    assertEquals(
        new RuleSchedule("Europe/Rome", List.of("FRI", "SAT"), "22:00", "06:00"),
        night.getSchedule());
    assertEquals(null, parse(oneRule("1", "12", "24")).get(0).getSchedule(), "no schedule: always");
    List<String> problems =
        problems(
            """
            rules:
              - ruleId: bad
                minContrast: 1
                minDurationWindows: 12
                cooldownWindows: 24
                schedule:
                  timeZone: Nowhere/Town
                  start: "7 am"
                  end: "09:00"
                  every: day
            """);
    assertEquals(
        List.of(
            "rule 'bad' (line 10): schedule.every: unknown field; the fields are [days, end,"
                + " start, timeZone]"),
        problems);
    assertEquals(
        List.of(
            "rule 'bad' (line 2): schedule.timeZone: 'Nowhere/Town' is not a time zone (e.g."
                + " Europe/Rome, UTC)",
            "rule 'bad' (line 2): schedule.start: is '7 am'; it must be a time HH:mm"),
        problems(
            """
            rules:
              - ruleId: bad
                minContrast: 1
                minDurationWindows: 12
                cooldownWindows: 24
                schedule: {timeZone: Nowhere/Town, start: "7 am", end: "09:00"}
            """));
  }

  @Test
  void shouldReadNumbersInTheirUsualSpellings() {
    assertEquals(0.001f, parse(oneRule("1e-3", "1", "0")).get(0).getMinContrast());
    assertEquals(0.5f, parse(oneRule(".5", "1", "0")).get(0).getMinContrast());
    assertEquals(-2f, parse(oneRule("-2", "1", "0")).get(0).getMinContrast());
    assertEquals(3f, parse(oneRule("+3.0", "1", "0")).get(0).getMinContrast());
    AlertRule r = parse(oneRule("1_000.5", "1_200", "+24")).get(0);
    assertEquals(1000.5f, r.getMinContrast());
    assertEquals(1200, r.getMinDurationWindows());
    assertEquals(24, r.getCooldownWindows());
  }

  @Test
  void shouldRefuseNumbersThatYamlWouldGuess() {
    assertEquals(
        List.of(
            "rule 'door' (line 4): minDurationWindows: '010' is not a plain decimal number (YAML"
                + " reads a leading 0 as octal, 0x as hexadecimal); write it in decimal without"
                + " leading zeros",
            "rule 'door' (line 5): cooldownWindows: '0x10' is not a plain decimal number (YAML"
                + " reads a leading 0 as octal, 0x as hexadecimal); write it in decimal without"
                + " leading zeros"),
        problems(oneRule("1", "010", "0x10")));
  }

  @Test
  void shouldRefuseNonFiniteAndQuotedNumbers() {
    assertEquals(
        List.of("rule 'door' (line 3): minContrast: must be a finite number, got '.inf'"),
        problems(oneRule(".inf", "1", "0")));
    assertEquals(
        List.of("rule 'door' (line 3): minContrast: must be a finite number, got '.NaN'"),
        problems(oneRule(".NaN", "1", "0")));
    assertEquals(
        List.of("rule 'door' (line 3): minContrast: must be a finite number, got '1e400'"),
        problems(oneRule("1e400", "1", "0")));
    assertEquals(
        List.of(
            "rule 'door' (line 3): minContrast: must be a number, got text '0.5' (write numbers"
                + " without quotes)"),
        problems(oneRule("\"0.5\"", "1", "0")));
  }

  @Test
  void shouldWantWholeWindowCountsInRange() {
    assertEquals(
        List.of(
            "rule 'door' (line 4): minDurationWindows: must be a whole number of windows, got"
                + " '1.5'",
            "rule 'door' (line 5): cooldownWindows: '99999999999' is out of range"),
        problems(oneRule("1", "1.5", "99999999999")));
    assertEquals(
        List.of(
            "rule 'door' (line 4): minDurationWindows: must be a whole number of windows, got"
                + " '12.0'"),
        problems(oneRule("1", "12.0", "0")));
  }

  @Test
  void shouldValidateRulesNamingRuleFieldAndLine() {
    List<String> problems =
        problems(
            """
            rules:
              - ruleId: ok
                minContrast: 1
                minDurationWindows: 1
                cooldownWindows: 0
              - ruleId: door
                zone: [[0.1, 0.1], [1.2, 0.1]]
                minContrast: 1
                minDurationWindows: 0
                cooldownWindows: 0
            """);
    assertEquals(
        List.of(
            "rule 'door' (line 6): zone: has 2 point(s); a polygon needs at least 3, or none for"
                + " the whole image",
            "rule 'door' (line 6): zone[1].u: is 1.2; it must lie in [0, 1]",
            "rule 'door' (line 6): minDurationWindows: is 0; it must be at least 1"),
        problems);
  }

  @Test
  void shouldReportMissingUnknownAndMistypedFields() {
    List<String> problems =
        problems(
            """
            rules:
              - name: no id
                minDuration: 12
                minContrast: high
                cooldownWindows: 2
                enabled: "yes"
                zone: [[0.1, 0.1], 0.3, [0.2, 0.2]]
            """);
    assertEquals(
        List.of(
            "rules[0] (line 3): minDuration: unknown field; the fields are [cooldownWindows,"
                + " enabled, minContrast, minDurationWindows, mode, name, ruleId, schedule, streamIds, zone]",
            "rules[0]: ruleId: is required",
            "rules[0] (line 7): zone[1]: must be a point [u, v] or {u: .., v: ..}",
            "rules[0] (line 4): minContrast: must be a number, got text 'high'",
            "rules[0]: minDurationWindows: is required",
            "rules[0] (line 6): enabled: must be true or false, got text 'yes'"),
        problems);
  }

  @Test
  void shouldRefuseDuplicateIdsAndKeysAndBrokenYaml() {
    String twice = oneRule("1", "1", "0") + oneRule("1", "1", "0").replace("rules:\n", "");
    assertEquals(List.of("rule 'door' (line 6): ruleId: appears more than once"), problems(twice));
    assertEquals(
        List.of("line 4: key 'minContrast' appears twice"),
        problems(oneRule("1", "1", "0").replace("minDuration", "minContrast: 2\n    minDuration")));
    InvalidRuleException broken =
        assertThrows(InvalidRuleException.class, () -> parse("rules: [\n  - a: b\n"));
    assertTrue(broken.getMessage().startsWith("rules.yaml: not valid YAML"), broken.getMessage());
  }

  @Test
  void shouldReadTheModeDefaultingToAny() {
    assertEquals(RuleMode.ANY, parse(oneRule("1", "1", "0")).get(0).getMode());
    assertEquals(
        RuleMode.ARRAY, parse(oneRule("1", "1", "0") + "    mode: array\n").get(0).getMode());
    assertEquals(
        RuleMode.MONO, parse(oneRule("1", "1", "0") + "    mode: MONO\n").get(0).getMode());
    assertEquals(
        List.of("rule 'door' (line 6): mode: must be any, mono or array"),
        problems(oneRule("1", "1", "0") + "    mode: stereo\n"));
  }

  @Test
  void shouldReadTheDemoFileWithItsArrayRule() throws Exception {
    List<AlertRule> rules = RuleFile.read(Path.of("../examples/demo-alert-rules.yaml"));
    assertEquals(List.of(RuleMode.ARRAY), rules.stream().map(AlertRule::getMode).toList());
  }

  @Test
  void shouldReadAnEmptyFileAsNoRules() {
    assertEquals(List.of(), parse(""));
    assertEquals(List.of(), parse("rules: []\n"));
  }

  @Test
  void shouldReadTheExampleFile() throws Exception {
    // tests run in the module's folder
    List<AlertRule> rules = RuleFile.read(Path.of("../examples/alert-rules.yaml"));
    assertEquals(1, rules.size());
    AlertRule rule = rules.get(0);
    assertTrue(rule.getZone().size() >= 3, "a zone rule");
    assertFalse(rule.getName().isBlank());
  }
}
