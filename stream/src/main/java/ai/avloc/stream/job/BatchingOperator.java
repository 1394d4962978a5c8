package ai.avloc.stream.job;

import ai.avloc.schemas.Localization;
import ai.avloc.stream.features.Localizations;
import ai.avloc.stream.kafka.DeadLetters;
import ai.avloc.stream.kafka.Failed;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
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
 */
public abstract class BatchingOperator<IN> extends AbstractStreamOperator<Localization>
    implements OneInputStreamOperator<IN, Localization>, BoundedOneInput {
  protected final int maxBatch;
  private final long maxWaitMillis;

  private transient List<IN> buffer;
  private transient ScheduledFuture<?> timer;
  private transient Counter windows;
  private transient Histogram batchSizes;
  private transient Histogram inferenceMicros;
  private transient Histogram endToEndMillis;

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

  /** Where a batch's failures go: the job's dead-letter side output. */
  public interface DeadLetterOutput {
    void send(Failed failed);
  }

  @Override
  public void open() throws Exception {
    super.open();
    buffer = new ArrayList<>(maxBatch);
    var metrics = getMetricGroup();
    windows = metrics.counter("windowsLocalized");
    metrics.meter("windowsPerSecond", new MeterView(windows));
    batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    inferenceMicros =
        metrics.histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));
    endToEndMillis = metrics.histogram("endToEndMillis", new DescriptiveStatisticsHistogram(1000));
    openModel();
  }

  @Override
  public void processElement(StreamRecord<IN> element) throws Exception {
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
    List<Localization> out =
        localize(batch, failed -> output.collect(DeadLetters.TAG, new StreamRecord<>(failed)));
    long micros = (System.nanoTime() - start) / 1000;
    batchSizes.update(batch.size());
    inferenceMicros.update(micros);
    long now = System.currentTimeMillis();
    for (Localization l : out) {
      l.setInferenceMicros(micros);
      l.setEmitTime(Localizations.micros(now * 1000));
      endToEndMillis.update(now - l.getIngestTime().toEpochMilli());
      output.collect(new StreamRecord<>(l));
    }
    windows.inc(out.size());
  }

  @Override
  public void close() throws Exception {
    closeModel();
    super.close();
  }
}
