package ai.avloc.stream.kafka;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Good events continue; failures go to {@link DeadLetters#TAG}. */
public final class Split<E> extends ProcessFunction<Decoded<E>, E> {
  @Override
  public void processElement(Decoded<E> decoded, Context ctx, Collector<E> out) {
    if (decoded.failure() != null) {
      ctx.output(DeadLetters.TAG, decoded.failure());
    } else {
      out.collect(decoded.event());
    }
  }
}
