package ai.avloc.ingest.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.ingest.KafkaCameraEvents;
import ai.avloc.ingest.live.LivePeers.ListSink;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.TopicReader;
import ai.avloc.schemas.Topics;
import ai.avloc.testsupport.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** A camera's status on the compacted camera-status topic of a real (in-process) broker. */
class CameraStatusKafkaTest {
  @Test
  void shouldPublishACamerasStatusKeyedByStreamToTheCompactedTopic() throws Exception {
    Topics topics = Topics.withPrefix("st.");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      assertTrue(
          KafkaCameraEvents.createMissingTopics(kafka.bootstrapServers(), topics)
              .contains("st.camera-status"));
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "st.camera-status");
        String policy = null;
        // a topic just created may not be known to the broker's metadata for a moment
        for (int attempt = 0; policy == null; attempt++) {
          try {
            policy =
                admin
                    .describeConfigs(Set.of(topic))
                    .all()
                    .get()
                    .get(topic)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                    .value();
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
              throw e;
            }
            Thread.sleep(200);
          }
        }
        assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, policy);
      }

      int port = LivePeers.freePort(); // nothing listens: the camera fails and says so
      CameraUrl url = CameraUrl.parse("rtsp://admin:kafka-pw@127.0.0.1:" + port + "/cam");
      try (CameraStatusPublisher publisher =
          CameraStatusPublisher.toKafka(kafka.bootstrapServers(), topics, Duration.ofMillis(300))) {
        LiveCamera camera =
            new LiveCamera(LiveCamera.Config.of("cam-k", url), new ListSink(), publisher);
        camera.start();
        Thread.sleep(1500);
        camera.stop();
      }

      List<ConsumerRecord<String, CameraStatus>> records;
      try (TopicReader<CameraStatus> reader =
          TopicReader.on(kafka.bootstrapServers()).open(topics.cameraStatus())) {
        records =
            reader.readRecords(
                TopicReader.Until.quiet(Duration.ofSeconds(2)).within(Duration.ofSeconds(20)));
      }
      assertTrue(records.size() >= 4, "CONNECTING, FAILED, periodic, STOPPED: " + records.size());
      for (ConsumerRecord<String, CameraStatus> r : records) {
        assertEquals("cam-k", r.key());
        assertEquals("rtsp://***@127.0.0.1:" + port + "/cam", r.value().getUrl());
        assertFalse(r.value().toString().contains("kafka-pw"), r.value().toString());
      }
      assertEquals(CameraState.CONNECTING, records.get(0).value().getState());
      assertTrue(
          records.stream().anyMatch(r -> r.value().getState() == CameraState.FAILED),
          "the failure was published");
      CameraStatus last = records.get(records.size() - 1).value();
      assertEquals(CameraState.STOPPED, last.getState());
      assertTrue(last.getLastError().contains("Connection refused"), last.getLastError());
    }
  }
}
