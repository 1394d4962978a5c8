package ai.avloc.alerts;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.WindowClock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The checks every rule passes before it is published or used. */
public final class RuleValidation {
  private static final Pattern RULE_ID = Pattern.compile("(?=.*[A-Za-z0-9])[A-Za-z0-9._:-]{1,64}");

  /** The longest duration or cooldown a rule may ask for: a day of windows. */
  public static final int MAX_WINDOWS = 24 * 3600 * WindowClock.WINDOWS_PER_SECOND;

  private RuleValidation() {}

  /** Every problem of the rule as "field: what is wrong"; empty when the rule is usable. */
  public static List<String> problems(AlertRule rule) {
    List<String> problems = new ArrayList<>();
    if (rule.getRuleId() == null || rule.getRuleId().isBlank()) {
      problems.add("ruleId: is blank");
    } else if (!RULE_ID.matcher(rule.getRuleId()).matches()) {
      // rule ids go into alert ids, URL paths, MQTT payloads and HTTP headers
      problems.add(
          "ruleId: '"
              + rule.getRuleId()
              + "' may hold only letters, digits, '.', '_', ':' and '-' (at least one letter or"
              + " digit, at most 64)");
    }
    if (rule.getName() == null || rule.getName().isBlank()) {
      problems.add("name: is blank");
    }
    List<String> streams = rule.getStreamIds();
    for (int i = 0; i < streams.size(); i++) {
      if (streams.get(i) == null || streams.get(i).isBlank()) {
        problems.add("streamIds[" + i + "]: is blank");
      }
    }
    List<ImagePoint> zone = rule.getZone();
    if (zone.size() == 1 || zone.size() == 2) {
      problems.add(
          "zone: has "
              + zone.size()
              + " point(s); a polygon needs at least 3, or none for the whole image");
    }
    boolean pointsInRange = true;
    for (int i = 0; i < zone.size(); i++) {
      pointsInRange &= inUnitRange(problems, "zone[" + i + "].u", zone.get(i).getU());
      pointsInRange &= inUnitRange(problems, "zone[" + i + "].v", zone.get(i).getV());
    }
    if (zone.size() >= 3 && pointsInRange) {
      Zone polygon = Zone.of(zone);
      int[] crossing = polygon.firstCrossing();
      // a symmetric bow tie has a shoelace area of 0 too: name the crossing, the actual mistake
      if (crossing != null && !collinear(zone)) {
        problems.add(
            "zone: edge "
                + crossing[0]
                + " crosses edge "
                + crossing[1]
                + " (edge i joins point i to the next); draw the outline without crossing itself");
      } else if (polygon.area() == 0) {
        problems.add("zone: its points lie on one line; the polygon has no area");
      }
    }
    if (!Float.isFinite(rule.getMinContrast())) {
      problems.add("minContrast: is " + rule.getMinContrast() + "; it must be a finite number");
    }
    if (rule.getMinDurationWindows() < 1) {
      problems.add(
          "minDurationWindows: is " + rule.getMinDurationWindows() + "; it must be at least 1");
    } else if (rule.getMinDurationWindows() > MAX_WINDOWS) {
      problems.add(
          "minDurationWindows: is "
              + rule.getMinDurationWindows()
              + "; it must be at most "
              + MAX_WINDOWS
              + " (a day)");
    }
    if (rule.getCooldownWindows() < 0) {
      problems.add("cooldownWindows: is " + rule.getCooldownWindows() + "; it must be at least 0");
    } else if (rule.getCooldownWindows() > MAX_WINDOWS) {
      problems.add(
          "cooldownWindows: is "
              + rule.getCooldownWindows()
              + "; it must be at most "
              + MAX_WINDOWS
              + " (a day)");
    }
    if (rule.getSchedule() != null) {
      Schedule.problems(rule.getSchedule(), problems);
    }
    return problems;
  }

  /** Throws {@link InvalidRuleException} naming the rule and every bad field. */
  public static void validate(AlertRule rule) {
    List<String> problems = problems(rule);
    if (!problems.isEmpty()) {
      throw new InvalidRuleException("rule '" + rule.getRuleId() + "'", problems);
    }
  }

  /** Whether every point lies on the line through the first two distinct points. */
  private static boolean collinear(List<ImagePoint> zone) {
    ImagePoint a = zone.get(0);
    for (ImagePoint b : zone) {
      double du = b.getU() - a.getU();
      double dv = b.getV() - a.getV();
      if (du != 0 || dv != 0) {
        for (ImagePoint p : zone) {
          if (Math.abs(du * (p.getV() - a.getV()) - dv * (p.getU() - a.getU())) > 1e-9) {
            return false;
          }
        }
        return true;
      }
    }
    return true;
  }

  private static boolean inUnitRange(List<String> problems, String field, float value) {
    if (Float.isFinite(value) && value >= 0 && value <= 1) {
      return true;
    }
    problems.add(field + ": is " + value + "; it must lie in [0, 1]");
    return false;
  }
}
