package ai.avloc.cli.replay;

import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topics;
import ai.avloc.stream.job.ReplayRange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the archive (the camera topics: audio, array audio, frames) holds for a replay, checked
 * before any job starts: the earliest record it still retains, the offsets the range's timestamps
 * map to ({@code offsetsForTimes}), and which streams have records in the range. A range the
 * archive cannot serve is refused with an {@link IllegalArgumentException} that says why: {@code
 * --from} before the earliest retained record, nothing at all in the range, or a stream without a
 * record in it.
 *
 * @param earliest the earliest retained record's timestamp over the camera topics
 * @param latest the newest record's timestamp over the camera topics
 * @param records how many records lie between the range's start and stop offsets
 * @param streams the streams seen with records in the range (the requested ones at least)
 */
public record ArchiveRange(Instant earliest, Instant latest, long records, Set<String> streams) {
  /** How many of a partition's newest records are searched for a stream missing from the range. */
  static final int TAIL = 2000;

  private static final Duration POLL = Duration.ofMillis(200);

  /** Checks {@code range} against the archive on {@code bootstrap}. */
  public static ArchiveRange check(KafkaConnection bootstrap, Topics topics, ReplayRange range) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
      // audio first: a stream is found there with the fewest bytes read
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic :
          List.of(topics.audio().name(), topics.arrayAudio().name(), topics.frames().name())) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos != null) {
          infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
      }
      if (partitions.isEmpty()) {
        throw new IllegalArgumentException(
            "no camera topics ("
                + topics.frames().name()
                + ", "
                + topics.audio().name()
                + ", "
                + topics.arrayAudio().name()
                + ") on "
                + bootstrap
                + ": nothing has been archived there (check --bootstrap and --topic-prefix)");
      }
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> firsts = offsetsAt(consumer, partitions, 0, ends);
      Instant earliest = null;
      for (OffsetAndTimestamp o : consumer.offsetsForTimes(at(partitions, 0)).values()) {
        if (o != null && (earliest == null || o.timestamp() < earliest.toEpochMilli())) {
          earliest = Instant.ofEpochMilli(o.timestamp());
        }
      }
      if (earliest == null) {
        throw new IllegalArgumentException(
            "the archive on " + bootstrap + " is empty: the camera topics hold no records");
      }
      Instant latest = latest(consumer, partitions, ends);
      String holds = "the archive holds " + earliest + " to " + latest;
      // an event at --from arrived at most arrivalSlack later: if even that is before the earliest
      // record, it has been deleted (on topics stamped with event time the slack only widens this)
      if (range.from().plus(range.arrivalSlack()).isBefore(earliest)) {
        throw new IllegalArgumentException(
            "--from "
                + range.from()
                + " is older than the archive's earliest retained record, at "
                + earliest
                + " (the camera topics' retention); "
                + holds
                + ": replay from "
                + earliest.minus(range.arrivalSlack())
                + " or later");
      }
      Map<TopicPartition, Long> start =
          offsetsAt(consumer, partitions, range.readFrom().toEpochMilli(), ends);
      Map<TopicPartition, Long> stop =
          offsetsAt(consumer, partitions, range.readTo().toEpochMilli(), ends);
      long records = 0;
      for (TopicPartition p : partitions) {
        records += stop.get(p) - start.get(p);
      }
      Set<String> seen =
          streamsIn(consumer, partitions, start, stop, range, new LinkedHashSet<>(range.streams()));
      if (seen.isEmpty()) {
        throw new IllegalArgumentException(
            "nothing in the archive between " + range.from() + " and " + range.to() + "; " + holds);
      }
      List<String> missing = range.streams().stream().filter(s -> !seen.contains(s)).toList();
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            unknown(consumer, partitions, firsts, ends, missing, range, seen));
      }
      return new ArchiveRange(earliest, latest, records, seen);
    }
  }

  /**
   * A consumer of committed records that commits nothing, with timeouts that name a lost broker.
   */
  static KafkaConsumer<String, byte[]> consumer(KafkaConnection bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    // a scan that reaches a partition's end should not wait for records that are not coming
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    return new KafkaConsumer<>(
        bootstrap.config(config), new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static Map<TopicPartition, Long> at(List<TopicPartition> partitions, long millis) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, millis));
    return query;
  }

  /** Each partition's first offset at or after {@code millis}, else its end. */
  static Map<TopicPartition, Long> offsetsAt(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      long millis,
      Map<TopicPartition, Long> ends) {
    Map<TopicPartition, OffsetAndTimestamp> found =
        consumer.offsetsForTimes(at(partitions, millis));
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp o = found.get(p);
      offsets.put(p, o == null ? ends.get(p) : o.offset());
    }
    return offsets;
  }

  /** The newest timestamp among each partition's last record. */
  private static Instant latest(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> ends) {
    Map<TopicPartition, Long> from = new HashMap<>();
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
    for (TopicPartition p : partitions) {
      from.put(p, Math.max(beginnings.get(p), ends.get(p) - 1));
    }
    long[] newest = {Long.MIN_VALUE};
    read(
        consumer,
        partitions,
        from,
        ends,
        r -> {
          newest[0] = Math.max(newest[0], r.timestamp());
          return false;
        });
    return Instant.ofEpochMilli(newest[0]);
  }

  /**
   * The streams with a record whose timestamp lies in the range's [from, to + slack), stopping
   * early once every stream of {@code wanted} has been seen.
   */
  private static Set<String> streamsIn(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> stop,
      ReplayRange range,
      Set<String> wanted) {
    long from = range.from().toEpochMilli();
    long to = range.readTo().toEpochMilli();
    Set<String> seen = new TreeSet<>();
    read(
        consumer,
        partitions,
        start,
        stop,
        r -> {
          if (r.key() != null && r.timestamp() >= from && r.timestamp() < to) {
            seen.add(r.key());
          }
          return seen.containsAll(wanted);
        });
    return seen;
  }

  /** Why the missing streams cannot be replayed: elsewhere in the archive, or not there at all. */
  private static String unknown(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> firsts,
      Map<TopicPartition, Long> ends,
      List<String> missing,
      ReplayRange range,
      Set<String> inRange) {
    Map<TopicPartition, Long> tails = new HashMap<>();
    for (TopicPartition p : partitions) {
      tails.put(p, Math.max(firsts.get(p), ends.get(p) - TAIL));
    }
    Map<String, Long> lastSeen = new HashMap<>();
    Set<String> recent = new TreeSet<>();
    read(
        consumer,
        partitions,
        tails,
        ends,
        r -> {
          if (r.key() != null) {
            recent.add(r.key());
            lastSeen.merge(r.key(), r.timestamp(), Math::max);
          }
          return false;
        });
    StringBuilder why = new StringBuilder();
    for (String stream : missing) {
      if (why.length() > 0) {
        why.append("; ");
      }
      why.append("stream ")
          .append(stream)
          .append(" has no record between ")
          .append(range.from())
          .append(" and ")
          .append(range.to());
      Long last = lastSeen.get(stream);
      if (last != null) {
        why.append(": it exists, its latest record is at ").append(Instant.ofEpochMilli(last));
      } else {
        why.append(
            ": it is not in the archive's latest records either, so there is no such stream");
      }
    }
    why.append(" (streams in the range: ")
        .append(inRange.isEmpty() ? "none" : String.join(", ", inRange))
        .append("; in the latest records: ")
        .append(recent.isEmpty() ? "none" : String.join(", ", recent))
        .append(")");
    return why.toString();
  }

  /** What a scan does with a record; true stops the scan. */
  private interface Visit {
    boolean stop(ConsumerRecord<String, byte[]> record);
  }

  /** Reads each partition from {@code from} up to {@code to} (exclusive), in turn. */
  private static void read(
      KafkaConsumer<String, byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to,
      Visit visit) {
    for (TopicPartition p : partitions) {
      long end = to.get(p);
      if (from.get(p) >= end) {
        continue;
      }
      consumer.assign(List.of(p));
      consumer.seek(p, from.get(p));
      // read_committed: a partition's position can jump past aborted records and markers
      while (consumer.position(p) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          if (r.offset() >= end) {
            break;
          }
          if (visit.stop(r)) {
            return;
          }
        }
      }
    }
  }
}
