package ai.avloc.training.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {
  private static float[][] line(float... xs) {
    float[][] p = new float[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      p[i] = new float[] {xs[i], 0};
    }
    return p;
  }

  @Test
  void theMajorityOfTheKNearestDecides() {
    // class 1 at 0, 1, 2; class 2 at 10, 11; class 3 at 3
    NearestNeighbours knn =
        new NearestNeighbours(line(0, 1, 2, 10, 11, 3), new long[] {1, 1, 1, 2, 2, 3}, 3);
    // nearest to 2.9: 3 (class 3), 2 and 1 (class 1): class 1 by 2 votes to 1
    assertEquals(1L, knn.classify(new float[] {2.9f, 0}, NearestNeighbours.Exclusion.NONE));
    // nearest to 9: 10, 11 (class 2) and 3 (class 3)
    assertEquals(2L, knn.classify(new float[] {9, 0}, NearestNeighbours.Exclusion.NONE));
    // Euclidean in both dimensions: (3, 0) is 4 from (3, 4), the class-2 points 8.1 and 8.9
    NearestNeighbours plane =
        new NearestNeighbours(new float[][] {{3, 0}, {10, 0}, {11, 0}}, new long[] {5, 6, 6}, 1);
    assertEquals(5L, plane.classify(new float[] {3, 4}, NearestNeighbours.Exclusion.NONE));
  }

  @Test
  void aTieGoesToTheClassOfTheNearestPoint() {
    // k = 2: one vote each; class 7 at distance 1 beats class 4 at distance 2
    NearestNeighbours knn = new NearestNeighbours(line(2, -1, 50), new long[] {4, 7, 4}, 2);
    assertEquals(7L, knn.classify(new float[] {0, 0}, NearestNeighbours.Exclusion.NONE));
    // k = 4: 2 votes each (class 4 at 2 and 50, class 7 at -1 and -3): class 7 is nearest
    NearestNeighbours four = new NearestNeighbours(line(2, -1, 50, -3), new long[] {4, 7, 4, 7}, 4);
    assertEquals(7L, four.classify(new float[] {0, 0}, NearestNeighbours.Exclusion.NONE));
  }

  @Test
  void withFewerPointsThanKAllVoteAndExcludedOnesNone() {
    NearestNeighbours knn = new NearestNeighbours(line(0, 1, 100), new long[] {1, 1, 2}, 15);
    // all three vote: class 1 by 2 to 1 even at the class-2 point itself
    assertEquals(1L, knn.classify(new float[] {100, 0}, NearestNeighbours.Exclusion.NONE));
    // without the class-1 points only class 2 is left
    assertEquals(2L, knn.classify(new float[] {0, 0}, r -> r < 2));
    assertNull(knn.classify(new float[] {0, 0}, r -> true));
    assertThrows(
        IllegalArgumentException.class,
        () -> knn.classify(new float[] {0, 0, 0}, NearestNeighbours.Exclusion.NONE));
  }

  @Test
  void leaveGroupOutScoresEachPointByTheOtherGroups() {
    // two groups of each class near each other, one class-2 point among class 1
    float[][] points = line(0, 0.1f, 1, 1.1f, 10, 10.1f, 11, 11.1f, 0.5f);
    long[] labels = {1, 1, 1, 1, 2, 2, 2, 2, 2};
    Object[] groups = {"a", "a", "b", "b", "c", "c", "d", "d", "e"};
    NearestNeighbours.Accuracy acc = NearestNeighbours.leaveGroupOut(points, labels, groups, 3);
    // every class-1 point's 3 nearest outside its group are class 1 but one (0.5, class 2): right;
    // the class-2 points at 10..11 right; the one at 0.5 has class-1 neighbours only: wrong
    assertEquals(9, acc.queries());
    assertEquals(8 / 9.0, acc.overall(), 1e-12);
    assertEquals(Map.of(1L, 1.0, 2L, 4 / 5.0), acc.perClass());
    // a pair of one second finds only the other class outside it; each point alone, its partner
    float[][] pair = line(20, 20.05f, 11);
    long[] pairLabels = {3, 3, 2};
    assertEquals(
        0.0,
        NearestNeighbours.leaveGroupOut(pair, pairLabels, new Object[] {"f", "f", "g"}, 1)
            .overall());
    assertEquals(
        2 / 3.0,
        NearestNeighbours.leaveGroupOut(pair, pairLabels, new Object[] {1, 2, 3}, 1).overall(),
        1e-12);
    // one group holds everything: nothing to compare with
    assertNull(
        NearestNeighbours.leaveGroupOut(
            points, labels, new Object[] {0, 0, 0, 0, 0, 0, 0, 0, 0}, 3));
  }
}
