package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.W0;
import static ai.avloc.alerts.Fixtures.peak;
import static ai.avloc.alerts.Fixtures.silent;
import static ai.avloc.alerts.Fixtures.sounding;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.Localization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleReplayTest {
  @Test
  void recordedWindowsRaiseTheAlertsTheAppWouldInWindowOrderEndingOpenOnes() {
    AlertRule rule = Fixtures.rule("loud").setMinDurationWindows(3).setCooldownWindows(2).build();
    List<Localization> windows = new ArrayList<>();
    // cam-a: a run of 4 counting windows, quiet, then 3 more that stay open at the end
    for (int w = 0; w < 12; w++) {
      boolean sounding = w < 4 || w >= 9;
      windows.add(
          sounding ? sounding("cam-a", W0 + w, peak(0.2, 0.5, 5)) : silent("cam-a", W0 + w));
    }
    // cam-b: two counting windows, too short
    windows.add(sounding("cam-b", W0, peak(0.2, 0.5, 5)));
    windows.add(sounding("cam-b", W0 + 1, peak(0.2, 0.5, 5)));
    Collections.shuffle(windows, new java.util.Random(3)); // read back from several partitions

    List<Alert> alerts = RuleReplay.alerts(List.of(rule), windows);

    List<String> seen =
        alerts.stream()
            .map(a -> a.getState() + "@" + (a.getWindow() - W0) + ":" + a.getStreamId())
            .toList();
    assertEquals(
        List.of("START@2:cam-a", "UPDATE@3:cam-a", "END@6:cam-a", "START@11:cam-a", "END@14:cam-a"),
        seen);
    assertEquals(
        2, alerts.stream().filter(a -> a.getState() == AlertState.START).count(), "two alerts");
  }

  @Test
  void anInvalidRuleIsReportedAndLeftOut() {
    AlertRule bad = Fixtures.rule("bad").setMinDurationWindows(0).build();
    RuleReplay.Rules rules = RuleReplay.validate(List.of(bad));
    assertEquals(0, rules.usable().size());
    assertEquals(1, rules.invalid().size(), rules.invalid().toString());
    assertEquals(
        List.of(),
        RuleReplay.alerts(List.of(bad), List.of(sounding("cam-a", W0, peak(0.2, 0.5, 5)))));
  }
}
