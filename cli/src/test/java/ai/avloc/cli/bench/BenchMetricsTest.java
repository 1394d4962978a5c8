package ai.avloc.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.stream.metrics.PerCamera;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The bench sums a job's counters by name, once: not again through each camera's series. */
class BenchMetricsTest {
  private static MetricGroup group(String job, String camera) {
    Map<String, String> vars = new HashMap<>();
    vars.put("<job_name>", job);
    vars.put("<task_name>", "mono inference");
    if (camera != null) {
      vars.put("<" + PerCamera.GROUP + ">", camera);
    }
    return new UnregisteredMetricsGroup() {
      @Override
      public Map<String, String> getAllVariables() {
        return vars;
      }

      @Override
      public String[] getScopeComponents() {
        return camera == null
            ? new String[] {"mono inference"}
            : new String[] {"mono inference", PerCamera.GROUP, camera};
      }
    };
  }

  @Test
  void windowsLocalizedCountsTheOperatorsTotalNotItsCamerasAgain() {
    BenchMetrics reporter = new BenchMetrics();
    SimpleCounter total = new SimpleCounter();
    SimpleCounter dock = new SimpleCounter();
    SimpleCounter gate = new SimpleCounter();
    total.inc(5);
    dock.inc(3);
    gate.inc(2);
    reporter.notifyOfAddedMetric(total, "windowsLocalized", group("bench-metrics-test", null));
    reporter.notifyOfAddedMetric(dock, "windowsLocalized", group("bench-metrics-test", "dock-1"));
    reporter.notifyOfAddedMetric(gate, "windowsLocalized", group("bench-metrics-test", "gate-2"));
    try {
      assertEquals(5, BenchMetrics.count("bench-metrics-test", "windowsLocalized"));
    } finally {
      reporter.notifyOfRemovedMetric(total, "windowsLocalized", null);
      reporter.notifyOfRemovedMetric(dock, "windowsLocalized", null);
      reporter.notifyOfRemovedMetric(gate, "windowsLocalized", null);
    }
  }
}
