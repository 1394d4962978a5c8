package ai.avloc.stream.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;

/**
 * A live {@link KafkaSource} whose offsets reach its consumer group right after each completed
 * checkpoint, a quiet topic's too, so a job submitted again without a checkpoint starts where this
 * one's published output ends.
 *
 * <p>flink-connector-kafka 5.0.0 commits on the reader's fetcher thread: the checkpoint's commit is
 * queued there without waking the thread, which sits in a 10 s {@code KafkaConsumer.poll} (a
 * constant) whenever its partitions have no new record. The commit then waits up to 10 s, and a job
 * canceled meanwhile never makes it. After each checkpoint this source wakes the fetcher by
 * resuming the splits that run anyway (not those Flink paused), a no-op for the consumer that makes
 * the thread run its queued tasks, the commit first. Live sources only: a bounded reader unassigns
 * finished partitions, and resuming one of those fails the fetcher.
 *
 * @param <T> the records the wrapped source emits
 */
public final class CommittingKafkaSource<T>
    implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>,
        ResultTypeQueryable<T>,
        LineageVertexProvider {
  private static final long serialVersionUID = 1L;

  private final KafkaSource<T> kafka;

  /**
   * @param kafka an unbounded source that commits offsets on checkpoints
   */
  public CommittingKafkaSource(KafkaSource<T> kafka) {
    if (kafka.getBoundedness() != Boundedness.CONTINUOUS_UNBOUNDED) {
      throw new IllegalArgumentException("only a live (unbounded) Kafka source commits offsets");
    }
    this.kafka = kafka;
  }

  @Override
  public Boundedness getBoundedness() {
    return kafka.getBoundedness();
  }

  @Override
  public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
      throws Exception {
    return new WakingReader<>(kafka.createReader(context));
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context) {
    return kafka.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
      throws Exception {
    return kafka.restoreEnumerator(context, state);
  }

  @Override
  public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
    return kafka.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
    return kafka.getEnumeratorCheckpointSerializer();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return kafka.getProducedType();
  }

  @Override
  public LineageVertex getLineageVertex() {
    return kafka.getLineageVertex();
  }

  /**
   * The connector's reader, woken after each completed checkpoint. Flink calls every method on the
   * task thread, so the split sets need no lock.
   */
  static final class WakingReader<T> implements SourceReader<T, KafkaPartitionSplit> {
    private final SourceReader<T, KafkaPartitionSplit> reader;
    private final Set<String> assigned = new LinkedHashSet<>();
    private final Set<String> paused = new HashSet<>();

    WakingReader(SourceReader<T, KafkaPartitionSplit> reader) {
      this.reader = reader;
    }

    @Override
    public void start() {
      reader.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
      return reader.pollNext(output);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
      return reader.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return reader.isAvailable();
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
      reader.addSplits(splits);
      splits.forEach(s -> assigned.add(s.splitId()));
    }

    @Override
    public void notifyNoMoreSplits() {
      reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
      reader.handleSourceEvents(event);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      reader.notifyCheckpointComplete(checkpointId);
      List<String> running = new ArrayList<>(assigned);
      running.removeAll(paused);
      if (!running.isEmpty()) {
        reader.pauseOrResumeSplits(List.of(), running);
      }
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
      reader.pauseOrResumeSplits(toPause, toResume);
      paused.removeAll(toResume);
      paused.addAll(toPause);
    }

    @Override
    public void close() throws Exception {
      reader.close();
    }
  }
}
