package ai.avloc.cli;

import ai.avloc.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics avloc needs that a broker lacks (brokers here run without auto-creation):
 * camera topics stamped with the broker's clock, so latency is measured from when an event arrived;
 * the rules topic compacted.
 */
final class TopicSetup {
  private TopicSetup() {}

  /**
   * @return the topics it created
   */
  static List<String> ensure(String bootstrap, Topics t, int partitions) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String name : List.of(t.frames().name(), t.audio().name(), t.arrayAudio().name())) {
        missing.add(
            new NewTopic(name, partitions, (short) 1)
                .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime")));
      }
      for (String name :
          List.of(
              t.localizations().name(),
              t.acousticImages().name(),
              t.alerts().name(),
              t.deadLetters().name())) {
        missing.add(new NewTopic(name, partitions, (short) 1));
      }
      missing.add(
          new NewTopic(t.alertRules().name(), 1, (short) 1)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
      missing.removeIf(n -> existing.contains(n.name()));
      List<String> created = new ArrayList<>();
      for (NewTopic topic : missing) {
        try {
          admin.createTopics(List.of(topic)).all().get();
          created.add(topic.name());
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e; // another client creating it at the same moment is fine
          }
        }
      }
      return created;
    }
  }
}
