package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The job's live sources hand their offsets to the consumer group with each completed checkpoint,
 * also once the topic has gone quiet: a resubmission without a checkpoint starts from them. The
 * records here are undecodable bytes, which the source passes on as failures all the same.
 */
class SourceOffsetCommitTest {
  private static final AtomicInteger READ = new AtomicInteger();

  @Test
  void aQuietTopicsOffsetsReachTheGroupWithinACheckpointOrTwo() throws Exception {
    READ.set(0);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(2, "offsets.frames");
      Map<TopicPartition, Long> end = new HashMap<>();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              Map.<String, Object>of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>("offsets.frames", i % 2, null, new byte[] {1, 2, 3}));
          end.merge(new TopicPartition("offsets.frames", i % 2), 1L, Long::sum);
        }
      }
      try (MiniCluster flink = new MiniCluster(JobTestKit.oneTaskManagerTwoSlots());
          Admin admin =
              Admin.create(
                  Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        flink.start();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromSource(
                LocalizationJob.frameSource(
                    kafka.bootstrapServers(), "offsets.frames", "committer", false),
                WatermarkStrategy.noWatermarks(),
                "frames")
            .map(d -> READ.incrementAndGet())
            .addSink(new DiscardingSink<>());
        JobID job = flink.submitJob(env.getStreamGraph()).get().getJobID();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (READ.get() < 100 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(100, READ.get(), "the job read every record");
        long allRead = System.nanoTime();
        Map<TopicPartition, Long> committed = Map.of();
        deadline = allRead + Duration.ofSeconds(30).toNanos();
        while (!committed.equals(end) && System.nanoTime() < deadline) {
          committed = committedOffsets(admin, "committer");
          Thread.sleep(50);
        }
        long millis = (System.nanoTime() - allRead) / 1_000_000;
        flink.cancelJob(job).get();
        System.out.printf(
            "the group's offsets reached the topic's end %d ms after the job had read it%n",
            millis);
        assertEquals(end, committed, "the group's committed offsets are the topic's end");
        // checkpoints every 200 ms: the offsets are there after the next one or two
        assertTrue(millis < 2000, "committed " + millis + " ms after the last record was read");
      }
    }
  }

  static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet()) {
      if (e.getValue() != null) {
        offsets.put(e.getKey(), e.getValue().offset());
      }
    }
    return offsets;
  }
}
