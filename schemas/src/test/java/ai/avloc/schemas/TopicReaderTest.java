package ai.avloc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class TopicReaderTest {
  static final Topics TOPICS = Topics.withPrefix("r.");
  static final String LOCALIZATIONS = TOPICS.localizations().name();
  static final TopicPartition P0 = new TopicPartition(LOCALIZATIONS, 0);
  static final TopicPartition P1 = new TopicPartition(LOCALIZATIONS, 1);

  /** A consumer that knows the topic's two partitions, holding 0-2 and 0-1 records. */
  static MockConsumer<byte[], byte[]> twoPartitions() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.updatePartitions(
        LOCALIZATIONS,
        List.of(
            new PartitionInfo(LOCALIZATIONS, 0, null, null, null),
            new PartitionInfo(LOCALIZATIONS, 1, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.updateEndOffsets(Map.of(P0, 3L, P1, 2L));
    return consumer;
  }

  static ConsumerRecord<byte[], byte[]> record(TopicPartition p, long offset, long window) {
    Localization l = AvroSerdeTest.localization();
    l.setWindow(window);
    return new ConsumerRecord<>(
        p.topic(),
        p.partition(),
        offset,
        l.getStreamId().getBytes(StandardCharsets.UTF_8),
        TOPICS.localizations().values().serialize(p.topic(), l));
  }

  static TopicReader<Localization> localizations(MockConsumer<byte[], byte[]> consumer) {
    return new TopicReader<>(
        consumer, LOCALIZATIONS, TOPICS.localizations().values(), false, "test");
  }

  @Test
  void shouldAssignEveryPartitionFromTheStartAndDecodeKeysAndValues() {
    MockConsumer<byte[], byte[]> consumer = twoPartitions();
    try (TopicReader<Localization> reader = localizations(consumer)) {
      assertEquals(java.util.Set.of(P0, P1), consumer.assignment());
      assertEquals(0L, consumer.position(P0));
      consumer.addRecord(record(P0, 0, 7));
      consumer.addRecord(record(P1, 0, 8));

      List<ConsumerRecord<String, Localization>> read =
          reader.readRecords(TopicReader.Until.count(2).within(Duration.ofSeconds(5)));

      assertEquals(2, read.size());
      assertEquals(List.of("gate-3", "gate-3"), read.stream().map(ConsumerRecord::key).toList());
      assertEquals(
          java.util.Set.of(7L, 8L),
          read.stream()
              .map(r -> r.value().getWindow())
              .collect(java.util.stream.Collectors.toSet()));
      assertEquals(Map.of(P0, 3L, P1, 2L), reader.endOffsets());
    }
    assertTrue(consumer.closed(), "closing the reader closes its consumer");
  }

  @Test
  void shouldStartAtTheEndWhenAsked() {
    MockConsumer<byte[], byte[]> consumer = twoPartitions();
    try (TopicReader<byte[]> reader =
        new TopicReader<>(consumer, LOCALIZATIONS, new ByteArrayDeserializer(), true, "test")) {
      assertEquals(3L, consumer.position(P0));
      assertEquals(2L, consumer.position(P1));
      assertEquals(List.of(), reader.poll(Duration.ZERO));
    }
  }

  @Test
  void shouldStopAtTheTimeoutWhenTooFewRecordsCome() {
    try (TopicReader<Localization> reader = localizations(twoPartitions())) {
      long start = System.nanoTime();
      List<Localization> read =
          reader.read(TopicReader.Until.count(1).within(Duration.ofMillis(300)));
      assertEquals(0, read.size());
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
    }
  }

  @Test
  void shouldFailNamingATopicWithoutPartitionsAndCloseItsConsumer() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TopicReader<>(
                    consumer, "r.nothing", new ByteArrayDeserializer(), false, "b:9"));
    assertEquals("topic r.nothing does not exist on b:9", e.getMessage());
    assertTrue(consumer.closed());
  }

  @Test
  void shouldStopOnCountAloneOrOnTimeout() {
    TopicReader.Until until = TopicReader.Until.count(3).within(Duration.ofSeconds(20));
    assertFalse(until.reached(2, Duration.ofSeconds(19), Duration.ZERO));
    assertTrue(until.reached(3, Duration.ofSeconds(1), Duration.ZERO));
    assertTrue(until.reached(4, Duration.ofSeconds(1), Duration.ZERO), "a whole batch may overrun");
    assertTrue(until.reached(0, Duration.ofSeconds(20), Duration.ofSeconds(20)));
    assertTrue(TopicReader.Until.count(0).reached(0, Duration.ZERO, Duration.ZERO));
  }

  @Test
  void shouldWaitForQuietOnlyOnceEnoughRecordsCame() {
    TopicReader.Until until =
        TopicReader.Until.count(5).thenQuiet(Duration.ofSeconds(2)).within(Duration.ofSeconds(60));
    assertFalse(until.reached(4, Duration.ofSeconds(10), Duration.ofSeconds(9)), "too few");
    assertFalse(until.reached(5, Duration.ofSeconds(10), Duration.ofSeconds(1)), "still coming");
    assertTrue(until.reached(5, Duration.ofSeconds(10), Duration.ofSeconds(2)));
    assertTrue(until.reached(4, Duration.ofSeconds(60), Duration.ofSeconds(9)), "gives up");
  }

  @Test
  void shouldStopOnQuietAloneWithoutATimeout() {
    TopicReader.Until until = TopicReader.Until.quiet(Duration.ofSeconds(3));
    assertFalse(until.reached(0, Duration.ofSeconds(2), Duration.ofSeconds(2)));
    assertTrue(until.reached(0, Duration.ofSeconds(3), Duration.ofSeconds(3)), "nothing at all");
    assertFalse(until.reached(9, Duration.ofHours(1), Duration.ofSeconds(1)), "no timeout");
    assertThrows(IllegalArgumentException.class, () -> TopicReader.Until.count(-1));
  }

  @Test
  void shouldConfigureAGrouplessConsumer() {
    Map<String, Object> committed = TopicReader.on("b:9").consumerConfig();
    assertEquals("b:9", committed.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals("read_committed", committed.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    assertEquals(false, committed.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
    assertFalse(committed.containsKey(ConsumerConfig.GROUP_ID_CONFIG));
    assertFalse(committed.containsKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));

    TopicReader.Options bench =
        TopicReader.on("b:9").readUncommitted().fromEnd().fetchMaxWait(Duration.ofMillis(20));
    assertTrue(bench.atEnd());
    assertEquals(
        "read_uncommitted", bench.consumerConfig().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    assertEquals(20, bench.consumerConfig().get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    assertThrows(IllegalArgumentException.class, () -> TopicReader.on(" "));
  }
}
