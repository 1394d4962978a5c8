package ai.avloc.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SiteDatasetTest {
  static int[] blocksPerSplit(int[] split, int blocks) {
    int[] count = new int[3];
    for (int b = 0; b < blocks; b++) {
      count[SiteDataset.splitOfBlock(split, b)]++;
    }
    return count;
  }

  @Test
  void everyTenBlocksOf80By10By10GiveEightOneAndOne() {
    int[] split = {80, 10, 10};
    for (int start = 0; start < 100; start += 10) {
      int[] count = new int[3];
      for (int b = start; b < start + 10; b++) {
        count[SiteDataset.splitOfBlock(split, b)]++;
      }
      assertArrayEquals(new int[] {8, 1, 1}, count, "blocks " + start + ".." + (start + 9));
    }
  }

  @Test
  void sharesHoldOverLongRangesAndEmptySplitsGetNothing() {
    assertArrayEquals(new int[] {700, 200, 100}, blocksPerSplit(new int[] {70, 20, 10}, 1000));
    assertArrayEquals(new int[] {90, 10, 0}, blocksPerSplit(new int[] {90, 10, 0}, 100));
    assertEquals(0, SiteDataset.splitOfBlock(new int[] {34, 33, 33}, 0));
    assertEquals(1, SiteDataset.splitOfBlock(new int[] {34, 33, 33}, 1));
    assertEquals(2, SiteDataset.splitOfBlock(new int[] {34, 33, 33}, 2));
  }
}
