package ai.avloc.ingest.inventory;

import java.util.List;

/**
 * A {@code cameras.yaml} that cannot be used. Holds every problem found, each as {@code file:line:
 * what is wrong}; the message is all of them, one per line.
 */
public final class InventoryException extends IllegalArgumentException {
  private final List<String> errors;

  public InventoryException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  /** Each problem as {@code file:line: what is wrong}, in file order. */
  public List<String> errors() {
    return errors;
  }
}
