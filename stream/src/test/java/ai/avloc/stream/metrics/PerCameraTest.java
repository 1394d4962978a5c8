package ai.avloc.stream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

/** Per-camera series are bounded: a capped number of cameras, and gauges that go quiet. */
class PerCameraTest {
  private static long count(MetricListener metrics, String camera) {
    return metrics.getCounter(PerCamera.GROUP, camera, "windows").orElseThrow().getCount();
  }

  @Test
  void camerasPastTheBoundShareTheOtherSeries() {
    MetricListener metrics = new MetricListener();
    PerCamera<Counter> perCamera =
        new PerCamera<>(metrics.getMetricGroup(), g -> g.counter("windows"), 2);
    for (String camera : new String[] {"a", "b", "a", "c", "d", "c", "b"}) {
      perCamera.of(camera).inc();
    }
    assertEquals(2, count(metrics, "a"));
    assertEquals(2, count(metrics, "b"));
    assertEquals(3, count(metrics, PerCamera.OTHER), "c, d and c again");
    assertTrue(metrics.getCounter(PerCamera.GROUP, "c", "windows").isEmpty());
    assertEquals(3, perCamera.cameras());
  }

  @Test
  void aGaugeSaysNothingOnceItsCameraIsQuietForTenMinutes() {
    AtomicLong clock = new AtomicLong(1_000_000);
    PerCamera.LastValue last = new PerCamera.LastValue(clock::get);
    assertTrue(last.getValue().isNaN(), "nothing set yet");
    last.set(240);
    clock.addAndGet(PerCamera.QUIET_MILLIS);
    assertEquals(240.0, last.getValue());
    clock.addAndGet(1);
    assertTrue(last.getValue().isNaN(), "quiet for more than 10 min");
    last.set(180);
    assertEquals(180.0, last.getValue());
  }
}
