package ai.avloc.cli.bench;

import ai.avloc.stream.metrics.PerCamera;
import ai.avloc.stream.metrics.StageNanos;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for a job that runs in this JVM: it keeps a reference to each metric the
 * job registers, so {@code bench stream} reads the job's own counters ({@link StageNanos}, windows
 * localized) and gauges (checkpoints) directly, without a polling interval or a REST call. Metrics
 * leave when their job ends.
 */
public final class BenchMetrics implements MetricReporter {
  /** The reporter's name in the Flink configuration. */
  static final String NAME = "bench";

  private static final Map<Metric, Registered> METRICS = new ConcurrentHashMap<>();

  /** One metric with where it belongs: the job, the task, the last part of its group's scope. */
  record Registered(String job, String task, String group, String name, Metric metric) {}

  /** The configuration that installs this reporter in a local cluster. */
  static Configuration install(Configuration conf) {
    conf.set(
        ConfigOptions.key("metrics.reporter." + NAME + ".factory.class")
            .stringType()
            .noDefaultValue(),
        Factory.class.getName());
    return conf;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    Map<String, String> vars = group.getAllVariables();
    if (vars.containsKey("<" + PerCamera.GROUP + ">")) {
      return; // a camera's series repeat its operator's totals under the same names
    }
    String[] scope = group.getScopeComponents();
    METRICS.put(
        metric,
        new Registered(
            vars.getOrDefault("<job_name>", ""),
            vars.getOrDefault("<task_name>", ""),
            scope.length == 0 ? "" : scope[scope.length - 1],
            name,
            metric));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    METRICS.remove(metric);
  }

  /** Nanoseconds per stage so far, summed over the job's operators and subtasks. */
  static Map<String, Long> stageNanos(String job) {
    Map<String, Long> out = new TreeMap<>();
    for (Registered r : METRICS.values()) {
      if (r.job().equals(job)
          && r.group().equals(StageNanos.GROUP)
          && r.metric() instanceof Counter c) {
        out.merge(r.name(), c.getCount(), Long::sum);
      }
    }
    return out;
  }

  /** A counter of the job summed over its operators and subtasks (0 when there is none). */
  static long count(String job, String name) {
    long sum = 0;
    for (Registered r : METRICS.values()) {
      if (r.job().equals(job) && r.name().equals(name) && r.metric() instanceof Counter c) {
        sum += c.getCount();
      }
    }
    return sum;
  }

  /** A numeric gauge of the job (the first one of that name), NaN when there is none. */
  static double gauge(String job, String name) {
    for (Registered r : METRICS.values()) {
      if (r.job().equals(job)
          && r.name().equals(name)
          && r.metric() instanceof Gauge<?> g
          && g.getValue() instanceof Number n) {
        return n.doubleValue();
      }
    }
    return Double.NaN;
  }

  /** A numeric gauge per task, summed over its subtasks: e.g. busyTimeMsPerSecond. */
  static Map<String, Double> perTask(String job, String name) {
    Map<String, Double> out = new TreeMap<>();
    for (Registered r : METRICS.values()) {
      if (r.job().equals(job)
          && !r.task().isEmpty()
          && r.name().equals(name)
          && r.metric() instanceof Gauge<?> g
          && g.getValue() instanceof Number n) {
        out.merge(r.task(), n.doubleValue(), Double::sum);
      }
    }
    return out;
  }

  /** Found by Flink's service loader; see {@link #install}. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new BenchMetrics();
    }
  }
}
