package ai.avloc.stream.job;

import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.schemas.Localization;
import ai.avloc.serving.ModelCard;
import ai.avloc.stream.metrics.StageNanos;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per mono stream, publishes a window's sources only when the {@link SourceConfirmation} rule
 * confirms them from the stream's windows before it; an unconfirmed window goes out silent, with
 * its energy map and flatness as they were, so nothing is dropped.
 */
public final class SourceConfirmer
    extends KeyedProcessFunction<String, Localization, Localization> {
  private final String configured;
  private final String modelDir;

  private transient SourceConfirmation rule;
  private transient ValueState<Tuple3<Long, Integer, Integer>> history;
  private transient Counter unconfirmed;
  private transient Counter errors;
  private transient Counter confirmNanos;
  private transient Counter emitNanos;

  private static final Logger LOG = LoggerFactory.getLogger(SourceConfirmer.class);

  /**
   * @param configured "model" for the rule in the model card (none when the card has none), else
   *     NEEDED/WINDOWS
   * @param modelDir the model whose card holds the rule, readable on every TaskManager
   */
  public SourceConfirmer(String configured, String modelDir) {
    this.configured = configured;
    this.modelDir = modelDir;
    rule(configured, null); // a malformed rule fails when the job is built, not when it runs
  }

  /** The job's rule, else the card's ({@code confirmNeeded}/{@code confirmWindows}), else none. */
  static SourceConfirmation rule(String configured, ModelCard card) {
    if (!configured.equals("model")) {
      return SourceConfirmation.parse(configured);
    }
    Map<String, Double> metrics =
        card == null || card.metrics() == null ? Map.of() : card.metrics();
    Double needed = metrics.get("confirmNeeded");
    Double windows = metrics.get("confirmWindows");
    if (needed == null || windows == null) {
      return SourceConfirmation.NONE;
    }
    try {
      if (needed != Math.rint(needed) || windows != Math.rint(windows)) {
        throw new IllegalArgumentException("not whole numbers");
      }
      return new SourceConfirmation(needed.intValue(), windows.intValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model card "
              + card.id()
              + ": confirmNeeded "
              + needed
              + " / confirmWindows "
              + windows
              + " is no confirmation rule ("
              + e.getMessage()
              + "); fix its model.json or give the job --mono-confirm N/M",
          e);
    }
  }

  @Override
  public void open(OpenContext context) {
    try {
      rule =
          rule(configured, configured.equals("model") ? ModelCard.read(Path.of(modelDir)) : null);
    } catch (IOException | RuntimeException e) {
      // a missing or corrupt card also disables the model (MonoInference), whose windows go out
      // uninferred; failing here would stop every camera of the job instead
      rule = SourceConfirmation.NONE;
      LOG.error(
          "No source confirmation: the model card in {} cannot be used ({}); mono windows are"
              + " published unconfirmed",
          modelDir,
          e.toString());
    }
    ValueStateDescriptor<Tuple3<Long, Integer, Integer>> recent =
        new ValueStateDescriptor<>("source-history", Types.TUPLE(Types.LONG, Types.INT, Types.INT));
    // a camera that stops leaves no history behind; one that comes back starts afresh
    recent.enableTimeToLive(StateTtlConfig.newBuilder(WindowAligner.STREAM_STATE_TTL).build());
    history = getRuntimeContext().getState(recent);
    unconfirmed = getRuntimeContext().getMetricGroup().counter("unconfirmedSourceWindows");
    errors = getRuntimeContext().getMetricGroup().counter("sourceConfirmationErrors");
    confirmNanos = StageNanos.counter(getRuntimeContext().getMetricGroup(), StageNanos.CONFIRM);
    emitNanos = StageNanos.counter(getRuntimeContext().getMetricGroup(), StageNanos.EMIT);
  }

  @Override
  public void processElement(Localization l, Context ctx, Collector<Localization> out)
      throws IOException {
    long start = System.nanoTime();
    Localization confirmed;
    try {
      confirmed = confirm(l);
    } catch (RuntimeException e) {
      // the window still goes out, as inferred; one stream's odd history fails no task
      errors.inc();
      confirmed = l;
    }
    long confirmedAt = System.nanoTime();
    confirmNanos.inc(confirmedAt - start);
    out.collect(confirmed);
    emitNanos.inc(System.nanoTime() - confirmedAt);
  }

  private Localization confirm(Localization l) throws IOException {
    Tuple3<Long, Integer, Integer> t = history.value();
    SourceConfirmation.History before =
        t == null
            ? SourceConfirmation.History.EMPTY
            : new SourceConfirmation.History(t.f0, t.f1, t.f2);
    boolean own = !l.getSilent();
    boolean confirmed = rule.confirms(before, l.getWindow(), own);
    SourceConfirmation.History after = rule.after(before, l.getWindow(), own);
    history.update(Tuple3.of(after.lastWindow(), after.known(), after.sources()));
    if (own && !confirmed) {
      unconfirmed.inc();
      return Localization.newBuilder(l).setSilent(true).setPeaks(List.of()).build();
    }
    return l;
  }
}
