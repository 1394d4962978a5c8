package ai.avloc.cli.replay;

import ai.avloc.schemas.AudioChunk;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topic;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.job.ReplayRange;
import ai.avloc.stream.kafka.Validation;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Writes a replayed stream's {@link EvidenceClip} from the archive: the stream's frames and audio
 * are read again from the camera topics over the replay's range and fed to the clip merged by event
 * time, each window's localization just before the first event of that window, so the clip never
 * waits for one (the replay already has them all) and holds at most a window of media.
 *
 * <p>A stream's records all lie in one partition of each topic (keyed by stream id) in the order
 * the gateway published them, which is event-time order; each topic is read as one cursor from the
 * offsets of the range's first and last Kafka timestamps.
 */
public final class ArchiveClips implements ClipExport {
  private final PrintStream log;

  public ArchiveClips(PrintStream log) {
    this.log = log;
  }

  @Override
  public void write(Stream s) throws IOException {
    long began = System.nanoTime();
    ReplayRange range = s.range();
    long from = micros(range.from());
    long to = micros(range.to());
    Iterator<Localization> maps = s.localizations().iterator();
    Localization nextMap = maps.hasNext() ? maps.next() : null;
    try (Cursor<VideoFrame> frames =
            new Cursor<>(
                s.bootstrap(),
                s.topics().frames(),
                s.streamId(),
                range,
                f -> micros(f.getTimestamp()),
                f -> {
                  Validation.frame(f, 0);
                  sameStream(s.streamId(), f.getStreamId());
                });
        Cursor<AudioChunk> audio =
            new Cursor<>(
                s.bootstrap(),
                s.topics().audio(),
                s.streamId(),
                range,
                a -> micros(a.getTimestamp()),
                a -> {
                  Validation.audio(a, 0);
                  sameStream(s.streamId(), a.getStreamId());
                });
        EvidenceClip clip = EvidenceClip.create(s.mp4(), s.streamId())) {
      while (true) {
        VideoFrame f = frames.peek(from, to);
        AudioChunk a = audio.peek(from, to);
        if (f == null && a == null) {
          break;
        }
        boolean frameFirst =
            a == null || (f != null && micros(f.getTimestamp()) <= micros(a.getTimestamp()));
        long window =
            WindowClock.windowOf(frameFirst ? micros(f.getTimestamp()) : micros(a.getTimestamp()));
        while (nextMap != null && nextMap.getWindow() <= window) {
          clip.localization(nextMap);
          nextMap = maps.hasNext() ? maps.next() : null;
        }
        if (frameFirst) {
          clip.frame(frames.take());
        } else {
          clip.audio(audio.take());
        }
      }
      while (nextMap != null) {
        clip.localization(nextMap);
        nextMap = maps.hasNext() ? maps.next() : null;
      }
      EvidenceClip.Summary done = clip.finish();
      log.printf(
          Locale.ROOT,
          "clip %s: %.1f s, %d frames (%d from the camera, %d held), %d windows with a map,"
              + " %d without a localization, %d archived record(s) the job rejects left out, %s,"
              + " written in %.1f s%n",
          s.streamId(),
          done.seconds(),
          done.frames(),
          done.cameraFrames(),
          done.heldFrames(),
          done.mapWindows(),
          done.missingLocalizations(),
          frames.rejected + audio.rejected,
          done.videoCodec(),
          (System.nanoTime() - began) / 1e9);
    }
  }

  /** A record keyed to the stream whose value names another is not the stream's. */
  private static void sameStream(String streamId, CharSequence named) {
    if (!streamId.contentEquals(named)) {
      throw new IllegalArgumentException("keyed " + streamId + " but names " + named);
    }
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  /**
   * One camera topic read from the offset of the range's first Kafka timestamp to that of its last,
   * keeping one stream's records.
   */
  static final class Cursor<V extends SpecificRecord> implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<V> values;
    private final String topic;
    private final String streamId;
    private final ToLongFunction<V> time;
    private final Consumer<V> check;
    private long rejected;
    private final Map<TopicPartition, Long> stops = new HashMap<>();
    private final ArrayDeque<V> ready = new ArrayDeque<>();

    Cursor(
        KafkaConnection bootstrap,
        Topic<V> topic,
        String streamId,
        ReplayRange range,
        ToLongFunction<V> time,
        Consumer<V> check) {
      this.consumer = ArchiveRange.consumer(bootstrap);
      this.values = topic.values();
      this.topic = topic.name();
      this.streamId = streamId;
      this.time = time;
      this.check = check;
      List<TopicPartition> partitions = new ArrayList<>();
      List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15));
      if (infos != null) {
        infos.forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> starts =
          ArchiveRange.offsetsAt(consumer, partitions, range.readFrom().toEpochMilli(), ends);
      stops.putAll(
          ArchiveRange.offsetsAt(consumer, partitions, range.readTo().toEpochMilli(), ends));
      for (TopicPartition p : partitions) {
        consumer.seek(p, starts.get(p));
        if (starts.get(p) >= stops.get(p)) {
          stops.remove(p);
        }
      }
      consumer.pause(partitions.stream().filter(p -> !stops.containsKey(p)).toList());
    }

    /** The next record of the stream with event time in [from, to), or null at the range's end. */
    V peek(long from, long to) {
      while (true) {
        while (!ready.isEmpty()) {
          long t = time.applyAsLong(ready.peek());
          if (t >= from && t < to) {
            return ready.peek();
          }
          ready.poll();
        }
        if (stops.isEmpty()) {
          return null;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition p = new TopicPartition(r.topic(), r.partition());
          Long stop = stops.get(p);
          if (stop == null || r.offset() >= stop) {
            continue;
          }
          if (streamId.equals(r.key())) {
            try {
              V value = values.deserialize(topic, r.value());
              check.accept(value);
              ready.add(value);
            } catch (RuntimeException e) {
              // a record the job dead-letters (the job's own checks) has no place in the clip
              rejected++;
            }
          }
        }
        for (TopicPartition p : List.copyOf(stops.keySet())) {
          if (consumer.position(p) >= stops.get(p)) {
            stops.remove(p);
            consumer.pause(List.of(p));
          }
        }
      }
    }

    V take() {
      return ready.poll();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
