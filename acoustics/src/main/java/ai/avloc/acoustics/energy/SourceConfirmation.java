package ai.avloc.acoustics.energy;

/**
 * When a stream publishes a source: its window's energy map must not read as flat, and at least
 * {@code needed - 1} of the stream's {@code windows - 1} windows before it must not have read as
 * flat either. A noise-only stream's maps stand out now and then for one window (a noise burst that
 * resembles a class's sound lights up a silent object of that class), while a real source holds
 * over consecutive windows; "2 of 3" keeps the first and removes most of the second, at the cost of
 * a source's first window when the window before it was flat (docs/decisions.md: "Source
 * confirmation").
 *
 * <p>Windows the stream skipped count as flat. A stream's first window has nothing before it and is
 * judged by its own map, as is a window that arrives out of order.
 *
 * @param needed windows of the last {@code windows} (this one included) that must hold a source
 * @param windows how many windows, this one included, the rule looks at (at most 32)
 */
public record SourceConfirmation(int needed, int windows) {
  /** Each window judged by its own map alone. */
  public static final SourceConfirmation NONE = new SourceConfirmation(1, 1);

  /** A window and at least one of the two before it. */
  public static final SourceConfirmation DEFAULT = new SourceConfirmation(2, 3);

  public SourceConfirmation {
    if (windows < 1 || windows > Integer.SIZE || needed < 1 || needed > windows) {
      throw new IllegalArgumentException(
          "source confirmation needs 1 <= needed <= windows <= 32, got " + needed + "/" + windows);
    }
  }

  /** "2/3": a window and one of the two before it; "1/1": no confirmation. */
  public static SourceConfirmation parse(String text) {
    String[] parts = text.strip().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "source confirmation is NEEDED/WINDOWS like 2/3 (1/1 for none), got '" + text + "'");
    }
    try {
      return new SourceConfirmation(
          Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "source confirmation is NEEDED/WINDOWS like 2/3 (1/1 for none), got '" + text + "'");
    }
  }

  /**
   * What one stream's recent windows held.
   *
   * @param lastWindow the index of the last window recorded
   * @param known how many windows up to and including {@code lastWindow} are known (0: none yet)
   * @param sources bit j set when window {@code lastWindow - j} held a source by its own map
   */
  public record History(long lastWindow, int known, int sources) {
    public static final History EMPTY = new History(0, 0, 0);
  }

  /**
   * Whether window {@code window}, whose own map holds a source when {@code ownSource}, is
   * published with one.
   */
  public boolean confirms(History history, long window, boolean ownSource) {
    if (!ownSource) {
      return false;
    }
    if (history.known() == 0 || window <= history.lastWindow()) {
      return true;
    }
    long gap = window - history.lastWindow();
    int before = windows - 1;
    // windows in the gap are known and flat; beyond what the stream has seen nothing is known
    long known = Math.min(before, history.known() + gap - 1);
    int held = 0;
    for (long d = gap; d <= before; d++) {
      held += (history.sources() >>> (d - gap)) & 1;
    }
    return held >= Math.min(needed - 1, known);
  }

  /**
   * The history after window {@code window}, whose own map held a source when {@code ownSource}.
   */
  public History after(History history, long window, boolean ownSource) {
    if (history.known() > 0 && window <= history.lastWindow()) {
      return history;
    }
    long gap = history.known() == 0 ? 1 : window - history.lastWindow();
    int shifted = gap >= Integer.SIZE ? 0 : history.sources() << gap;
    int mask = windows == Integer.SIZE ? -1 : (1 << windows) - 1;
    int sources = (shifted | (ownSource ? 1 : 0)) & mask;
    int known = (int) Math.min(windows, history.known() + gap);
    return new History(window, known, sources);
  }
}
