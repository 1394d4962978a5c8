package ai.avloc.alerts;

import java.util.List;

/**
 * A rule (or a rules file) that cannot be used; the message lists every problem, each naming the
 * rule and the field.
 */
public final class InvalidRuleException extends IllegalArgumentException {
  private final List<String> problems;

  public InvalidRuleException(String subject, List<String> problems) {
    super(subject + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
