package ai.avloc.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job {@link FlinkScriptsTest} packs into a jar and submits to the cluster. {@code SumJob OUT
 * N} sums 1..N on two parallel source subtasks and writes the sum to OUT; {@code SumJob OUT
 * forever} counts slowly until it is canceled. {@code SumJob OUT N slow [CHECKPOINT_DIR]} sums 1..N
 * at about 100 numbers a second with the running sum in checkpointed state, and writes "SUM SEEN"
 * at the end, SEEN being how many numbers this run added itself: a run resumed from a savepoint or
 * checkpoint writes the whole sum and fewer than N. With CHECKPOINT_DIR it checkpoints every 300 ms
 * there and keeps the last checkpoint when the job is canceled or its cluster lost.
 */
public final class SumJob {
  private SumJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 2 && args[2].equals("slow")) {
      resumable(args[0], Long.parseLong(args[1]), args.length > 3 ? args[3] : null);
      return;
    }
    boolean forever = args[1].equals("forever");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSequence(1, forever ? Long.MAX_VALUE : Long.parseLong(args[1]))
        .setParallelism(2)
        .map(
            x -> {
              // an endless job that does not burn the CPU the test machine shares
              if (forever) {
                Thread.sleep(10);
              }
              return x;
            })
        .setParallelism(2)
        .sinkTo(new SumSink(args[0]))
        .setParallelism(1);
    env.execute(forever ? "sum-forever" : "sum");
  }

  private static void resumable(String out, long n, String checkpointDir) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (checkpointDir != null) {
      Configuration conf = new Configuration();
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file://" + checkpointDir);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      env.configure(conf);
      env.enableCheckpointing(300);
      env.getCheckpointConfig()
          .setExternalizedCheckpointRetention(
              ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    env.fromSequence(1, n)
        .setParallelism(2)
        .uid("numbers")
        .map(
            x -> {
              Thread.sleep(20);
              return x;
            })
        .setParallelism(2)
        .uid("slow")
        .map(new SumJobRunningSum())
        .setParallelism(1)
        .uid("running-sum")
        .sinkTo(new SumJobLastLine(out))
        .setParallelism(1)
        .uid("last-line");
    env.execute("sum-slow");
  }

  /** Adds up all it receives and writes the total once the input has ended. */
  static final class SumSink implements Sink<Long> {
    private final String out;

    SumSink(String out) {
      this.out = out;
    }

    @Override
    public SinkWriter<Long> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        private long sum;

        @Override
        public void write(Long value, Context context) {
          sum += value;
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
          if (endOfInput) {
            // written whole, then moved: the test never reads a half-written file
            Path target = Path.of(out);
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(sum), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          }
        }

        @Override
        public void close() {}
      };
    }
  }
}
