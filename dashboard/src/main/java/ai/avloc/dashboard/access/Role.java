package ai.avloc.dashboard.access;

/** What a user may do: a viewer looks; an operator also edits rules and acknowledges alerts. */
public enum Role {
  VIEWER,
  OPERATOR;

  public boolean mayWrite() {
    return this == OPERATOR;
  }
}
