package ai.avloc.acoustics.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.energy.SourceConfirmation.History;
import org.junit.jupiter.api.Test;

class SourceConfirmationTest {
  /** Runs a stream of own verdicts at the given window indices through the rule. */
  private static boolean[] published(SourceConfirmation rule, long[] windows, boolean[] own) {
    boolean[] out = new boolean[own.length];
    History h = History.EMPTY;
    for (int i = 0; i < own.length; i++) {
      out[i] = rule.confirms(h, windows[i], own[i]);
      h = rule.after(h, windows[i], own[i]);
    }
    return out;
  }

  private static long[] consecutive(int n) {
    long[] w = new long[n];
    for (int i = 0; i < n; i++) {
      w[i] = 100 + i;
    }
    return w;
  }

  @Test
  void shouldPublishASourceOnlyWhenOneOfTheTwoWindowsBeforeHeldOne() {
    boolean[] own = {true, false, false, true, false, false, true, true, true, false, true};
    // the first window has no history; lone bursts (3, 6) are dropped; a held source stays
    boolean[] expected = {true, false, false, false, false, false, false, true, true, false, true};
    assertArrayEquals(expected, published(SourceConfirmation.DEFAULT, consecutive(11), own));
    assertArrayEquals(own, published(SourceConfirmation.NONE, consecutive(11), own));
  }

  @Test
  void shouldNeedAsManyAsTheStreamHasSeenAtItsStart() {
    SourceConfirmation threeOfThree = new SourceConfirmation(3, 3);
    boolean[] own = {true, true, true, false, true, true, true};
    // window 1 needs window 0, window 2 both before it; after a flat window, two more are needed
    boolean[] expected = {true, true, true, false, false, false, true};
    assertArrayEquals(expected, published(threeOfThree, consecutive(7), own));
  }

  @Test
  void shouldCountSkippedWindowsAsFlatAndJudgeLateOnesByTheirOwnMap() {
    SourceConfirmation rule = SourceConfirmation.DEFAULT;
    // window 11 was skipped: window 10 still confirms 12, but nothing confirms 15 after 12
    assertArrayEquals(
        new boolean[] {true, true, false},
        published(rule, new long[] {10, 12, 15}, new boolean[] {true, true, true}));

    History h = rule.after(rule.after(History.EMPTY, 20, false), 21, false);
    assertEquals(new History(21, 2, 0), h);
    assertTrue(rule.confirms(h, 19, true), "a late window is judged by its own map");
    assertSame(h, rule.after(h, 19, true), "and leaves the history as it was");

    History longGap = rule.after(rule.after(History.EMPTY, 0, true), 1_000_000, false);
    assertEquals(new History(1_000_000, 3, 0), longGap);
  }

  @Test
  void shouldReadAndRefuseRules() {
    assertEquals(new SourceConfirmation(2, 3), SourceConfirmation.parse("2/3"));
    assertEquals(new SourceConfirmation(3, 4), SourceConfirmation.parse(" 3 / 4 "));
    assertEquals(SourceConfirmation.NONE, SourceConfirmation.parse("1/1"));
    for (String bad : new String[] {"3/2", "0/1", "2", "a/b", "1/33"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SourceConfirmation.parse(bad));
      assertTrue(e.getMessage().contains("2/3") || e.getMessage().contains("<="), e.getMessage());
    }
  }
}
