package ai.avloc.infra;

import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * {@link SumJob}'s running sum, kept in operator state; emits "SUM SEEN" after each number, SEEN
 * counting only the numbers of this run (not restored).
 */
final class SumJobRunningSum implements MapFunction<Long, String>, CheckpointedFunction {
  private transient ListState<Long> state;
  private long sum;
  private long seen;

  @Override
  public String map(Long x) {
    sum += x;
    seen++;
    return sum + " " + seen;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    state.update(List.of(sum));
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    state =
        context.getOperatorStateStore().getListState(new ListStateDescriptor<>("sum", Long.class));
    for (Long restored : state.get()) {
      sum += restored;
    }
  }
}
