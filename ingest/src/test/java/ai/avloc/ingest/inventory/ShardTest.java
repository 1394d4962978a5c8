package ai.avloc.ingest.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShardTest {

  @Test
  void parseShouldReadIndexOverCount() {
    assertEquals(new Shard(2, 3), Shard.parse(" 2/3 "));
    assertEquals("2/3", Shard.parse("2/3").toString());
  }

  @Test
  void parseShouldRejectWhatIsNotAShard() {
    assertEquals(
        "shard 0/3: shards are numbered 1..3",
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("0/3")).getMessage());
    assertEquals(
        "shard 4/3: shards are numbered 1..3",
        assertThrows(IllegalArgumentException.class, () -> Shard.parse("4/3")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Shard.parse("1"));
    assertThrows(IllegalArgumentException.class, () -> Shard.parse("a/b"));
    assertThrows(IllegalArgumentException.class, () -> Shard.parse("1/0"));
  }

  @Test
  void everyIdShouldBeOwnedByExactlyOneShardAndTheShardsShouldBeBalanced() {
    for (int count : new int[] {1, 2, 3, 7}) {
      int[] owned = new int[count];
      for (int n = 0; n < 20_000; n++) {
        String id = "cam-" + n;
        int owners = 0;
        for (int i = 1; i <= count; i++) {
          if (new Shard(i, count).owns(id)) {
            owners++;
            owned[i - 1]++;
          }
        }
        assertEquals(1, owners, id + " over " + count + " shards");
      }
      for (int i = 0; i < count; i++) {
        double share = owned[i] / 20_000.0;
        assertTrue(
            Math.abs(share - 1.0 / count) < 0.02,
            "shard " + (i + 1) + "/" + count + " owns " + share);
      }
    }
  }

  @Test
  void ownershipShouldBeStableAcrossRuns() {
    // pinned: another process, JVM or release must place these ids on the same shards
    assertEquals(Shard.hash("gate-1"), Shard.hash(new String("gate-1".toCharArray())));
    StringBuilder owners = new StringBuilder();
    for (String id : new String[] {"gate-1", "gate-2", "hall-array", "lobby", "dock-7"}) {
      for (int i = 1; i <= 3; i++) {
        if (new Shard(i, 3).owns(id)) {
          owners.append(i);
        }
      }
    }
    assertEquals(EXPECTED_OWNERS, owners.toString());
  }

  private static final String EXPECTED_OWNERS = "22232";
}
