package ai.avloc.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a broker lacks (brokers here run without auto-creation). */
public final class TopicAdmin {
  private TopicAdmin() {}

  /**
   * Every avloc topic: camera topics stamped with the broker's clock, so a window's ingest time is
   * when its events arrived rather than when they happened; camera status compacted; the rules
   * topic compacted, one partition.
   */
  public static List<NewTopic> standard(Topics t, int partitions) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : List.of(t.frames().name(), t.audio().name(), t.arrayAudio().name())) {
      topics.add(camera(new NewTopic(name, partitions, (short) 1)));
    }
    for (String name :
        List.of(
            t.localizations().name(),
            t.acousticImages().name(),
            t.alerts().name(),
            t.deadLetters().name())) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    // the latest status of each camera stays for a dashboard that starts later
    topics.add(
        new NewTopic(t.cameraStatus().name(), partitions, (short) 1)
            .configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    topics.add(
        new NewTopic(t.alertRules().name(), 1, (short) 1)
            .configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    return topics;
  }

  /**
   * A camera topic: its records stamped with the broker's clock when they arrive. Retention then
   * counts from arrival, so the archive's depth is what the site configured whatever a camera's
   * clock says (an export recorded years ago, a camera set to 1970 or hours ahead, which a broker
   * checking event-time stamps would also refuse), and a window's ingest time is when its events
   * arrived.
   */
  public static NewTopic camera(NewTopic topic) {
    return topic.configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
  }

  /**
   * Creates those of {@code wanted} the broker does not have.
   *
   * @return the names it created, in {@code wanted}'s order
   * @throws IllegalStateException when the broker cannot be reached or refuses a topic
   */
  public static List<String> createMissing(String bootstrapServers, List<NewTopic> wanted) {
    return createMissing(KafkaConnection.plaintext(bootstrapServers), wanted);
  }

  /** As above, with the connection's security settings and principal. */
  public static List<String> createMissing(KafkaConnection kafka, List<NewTopic> wanted) {
    String bootstrapServers = kafka.toString();
    // a broker that is not there should be named within seconds, not after the default minute
    Map<String, Object> config =
        kafka.config(
            Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                15_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000));
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing =
          wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
      var results = admin.createTopics(missing).values();
      List<String> created = new ArrayList<>();
      for (NewTopic topic : missing) {
        try {
          results.get(topic.name()).get();
          created.add(topic.name());
        } catch (ExecutionException e) {
          // another client (or a listing that lagged behind) got there first: it exists now
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic "
                    + topic.name()
                    + " on "
                    + bootstrapServers
                    + ": "
                    + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot list topics on " + bootstrapServers + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }
}
