package ai.avloc.dashboard;

import ai.avloc.dashboard.view.LocalizationView;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.Topic;
import ai.avloc.schemas.Topics;
import ai.avloc.schemas.VideoFrame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * An alert's clip read back from the topics: the frames and localizations of one camera over a time
 * range, found with the brokers' offsets-for-time index. The frames topic is stamped on arrival and
 * the localization topic near event time, so the read starts a few seconds early and keeps only
 * records whose own time falls in the range.
 */
final class ClipReader {
  /** The longest range a clip covers. */
  static final Duration MAX_LENGTH = Duration.ofSeconds(60);

  private static final long SLACK_MILLIS = 5_000;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** A frame of the clip: its time (ms) and JPEG, base64. */
  record ClipFrame(long t, String jpeg) {}

  /** What {@code GET /api/alerts/{id}/clip} answers. */
  record Clip(
      String streamId,
      long from,
      long to,
      String replay,
      List<ClipFrame> frames,
      List<LocalizationView> localizations) {}

  /** JPEG bytes a clip carries at most: 60 s of 12 frames/s at about 40 KiB a frame. */
  static final long MAX_FRAME_BYTES = 32L << 20;

  /** Windows a clip carries at most: 60 s of 12 windows/s, twice over for a replayed stream. */
  static final int MAX_LOCALIZATIONS = 2 * 12 * 60;

  /** Clips read at once: each holds two consumers and up to 32 MiB. */
  static final int MAX_READERS = 2;

  private final KafkaConnection kafka;
  private final Topics topics;
  private final Semaphore readers = new Semaphore(MAX_READERS);
  private final long maxFrameBytes;

  ClipReader(KafkaConnection kafka, Topics topics) {
    this(kafka, topics, MAX_FRAME_BYTES);
  }

  ClipReader(KafkaConnection kafka, Topics topics, long maxFrameBytes) {
    this.kafka = kafka;
    this.topics = topics;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * The clip, or empty when {@link #MAX_READERS} clips are being read already (the caller answers
   * 429: reading one costs two consumers and up to 32 MiB).
   */
  Optional<Clip> tryRead(String streamId, long from, long requestedTo) {
    if (!readers.tryAcquire()) {
      return Optional.empty();
    }
    try {
      return Optional.of(read(streamId, from, requestedTo));
    } finally {
      readers.release();
    }
  }

  private Clip read(String streamId, long from, long requestedTo) {
    long to = Math.min(requestedTo, from + MAX_LENGTH.toMillis());
    List<ClipFrame> frames = new ArrayList<>();
    List<LocalizationView> localizations = new ArrayList<>();
    // each record is decoded as it arrives and dropped unless it is kept: a camera sending large
    // frames fast would otherwise fill the heap before any cap applied
    long[] frameBytes = {0};
    read(
        topics.frames().name(),
        streamId,
        from,
        to,
        r -> {
          VideoFrame f = decoded(topics.frames(), r);
          if (f == null) {
            return true;
          }
          long t = f.getTimestamp().toEpochMilli();
          if (t >= from && t < to) {
            frameBytes[0] += f.getJpeg().remaining();
            if (frameBytes[0] > maxFrameBytes) {
              return false; // the clip ends at its budget, as it would at its length
            }
            frames.add(new ClipFrame(t, base64(f.getJpeg())));
          }
          return true;
        });
    read(
        topics.localizations().name(),
        streamId,
        from,
        to,
        r -> {
          Localization l = decoded(topics.localizations(), r);
          if (l == null) {
            return true;
          }
          long t = l.getWindowStart().toEpochMilli();
          if (t >= from && t < to) {
            localizations.add(LocalizationView.of(l, l.getEmitTime().toEpochMilli()));
          }
          return localizations.size() < MAX_LOCALIZATIONS;
        });
    frames.sort((a, b) -> Long.compare(a.t(), b.t()));
    localizations.sort((a, b) -> Long.compare(a.window(), b.window()));
    // the id goes into a command a user pastes into a shell: quoted, whatever a camera is called
    String replay =
        "./avloc replay --stream "
            + "'"
            + streamId.replace("'", "'\\''")
            + "'"
            + " --from "
            + Instant.ofEpochMilli(from)
            + " --to "
            + Instant.ofEpochMilli(to)
            + " --out clips/"
            + streamId.replaceAll("[^A-Za-z0-9._-]", "_");
    return new Clip(streamId, from, to, replay, frames, localizations);
  }

  /**
   * Hands the stream's records of one topic with record time in [from - slack, to + slack] to
   * {@code take}, in each partition's order, until it answers false.
   */
  private void read(
      String topic,
      String streamId,
      long from,
      long to,
      Predicate<ConsumerRecord<String, byte[]>> take) {
    Properties p = kafka.settingsAsProperties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic, READ_TIMEOUT)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(partitions);
      Map<TopicPartition, Long> start = new HashMap<>();
      partitions.forEach(tp -> start.put(tp, from - SLACK_MILLIS));
      Map<TopicPartition, OffsetAndTimestamp> offsets = c.offsetsForTimes(start, READ_TIMEOUT);
      Map<TopicPartition, Long> ends = c.endOffsets(partitions, READ_TIMEOUT);
      List<TopicPartition> open = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp o = offsets.get(tp);
        if (o != null && o.offset() < ends.get(tp)) {
          c.seek(tp, o.offset());
          open.add(tp);
        }
      }
      c.assign(open);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!open.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.timestamp() > to + SLACK_MILLIS) {
            open.remove(tp);
          }
          if (streamId.equals(r.key())
              && r.value() != null
              && r.timestamp() <= to + SLACK_MILLIS
              && !take.test(r)) {
            return;
          }
        }
        // done with a partition at its end offset: its last offset may be a transaction marker,
        // which no record reports
        open.removeIf(tp -> c.position(tp) >= ends.get(tp));
        c.assign(open);
      }
    }
  }

  /**
   * The record's value, or null when it does not decode: the live view counted it already, and a
   * clip shows what it can.
   */
  private static <V extends SpecificRecord> V decoded(
      Topic<V> topic, ConsumerRecord<String, byte[]> r) {
    try {
      return topic.values().deserialize(r.topic(), r.value());
    } catch (RuntimeException undecodable) {
      return null;
    }
  }

  private static String base64(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
