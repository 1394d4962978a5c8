package ai.avloc.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * CPU time of this JVM's threads at one moment, by thread id with its name, so a span's CPU can be
 * split by who spent it: the load generator, the alerts app, the job's tasks. A thread born within
 * the span counts from zero; one that ended within it is lost (the bench's threads live through
 * each row).
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> nanos;
  private final Map<Long, String> names;

  private ThreadCpu(Map<Long, Long> nanos, Map<Long, String> names) {
    this.nanos = nanos;
    this.names = names;
  }

  /** Every live thread's CPU time now. */
  static ThreadCpu now() {
    if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = THREADS.getThreadCpuTime(ids[i]);
      if (cpu >= 0 && infos[i] != null) {
        nanos.put(ids[i], cpu);
        names.put(ids[i], infos[i].getThreadName());
      }
    }
    return new ThreadCpu(nanos, names);
  }

  /**
   * CPU nanoseconds from {@code before} to this snapshot, per group that {@code groupOf} gives a
   * thread's name (null: not counted).
   */
  Map<String, Long> since(ThreadCpu before, Function<String, String> groupOf) {
    Map<String, Long> out = new TreeMap<>();
    nanos.forEach(
        (id, cpu) -> {
          String group = groupOf.apply(names.get(id));
          if (group != null) {
            out.merge(group, cpu - before.nanos.getOrDefault(id, 0L), Long::sum);
          }
        });
    return out;
  }
}
