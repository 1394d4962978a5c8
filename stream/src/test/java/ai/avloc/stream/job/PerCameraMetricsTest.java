package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.metrics.PerCamera;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The array path's operator counts each camera's windows under its own {@code camera} group and
 * keeps its last window's latency, as Flink's reporters see them: metrics registered on a task's
 * real metric group.
 */
class PerCameraMetricsTest {
  /** Every metric the operator registers, by its camera ("" for none) and name. */
  private final Map<String, Metric> registered = new HashMap<>();

  private OneInputStreamOperatorTestHarness<ArrayWindow, ?> harness() throws Exception {
    TestingMetricRegistry registry =
        TestingMetricRegistry.builder()
            .setRegisterConsumer(
                (metric, name, group) ->
                    registered.put(
                        group.getAllVariables().getOrDefault("<" + PerCamera.GROUP + ">", "")
                            + "/"
                            + name,
                        metric))
            .build();
    var task =
        TaskManagerMetricGroup.createTaskManagerMetricGroup(
                registry, "localhost", ResourceID.generate())
            .addJob(new JobID(), "per-camera-metrics")
            .addTask(ExecutionAttemptID.randomId(), "array beamforming");
    return new OneInputStreamOperatorTestHarness<>(
        new ArrayBeamforming(65, 50, 500, 5000, 8, 60_000, "t.array-audio", "java", 1),
        new MockEnvironmentBuilder().setMetricGroup(task).build());
  }

  private static ArrayWindow window(String stream, long k, float value, long ingestMillis) {
    ArrayWindow w = WindowIsolationTest.window(stream, "dualcam128", value, k);
    return new ArrayWindow(
        w.streamId(),
        w.window() + k,
        w.geometryId(),
        w.channels(),
        w.samples(),
        w.coverage(),
        ingestMillis);
  }

  private long count(String camera) {
    return ((Counter) registered.get(camera + "/" + BatchingOperator.WINDOWS_METRIC)).getCount();
  }

  private double lastEndToEnd(String camera) {
    return ((Gauge<Double>) registered.get(camera + "/" + BatchingOperator.LAST_END_TO_END_METRIC))
        .getValue();
  }

  @Test
  void eachCameraCountsItsOwnWindowsAndKeepsItsLastLatency() throws Exception {
    long now = System.currentTimeMillis();
    try (var h = harness()) {
      h.open();
      for (int k = 0; k < 3; k++) {
        h.processElement(window("dock-1", k, 0.3f, now - 5_000), 0);
      }
      h.processElement(window("gate-2", 0, 0.3f, now - 20_000), 0);
      // a window whose map is not finite: published uninferred, so counted for its camera too
      h.processElement(window("gate-2", 1, 1e30f, now - 20_000), 0);
      h.endInput();
      assertEquals(5, h.extractOutputValues().size());

      assertEquals(3, count("dock-1"));
      assertEquals(2, count("gate-2"));
      assertEquals(5, count(""), "the operator's total is every camera's windows");
      assertTrue(lastEndToEnd("dock-1") >= 5_000, "dock-1: " + lastEndToEnd("dock-1"));
      assertTrue(lastEndToEnd("gate-2") >= 20_000, "gate-2: " + lastEndToEnd("gate-2"));
      assertTrue(
          lastEndToEnd("dock-1") < lastEndToEnd("gate-2"),
          "gate-2's windows waited 15 s longer since their ingest");
      assertEquals(
          2,
          registered.keySet().stream()
              .filter(k -> k.endsWith("/" + BatchingOperator.WINDOWS_METRIC) && !k.startsWith("/"))
              .count(),
          "series only for the cameras seen: " + registered.keySet());
    }
  }
}
