package ai.avloc.stream.job;

import ai.avloc.schemas.Localization;
import ai.avloc.stream.features.Localizations;
import ai.avloc.stream.kafka.DeadLetters;
import ai.avloc.stream.kafka.Failed;
import ai.avloc.stream.metrics.PerCamera;
import ai.avloc.stream.metrics.StageNanos;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Collects windows from many streams into batches for one model call: a batch goes when it holds
 * {@code maxBatch} windows or its first window has waited {@code maxWaitMillis}. The buffer is
 * emptied before every checkpoint barrier and at the end of input, so no window lives only in
 * memory across a checkpoint and the operator needs no state of its own. Watermarks pass a waiting
 * batch (flushing on each would send every window alone, since the aligner closes one window per
 * watermark step); only the sinks follow, and they do not look at event time.
 *
 * <p>A batch that throws is run again window by window: the windows that go through are published
 * as usual, each one that throws alone becomes a dead letter (stage {@link #stage()}, the
 * exception) and is still published, uninferred, so no window goes missing and no task fails.
 *
 * <p>Besides the operator's totals, each camera has {@value #WINDOWS_METRIC} and {@value
 * #LAST_END_TO_END_METRIC} under its {@link PerCamera} group, made when its first window goes out.
 */
public abstract class BatchingOperator<IN> extends AbstractStreamOperator<Localization>
    implements OneInputStreamOperator<IN, Localization>, BoundedOneInput {
  /** The counter of batches localized: windows localized over it is the mean batch. */
  public static final String BATCHES_METRIC = "batchesLocalized";

  /** Windows localized, also per camera (under {@link PerCamera#GROUP}). */
  public static final String WINDOWS_METRIC = "windowsLocalized";

  /** Per camera: broker receipt of its last window's last event to the window's emit, in ms. */
  public static final String LAST_END_TO_END_METRIC = "lastEndToEndMillis";

  /** One camera's series: windows published for it, and its last window's latency. */
  record CameraSeries(Counter windows, PerCamera.LastValue endToEndMillis) {
    static CameraSeries on(MetricGroup group) {
      return new CameraSeries(
          group.counter(WINDOWS_METRIC),
          group.gauge(LAST_END_TO_END_METRIC, new PerCamera.LastValue()));
    }
  }

  protected final int maxBatch;
  private final long maxWaitMillis;

  private transient List<IN> buffer;

  /** When each buffered window arrived, System.nanoTime(), by its place in the buffer. */
  private transient long[] arrivals;

  private transient ScheduledFuture<?> timer;
  private transient Counter windows;
  private transient Counter batches;
  private transient Histogram batchSizes;
  private transient Histogram inferenceMicros;
  private transient Histogram endToEndMillis;
  private transient Counter failedWindows;
  private transient Counter retriedBatches;
  private transient Counter batchWaitNanos;
  private transient Counter emitNanos;
  private transient Counter localizeNanos;
  private transient PerCamera<CameraSeries> perCamera;

  protected BatchingOperator(int maxBatch, long maxWaitMillis) {
    if (maxBatch < 1 || maxWaitMillis < 0) {
      throw new IllegalArgumentException(
          "max batch must be at least 1 and max wait not negative: "
              + maxBatch
              + ", "
              + maxWaitMillis);
    }
    this.maxBatch = maxBatch;
    this.maxWaitMillis = maxWaitMillis;
  }

  /** Loads what the batches run on (a model, beamformers); called once per subtask. */
  protected abstract void openModel() throws Exception;

  /**
   * Localizes one batch, one record per window, in order.
   *
   * @param deadLetters receives windows that could not be used (e.g. an undecodable frame)
   */
  protected abstract List<Localization> localize(List<IN> batch, DeadLetterOutput deadLetters)
      throws Exception;

  protected abstract void closeModel() throws Exception;

  /** Where a window failed, for its dead letter: "infer", "beamform". */
  protected abstract String stage();

  /**
   * The record published for a window that could not be localized: no map, not inferred; null when
   * even that cannot be built.
   */
  protected abstract Localization unlocalized(IN window);

  /** The dead letter of a window that could not be localized, saying why. */
  protected abstract Failed failedWindow(IN window, String stage, String reason);

  /**
   * The dead letter of window {@code window} of camera {@code streamId}, which starts at {@code
   * startMicros}: keyed by the camera, named after the input {@code topic} and, where one record
   * stands for the window, its {@code sequence} (else -1).
   */
  protected static Failed failedWindow(
      String topic,
      long sequence,
      long startMicros,
      String streamId,
      long window,
      String stage,
      String reason) {
    return new Failed(
        topic,
        -1,
        sequence,
        Math.floorDiv(startMicros, 1000),
        streamId.getBytes(StandardCharsets.UTF_8),
        null,
        stage,
        "window " + window + " of " + streamId + ": " + reason);
  }

  /** Where a batch's failures go: the job's dead-letter side output. */
  public interface DeadLetterOutput {
    void send(Failed failed);
  }

  @Override
  public void open() throws Exception {
    super.open();
    buffer = new ArrayList<>(maxBatch);
    var metrics = getMetricGroup();
    windows = metrics.counter(WINDOWS_METRIC);
    perCamera = new PerCamera<>(metrics, CameraSeries::on);
    metrics.meter("windowsPerSecond", new MeterView(windows));
    batches = metrics.counter(BATCHES_METRIC);
    batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    inferenceMicros =
        metrics.histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));
    endToEndMillis = metrics.histogram("endToEndMillis", new DescriptiveStatisticsHistogram(1000));
    failedWindows = metrics.counter("windowsFailed");
    retriedBatches = metrics.counter("batchesRetriedPerWindow");
    arrivals = new long[maxBatch];
    batchWaitNanos = stageNanos(StageNanos.BATCH_WAIT);
    emitNanos = stageNanos(StageNanos.EMIT);
    localizeNanos = stageNanos(StageNanos.LOCALIZE);
    openModel();
  }

  @Override
  public void processElement(StreamRecord<IN> element) throws Exception {
    arrivals[buffer.size()] = System.nanoTime();
    buffer.add(element.getValue());
    if (buffer.size() >= maxBatch) {
      flush();
    } else if (buffer.size() == 1) {
      long now = getProcessingTimeService().getCurrentProcessingTime();
      timer = getProcessingTimeService().registerTimer(now + maxWaitMillis, this::onTimer);
    }
  }

  private void onTimer(long time) throws Exception {
    timer = null;
    if (!buffer.isEmpty()) {
      flush();
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void endInput() throws Exception {
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  private void flush() throws Exception {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (buffer.isEmpty()) {
      return;
    }
    List<IN> batch = buffer;
    buffer = new ArrayList<>(maxBatch);
    long start = System.nanoTime();
    long waited = 0;
    for (int i = 0; i < batch.size(); i++) {
      waited += start - arrivals[i];
    }
    batchWaitNanos.inc(waited);
    List<Failed> letters = new ArrayList<>();
    List<Localization> out;
    try {
      out = localize(batch, letters::add);
    } catch (Exception e) {
      letters.clear(); // the windows' own retries send them again
      out = windowByWindow(batch, e, letters);
    }
    for (Failed f : letters) {
      output.collect(DeadLetters.TAG, new StreamRecord<>(f));
    }
    long localized = System.nanoTime() - start;
    localizeNanos.inc(localized);
    long micros = localized / 1000;
    batchSizes.update(batch.size());
    inferenceMicros.update(micros);
    long now = System.currentTimeMillis();
    long emitStart = System.nanoTime();
    for (Localization l : out) {
      l.setInferenceMicros(micros);
      l.setEmitTime(Localizations.micros(now * 1000));
      long endToEnd = now - l.getIngestTime().toEpochMilli();
      endToEndMillis.update(endToEnd);
      CameraSeries camera = perCamera.of(l.getStreamId().toString());
      camera.windows().inc();
      camera.endToEndMillis().set(endToEnd);
      output.collect(new StreamRecord<>(l));
    }
    emitNanos.inc(System.nanoTime() - emitStart);
    windows.inc(out.size());
    batches.inc();
  }

  /**
   * A stage timer of this operator ({@link StageNanos}); for subclasses from {@link #openModel}.
   */
  protected final Counter stageNanos(String stage) {
    return StageNanos.counter(getMetricGroup(), stage);
  }

  /** The batch again, one window at a time, to tell the window that throws from the others. */
  private List<Localization> windowByWindow(
      List<IN> batch, Exception batchError, List<Failed> letters) {
    if (batch.size() > 1) {
      retriedBatches.inc();
    }
    List<Localization> out = new ArrayList<>(batch.size());
    for (IN window : batch) {
      List<Failed> own = new ArrayList<>();
      try {
        out.addAll(batch.size() == 1 ? rethrow(batchError) : localize(List.of(window), own::add));
        letters.addAll(own);
        continue;
      } catch (Exception e) {
        failedWindows.inc();
        letters.add(failedWindow(window, stage(), describe(e)));
      }
      try {
        Localization l = unlocalized(window);
        if (l != null) {
          out.add(l);
        }
      } catch (RuntimeException e) {
        // the dead letter already tells; a window that cannot even be described goes no further
      }
    }
    return out;
  }

  private static List<Localization> rethrow(Exception e) throws Exception {
    throw e;
  }

  /** An exception in words for a dead letter: its type and message, at most 500 characters. */
  static String describe(Throwable e) {
    return WindowAligner.describe(e);
  }

  @Override
  public void close() throws Exception {
    closeModel();
    super.close();
  }
}
