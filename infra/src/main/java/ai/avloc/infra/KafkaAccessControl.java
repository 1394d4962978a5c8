package ai.avloc.infra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a secured cluster ({@code kafka-start --secure}): one SCRAM-SHA-512 principal
 * per component, each allowed only what its part of the pipeline does, so a leaked gateway password
 * cannot forge localizations or delete alert rules. The broker denies everything no ACL allows.
 *
 * <p>The table (topics under the prefix, {@code avloc.} by default; each component may also
 * describe every topic under it):
 *
 * <ul>
 *   <li><b>gateway</b> writes the camera topics ({@code frames}, {@code audio}, {@code
 *       array-audio}, {@code camera-status}) and reads nothing;
 *   <li><b>job</b> reads the three media topics with groups {@code avloc-localization*} and {@code
 *       avloc-replay*}, and writes {@code localizations*} and {@code dead-letters*} (a replay's own
 *       topics too) in transactions of the same prefixes;
 *   <li><b>alerts</b> (the alerts app, its rule seeder and alert delivery) reads localizations and
 *       rules, writes alerts, rules and dead letters, reads alerts with group {@code
 *       avloc-delivery*}, and owns the Kafka Streams internal topics, group and transactions of
 *       application ids {@code avloc-alerts*};
 *   <li><b>dashboard</b> reads every output and camera topic (clips, status, dead letters) without
 *       a group and writes alert rules.
 * </ul>
 *
 * Run once after the cluster starts, as the admin: creates or resets each component's credential,
 * adds its ACLs and writes its client configs into the output folder, {@code <name>.properties} for
 * avloc and Java clients ({@code --client-config}) and {@code <name>.librdkafka.conf} for kcat and
 * other librdkafka tools. Passwords go only into those files, readable by their owner alone.
 */
public final class KafkaAccessControl {
  /** The SCRAM iterations of every credential; Kafka's minimum is 4096. */
  static final int ITERATIONS = 8192;

  /** A component and the name of its principal. */
  public enum Component {
    GATEWAY,
    JOB,
    ALERTS,
    DASHBOARD;

    /** The principal's user name, e.g. {@code gateway}. */
    public String user() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private KafkaAccessControl() {}

  /** What {@code component} may do on topics named with {@code prefix}. */
  public static List<AclBinding> bindings(Component component, String prefix) {
    Grants g = new Grants("User:" + component.user());
    // every component may see which avloc topics exist (metadata only), so its start-up check
    // finds them rather than trying to create them
    g.topicsPrefixed(prefix, AclOperation.DESCRIBE);
    List<String> media = List.of(prefix + "frames", prefix + "audio", prefix + "array-audio");
    switch (component) {
      case GATEWAY -> {
        for (String t : media) {
          g.topic(t, AclOperation.WRITE);
        }
        g.topic(prefix + "camera-status", AclOperation.WRITE);
      }
      case JOB -> {
        for (String t : media) {
          g.topic(t, AclOperation.READ);
        }
        for (String t : List.of(prefix + "localizations", prefix + "dead-letters")) {
          g.topicsPrefixed(t, AclOperation.WRITE);
        }
        for (String group : List.of("avloc-localization", "avloc-replay")) {
          g.prefixed(ResourceType.GROUP, group, AclOperation.READ);
          g.prefixed(ResourceType.TRANSACTIONAL_ID, group, AclOperation.WRITE);
          g.prefixed(ResourceType.TRANSACTIONAL_ID, group, AclOperation.DESCRIBE);
        }
      }
      case ALERTS -> {
        g.topic(prefix + "localizations", AclOperation.READ);
        g.topic(prefix + "alert-rules", AclOperation.READ);
        g.topic(prefix + "alert-rules", AclOperation.WRITE);
        g.topic(prefix + "alerts", AclOperation.READ);
        g.topic(prefix + "alerts", AclOperation.WRITE);
        g.topic(prefix + "dead-letters", AclOperation.WRITE);
        // Kafka Streams creates, reads, writes and deletes its changelog and repartition topics
        g.prefixed(ResourceType.TOPIC, "avloc-alerts", AclOperation.ALL);
        g.prefixed(ResourceType.GROUP, "avloc-alerts", AclOperation.READ);
        g.prefixed(ResourceType.GROUP, "avloc-delivery", AclOperation.READ);
        g.prefixed(ResourceType.TRANSACTIONAL_ID, "avloc-alerts", AclOperation.WRITE);
        g.prefixed(ResourceType.TRANSACTIONAL_ID, "avloc-alerts", AclOperation.DESCRIBE);
      }
      case DASHBOARD -> {
        for (String name :
            List.of(
                "frames",
                "audio",
                "localizations",
                "alerts",
                "alert-rules",
                "dead-letters",
                "camera-status")) {
          g.topic(prefix + name, AclOperation.READ);
        }
        g.topic(prefix + "alert-rules", AclOperation.WRITE);
      }
    }
    return g.bindings;
  }

  /** ACL bindings for one principal. */
  private static final class Grants {
    final String principal;
    final List<AclBinding> bindings = new ArrayList<>();

    Grants(String principal) {
      this.principal = principal;
    }

    void topic(String name, AclOperation op) {
      add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), op);
    }

    void topicsPrefixed(String prefix, AclOperation op) {
      add(new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED), op);
    }

    void prefixed(ResourceType type, String prefix, AclOperation op) {
      add(new ResourcePattern(type, prefix, PatternType.PREFIXED), op);
    }

    private void add(ResourcePattern resource, AclOperation op) {
      bindings.add(binding(resource, op));
    }

    private AclBinding binding(ResourcePattern resource, AclOperation op) {
      return new AclBinding(
          resource, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
  }

  /**
   * {@code --bootstrap HOST:PORT --admin-config FILE --out DIR [--prefix avloc.] [--only NAME]}:
   * creates every component's credential and ACLs and writes its client configs into DIR; with
   * {@code --only gateway} (or job, alerts, dashboard) rotates that one principal's password alone.
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String bootstrap = a.get("bootstrap");
    Path adminConfig = a.get("admin-config") == null ? null : Path.of(a.get("admin-config"));
    Path out = a.get("out") == null ? null : Path.of(a.get("out"));
    if (bootstrap == null || adminConfig == null || out == null) {
      System.err.println(
          "usage: KafkaAccessControl --bootstrap HOST:PORT --admin-config FILE --out DIR"
              + " [--prefix avloc.] [--only gateway|job|alerts|dashboard]");
      System.exit(2);
    }
    Path ca = Path.of(load(adminConfig).getProperty("ssl.truststore.location"));
    List<Component> which = List.of(Component.values());
    if (a.containsKey("only")) {
      which = List.of(Component.valueOf(a.get("only").toUpperCase(Locale.ROOT)));
    }
    setUp(bootstrap, adminConfig, a.getOrDefault("prefix", "avloc."), ca, out, which);
    System.err.println(
        "kafka: SASL_SSL with SCRAM-SHA-512; "
            + (a.containsKey("only") ? "new password for " : "principals admin, ")
            + String.join(", ", which.stream().map(Component::user).toList())
            + "; client configs in "
            + out
            + " (<name>.properties for avloc, <name>.librdkafka.conf for kcat)");
  }

  /**
   * Creates (or resets) the credential of each component of {@code which} with a fresh password,
   * adds its ACLs (adding one that exists changes nothing), and writes its client configs into
   * {@code out}. The old password stops working at once for new connections; clients already
   * connected keep their session until they reconnect.
   */
  public static void setUp(
      String bootstrap, Path adminConfig, String prefix, Path ca, Path out, List<Component> which)
      throws IOException, InterruptedException {
    Properties admin = load(adminConfig);
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    SecureRandom random = new SecureRandom();
    try (Admin client = Admin.create(admin)) {
      List<UserScramCredentialAlteration> users = new ArrayList<>();
      Map<Component, String> passwords = new HashMap<>();
      List<AclBinding> acls = new ArrayList<>();
      for (Component c : which) {
        String password = password(random);
        passwords.put(c, password);
        users.add(
            new UserScramCredentialUpsertion(
                c.user(),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
                password));
        acls.addAll(bindings(c, prefix));
      }
      client.alterUserScramCredentials(users).all().get();
      client.createAcls(acls).all().get();
      for (Component c : which) {
        writeSecret(out.resolve(c.user() + ".properties"), javaConfig(bootstrap, c, passwords, ca));
        writeSecret(
            out.resolve(c.user() + ".librdkafka.conf"),
            librdkafkaConfig(bootstrap, c.user(), passwords.get(c), ca));
      }
    } catch (ExecutionException e) {
      throw new IOException("cannot set up the cluster's principals: " + e.getCause(), e);
    }
  }

  private static String javaConfig(
      String bootstrap, Component c, Map<Component, String> passwords, Path ca) {
    return "# avloc "
        + c.user()
        + ": pass with --client-config (or AVLOC_KAFKA_CONFIG)\n"
        + "bootstrap.servers="
        + bootstrap
        + "\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
        + " username=\""
        + c.user()
        + "\" password=\""
        + passwords.get(c)
        + "\";\nssl.truststore.type=PEM\nssl.truststore.location="
        + ca
        + "\n";
  }

  private static String librdkafkaConfig(String bootstrap, String user, String password, Path ca) {
    return "# "
        + user
        + " for librdkafka tools: kcat -F this-file ...\n"
        + "bootstrap.servers="
        + bootstrap
        + "\nsecurity.protocol=SASL_SSL\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username="
        + user
        + "\nsasl.password="
        + password
        + "\nssl.ca.location="
        + ca
        + "\n";
  }

  /** 24 random bytes, URL-safe Base64: no character a properties or JAAS line must escape. */
  private static String password(SecureRandom random) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writeSecret(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
