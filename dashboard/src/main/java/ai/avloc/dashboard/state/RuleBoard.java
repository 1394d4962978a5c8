package ai.avloc.dashboard.state;

import ai.avloc.dashboard.view.RuleView;
import ai.avloc.schemas.AlertRule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/** The rules as the compacted rules topic holds them; every change is told as a whole list. */
public final class RuleBoard {
  private final Map<String, RuleView> rules = new ConcurrentSkipListMap<>();
  private final Consumer<LiveEvent> listener;

  public RuleBoard(Consumer<LiveEvent> listener) {
    this.listener = listener;
  }

  /** A record of the rules topic: a rule, or a tombstone (null) that deletes {@code ruleId}. */
  public void onRule(String ruleId, AlertRule rule) {
    if (rule == null) {
      rules.remove(ruleId);
    } else {
      rules.put(ruleId, RuleView.of(rule));
    }
    listener.accept(new LiveEvent("rules", null, all()));
  }

  public List<RuleView> all() {
    return List.copyOf(rules.values());
  }

  public Optional<RuleView> get(String ruleId) {
    return Optional.ofNullable(rules.get(ruleId));
  }
}
