package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobConfigTest {
  @Test
  void everyOptionIsReadAndDefaultsFillTheRest() {
    JobConfig c =
        JobConfig.parse(
            new String[] {
              "--bootstrap", "h:1",
              "--model", "/m",
              "--checkpoint-dir", "file:///tmp/cp",
              "--array-max-batch", "8",
              "--array-max-wait-ms", "100",
              "--watermark-interval-ms", "10",
              "--fov", "90x60",
              "--band", "300:3000",
              "--bounded", "true"
            });
    assertEquals("h:1", c.bootstrapServers());
    assertEquals("/m", c.modelDir());
    assertEquals("file:///tmp/cp", c.checkpointDir());
    assertEquals(8, c.arrayMaxBatch());
    assertEquals(100, c.arrayMaxWaitMillis());
    assertEquals(10, c.watermarkIntervalMillis());
    assertEquals(90, c.hfovDeg());
    assertEquals(60, c.vfovDeg());
    assertEquals(300, c.lowHz());
    assertEquals(3000, c.highHz());
    assertTrue(c.bounded());
    assertEquals("avloc.", c.topicPrefix());
    assertEquals(Duration.ofMillis(300), c.outOfOrderness());
    assertEquals(32, c.maxBatch());
    assertTrue(c.unalignedCheckpoints());
    assertTrue(c.closeCompleteWindows());
  }

  @Test
  void refusesUnknownOptionsAndAMissingBroker() {
    var unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--modle", "/m"}));
    assertTrue(unknown.getMessage().contains("unknown option(s) [modle]"), unknown.getMessage());
    var missing =
        assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(new String[] {}));
    assertTrue(missing.getMessage().contains("--bootstrap is required"));
    // the module directory holds no shipped model, so no --model means the array path only
    assertNull(JobConfig.parse(new String[] {"--bootstrap", "h:1"}).modelDir());
    assertNull(JobConfig.parse(new String[] {"--bootstrap", "h:1", "--model", "none"}).modelDir());
    var notNumber =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--max-batch", "ten"}));
    assertTrue(notNumber.getMessage().contains("not a number"), notNumber.getMessage());
    var badFov =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--fov", "65"}));
    assertTrue(badFov.getMessage().contains("--fov takes HxV"), badFov.getMessage());
  }
}
