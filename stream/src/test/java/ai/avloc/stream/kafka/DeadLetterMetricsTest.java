package ai.avloc.stream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter sink counts each letter by reason (its stage) and camera; a letter refused before
 * its record was decoded names no camera, whatever its key says.
 */
class DeadLetterMetricsTest {
  private static Failed letter(String stage, String key) {
    return new Failed(
        "t.audio",
        0,
        7,
        1_000,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        new byte[] {1, 2},
        stage,
        "because");
  }

  private static long count(MetricListener metrics, String reason, String camera) {
    return metrics
        .getCounter(DeadLetters.REASON, reason, "camera", camera, DeadLetters.METRIC)
        .orElseThrow(() -> new AssertionError("no series for " + reason + ", " + camera))
        .getCount();
  }

  @Test
  void lettersAreCountedByReasonAndCamera() throws Exception {
    MetricListener metrics = new MetricListener();
    DeadLetters.Serializer serializer = new DeadLetters.Serializer("t.dead-letters");
    serializer.open(
        new SerializationSchema.InitializationContext() {
          @Override
          public MetricGroup getMetricGroup() {
            return metrics.getMetricGroup();
          }

          @Override
          public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
          }
        },
        null);
    for (Failed f :
        new Failed[] {
          letter("align", "dock-1"),
          letter("align", "dock-1"),
          letter("align", "gate-2"),
          letter("infer", "dock-1"),
          letter("decode", "dock-1"),
          letter("decode", "\u0000forged"),
          letter("validate", "gate-2"),
          letter("model", null)
        }) {
      assertEquals("t.dead-letters", serializer.serialize(f, null, null).topic());
    }
    assertEquals(2, count(metrics, "align", "dock-1"));
    assertEquals(1, count(metrics, "align", "gate-2"));
    assertEquals(1, count(metrics, "infer", "dock-1"));
    assertEquals(2, count(metrics, "decode", DeadLetters.UNKNOWN_CAMERA));
    assertEquals(1, count(metrics, "validate", DeadLetters.UNKNOWN_CAMERA));
    assertEquals(1, count(metrics, "model", DeadLetters.UNKNOWN_CAMERA));
    assertTrue(
        metrics
            .getCounter(DeadLetters.REASON, "decode", "camera", "dock-1", DeadLetters.METRIC)
            .isEmpty(),
        "an undecoded record's key names no camera");
  }
}
