package ai.avloc.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.avloc.infra.KafkaAccessControl.Component;
import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.TopicAdmin;
import ai.avloc.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/ renders (with {@code kubectl kustomize}, or the binary {@code KUBECTL} names) into objects
 * the operators accept and that run avloc as its secured local stack does: the Strimzi and Flink
 * operator resources are valid against the operators' published CRD schemas (vendored in k8s/crds),
 * each KafkaUser has exactly {@link KafkaAccessControl#bindings}'s ACLs, each KafkaTopic is the
 * topic {@link TopicAdmin#standard} makes, and every pod runs an avloc image and mounts only
 * ConfigMaps and Secrets that exist once the render is applied.
 */
class K8sManifestsTest {
  private static final String NAMESPACE = "avloc";
  private static final String PREFIX = Topics.DEFAULT_PREFIX;
  private static final Set<String> IMAGES =
      Set.of("avloc/job", "avloc/gateway", "avloc/alerts", "avloc/dashboard");

  /** The CRD file of each custom resource kind, under k8s/crds. */
  private static final Map<String, String> CRDS =
      Map.of(
          "Kafka", "040-Crd-kafka.yaml",
          "KafkaTopic", "043-Crd-kafkatopic.yaml",
          "KafkaUser", "044-Crd-kafkauser.yaml",
          "KafkaNodePool", "045-Crd-kafkanodepool.yaml",
          "FlinkDeployment", "flinkdeployments.flink.apache.org-v1.yml");

  /** Secrets the site creates in production (the dev overlay brings development ones). */
  private static final Set<String> SITE_SECRETS = Set.of("camera-credentials", "dashboard-token");

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, List<JsonNode>> RENDERED = new HashMap<>();

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void customResourcesMatchTheOperatorsSchemas(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    Map<String, Integer> counts = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode o : objects) {
      String kind = o.path("kind").asText();
      assertTrue(o.path("apiVersion").isTextual(), kind + " without apiVersion");
      assertTrue(o.path("metadata").path("name").isTextual(), kind + " without metadata.name");
      assertEquals(NAMESPACE, o.path("metadata").path("namespace").asText(), name(o));
      if (CRDS.containsKey(kind)) {
        counts.merge(kind, 1, Integer::sum);
        for (Error e : schema(kind, o.path("apiVersion").asText()).validate(o)) {
          problems.add(name(o) + ": " + e);
        }
      }
    }
    assertEquals(List.of(), problems, "rendered custom resources the operators would refuse");
    assertEquals(
        Map.of(
            "FlinkDeployment", 1, "Kafka", 1, "KafkaNodePool", 1, "KafkaTopic", 9, "KafkaUser", 4),
        counts);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyUserHasExactlyTheAclsOfKafkaAccessControl(String overlay) throws Exception {
    List<JsonNode> users = ofKind(render(overlay), "KafkaUser");
    assertEquals(Component.values().length, users.size());
    for (Component c : Component.values()) {
      JsonNode user = byName(users, c.user());
      assertEquals("scram-sha-512", user.at("/spec/authentication/type").asText(), c.user());
      assertEquals("simple", user.at("/spec/authorization/type").asText(), c.user());
      List<String> granted = new ArrayList<>();
      for (JsonNode acl : user.at("/spec/authorization/acls")) {
        assertEquals("allow", acl.path("type").asText("allow"), c.user());
        for (JsonNode op : acl.path("operations")) {
          granted.add(
              acl.at("/resource/type").asText().toLowerCase(Locale.ROOT)
                  + " "
                  + acl.at("/resource/patternType").asText("literal")
                  + " "
                  + acl.at("/resource/name").asText()
                  + " "
                  + op.asText().toLowerCase(Locale.ROOT)
                  + " host "
                  + acl.path("host").asText("*"));
        }
      }
      List<String> wanted = new ArrayList<>();
      for (AclBinding b : KafkaAccessControl.bindings(c, PREFIX)) {
        wanted.add(
            b.pattern().resourceType().name().replace("_", "").toLowerCase(Locale.ROOT)
                + " "
                + b.pattern()
                    .patternType()
                    .name()
                    .toLowerCase(Locale.ROOT)
                    .replace("prefixed", "prefix")
                + " "
                + b.pattern().name()
                + " "
                + b.entry().operation().name().toLowerCase(Locale.ROOT)
                + " host "
                + b.entry().host());
        assertEquals("User:" + c.user(), b.entry().principal());
      }
      assertEquals(new TreeSet<>(wanted), new TreeSet<>(granted), c.user() + "'s ACLs");
      assertEquals(wanted.size(), granted.size(), c.user() + ": an ACL granted twice");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyTopicIsTheOneTopicAdminMakes(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    List<JsonNode> topics = ofKind(objects, "KafkaTopic");
    int partitions = byTopic(topics, PREFIX + "frames").at("/spec/partitions").asInt();
    int replicas = overlay.equals("prod") ? 3 : 1;
    List<NewTopic> wanted = TopicAdmin.standard(Topics.defaults(), partitions);
    assertEquals(wanted.size(), topics.size());
    for (NewTopic t : wanted) {
      JsonNode topic = byTopic(topics, t.name());
      assertEquals(t.numPartitions(), topic.at("/spec/partitions").asInt(), t.name());
      assertEquals(replicas, topic.at("/spec/replicas").asInt(), t.name());
      Map<String, String> config = new TreeMap<>();
      topic.at("/spec/config").fields().forEachRemaining(e -> config.put(e.getKey(), text(e)));
      assertEquals(t.configs() == null ? Map.of() : new TreeMap<>(t.configs()), config, t.name());
      assertEquals("avloc", topic.at("/metadata/labels/strimzi.io~1cluster").asText(), t.name());
    }
    JsonNode kafka = ofKind(objects, "Kafka").get(0);
    JsonNode pool = ofKind(objects, "KafkaNodePool").get(0);
    JsonNode config = kafka.at("/spec/kafka/config");
    assertEquals(replicas, pool.at("/spec/replicas").asInt());
    assertEquals(replicas, config.path("default.replication.factor").asInt());
    assertEquals(replicas == 3 ? 2 : 1, config.path("min.insync.replicas").asInt());
    assertEquals(replicas, config.path("offsets.topic.replication.factor").asInt());
    assertEquals(replicas, config.path("transaction.state.log.replication.factor").asInt());
    assertEquals(
        overlay.equals("prod") ? "persistent-claim" : "ephemeral",
        pool.at("/spec/storage/type").asText());
    JsonNode listener = kafka.at("/spec/kafka/listeners/0");
    assertEquals(1, kafka.at("/spec/kafka/listeners").size(), "one listener");
    assertTrue(listener.path("tls").asBoolean(), "the listener speaks TLS");
    assertEquals("scram-sha-512", listener.at("/authentication/type").asText());
    assertEquals("simple", kafka.at("/spec/kafka/authorization/type").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void podsRunAvlocImagesAndMountWhatExists(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    Set<String> configMaps = names(ofKind(objects, "ConfigMap"));
    Set<String> secrets = new TreeSet<>(names(ofKind(objects, "Secret")));
    Set<String> claims = names(ofKind(objects, "PersistentVolumeClaim"));
    // Strimzi makes these: a Secret per KafkaUser, and the cluster CA's certificate
    secrets.addAll(names(ofKind(objects, "KafkaUser")));
    for (JsonNode kafka : ofKind(objects, "Kafka")) {
      secrets.add(kafka.at("/metadata/name").asText() + "-cluster-ca-cert");
    }
    if (overlay.equals("prod")) {
      secrets.addAll(SITE_SECRETS);
    } else {
      assertTrue(secrets.containsAll(SITE_SECRETS), "dev brings its own " + SITE_SECRETS);
    }
    Set<String> tags = new TreeSet<>();
    List<JsonNode> pods = new ArrayList<>();
    for (JsonNode d : ofKind(objects, "Deployment")) {
      pods.add(d.at("/spec/template/spec"));
    }
    JsonNode flink = ofKind(objects, "FlinkDeployment").get(0);
    pods.add(flink.at("/spec/podTemplate/spec"));
    tags.add(imageTag(flink.at("/spec/image").asText(), "FlinkDeployment"));
    for (JsonNode pod : pods) {
      for (JsonNode container : pod.path("containers")) {
        if (container.has("image")) {
          tags.add(imageTag(container.path("image").asText(), container.path("name").asText()));
        }
        for (JsonNode env : container.path("env")) {
          JsonNode ref = env.at("/valueFrom/secretKeyRef/name");
          assertTrue(ref.isMissingNode() || secrets.contains(ref.asText()), "secret " + ref);
          JsonNode map = env.at("/valueFrom/configMapKeyRef/name");
          assertTrue(map.isMissingNode() || configMaps.contains(map.asText()), "map " + map);
        }
        Set<String> volumes = new TreeSet<>();
        pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        for (JsonNode mount : container.path("volumeMounts")) {
          assertTrue(volumes.contains(mount.path("name").asText()), "volume of " + mount);
        }
      }
      for (JsonNode v : pod.path("volumes")) {
        String what = v.path("name").asText();
        if (v.has("configMap")) {
          assertTrue(configMaps.contains(v.at("/configMap/name").asText()), "ConfigMap " + what);
        } else if (v.has("secret")) {
          assertTrue(secrets.contains(v.at("/secret/secretName").asText()), "Secret " + what);
        } else if (v.has("persistentVolumeClaim")) {
          assertTrue(claims.contains(v.at("/persistentVolumeClaim/claimName").asText()), what);
        } else {
          assertTrue(
              v.has("emptyDir"), "volume " + what + " is a ConfigMap, Secret, claim, or empty");
        }
      }
    }
    assertEquals(1, tags.size(), "one tag for every avloc image: " + tags);
    assertFalse(tags.contains("latest"), "the overlay sets the tag");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theJobIsSecuredHighlyAvailableAndUpgradedWithSavepoints(String overlay) throws Exception {
    JsonNode flink = ofKind(render(overlay), "FlinkDeployment").get(0);
    JsonNode conf = flink.at("/spec/flinkConfiguration");
    assertEquals("ai.avloc.stream.job.LocalizationJob", flink.at("/spec/job/entryClass").asText());
    assertEquals("savepoint", flink.at("/spec/job/upgradeMode").asText());
    assertEquals("false", conf.path("web.submit.enable").asText());
    assertEquals("false", conf.path("web.cancel.enable").asText());
    assertEquals("kubernetes", conf.path("high-availability.type").asText());
    assertEquals(
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
        conf.path("metrics.reporter.prom.factory.class").asText());
    assertEquals("9249", conf.path("metrics.reporter.prom.port").asText());
    Map<String, String> args = new HashMap<>();
    Iterator<JsonNode> it = flink.at("/spec/job/args").elements();
    while (it.hasNext()) {
      args.put(it.next().asText(), it.next().asText());
    }
    String checkpoints = conf.path("execution.checkpointing.dir").asText();
    assertEquals(checkpoints, args.get("--checkpoint-dir"), "the job's own checkpoint setting");
    assertTrue(
        conf.path("execution.checkpointing.savepoint-dir")
            .asText()
            .startsWith("file:///flink-data/"));
    // the client config is a file of a mounted ConfigMap, next to the job's user Secret
    String clientConfig = args.get("--client-config");
    Map<String, String> mounts = new HashMap<>();
    for (JsonNode m : flink.at("/spec/podTemplate/spec/containers/0/volumeMounts")) {
      mounts.put(m.path("mountPath").asText(), m.path("name").asText());
    }
    String folder = clientConfig.substring(0, clientConfig.lastIndexOf('/'));
    assertEquals("kafka-client", mounts.get(folder), clientConfig);
    assertEquals("kafka-user", mounts.get("/etc/avloc/kafka-user"));
    assertEquals(
        "job",
        volume(flink.at("/spec/podTemplate/spec"), "kafka-user").at("/secret/secretName").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void gatewayShardsCoverTheInventoryOnce(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    List<String> shards = new ArrayList<>();
    for (JsonNode d : ofKind(objects, "Deployment")) {
      JsonNode container = d.at("/spec/template/spec/containers/0");
      if (!container.path("image").asText().startsWith("avloc/gateway:")) {
        continue;
      }
      assertEquals(1, d.at("/spec/replicas").asInt(), "a shard runs once: " + name(d));
      List<String> args = new ArrayList<>();
      container.path("args").forEach(a -> args.add(a.asText()));
      shards.add(args.get(args.indexOf("--shard") + 1));
      assertEquals("kafka-user", mountedAt(container, "/etc/avloc/kafka-user"));
      assertEquals(
          "gateway",
          volume(d.at("/spec/template/spec"), "kafka-user").at("/secret/secretName").asText());
    }
    int n = overlay.equals("prod") ? 3 : 1;
    // the shards are copies of one pod but for their index
    Set<String> pods = new TreeSet<>();
    for (JsonNode d : ofKind(objects, "Deployment")) {
      if (d.at("/spec/template/metadata/labels/app.kubernetes.io~1name")
          .asText()
          .equals("gateway")) {
        pods.add(d.at("/spec/template/spec").toString().replaceAll("\"[1-9]/[1-9]\"", "\"i/n\""));
      }
    }
    assertEquals(1, pods.size(), "gateway shards differ in more than --shard: " + pods);
    List<String> wanted = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      wanted.add(i + "/" + n);
    }
    shards.sort(null);
    assertEquals(wanted, shards);
    JsonNode policy = byName(ofKind(objects, "NetworkPolicy"), "gateway");
    List<String> types = new ArrayList<>();
    policy.at("/spec/policyTypes").forEach(t -> types.add(t.asText()));
    assertTrue(types.contains("Egress"), "the gateways' egress is restricted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyPodIsItsOwnKafkaUser(String overlay) throws Exception {
    List<JsonNode> objects = render(overlay);
    Map<String, String> users = new TreeMap<>();
    for (JsonNode d : ofKind(objects, "Deployment")) {
      String app = d.at("/spec/template/metadata/labels/app.kubernetes.io~1name").asText();
      JsonNode pod = d.at("/spec/template/spec");
      assertEquals("kafka-user", mountedAt(pod.at("/containers/0"), "/etc/avloc/kafka-user"));
      users.put(app, volume(pod, "kafka-user").at("/secret/secretName").asText());
    }
    JsonNode job = ofKind(objects, "FlinkDeployment").get(0).at("/spec/podTemplate/spec");
    assertEquals("kafka-user", mountedAt(job.at("/containers/0"), "/etc/avloc/kafka-user"));
    users.put("avloc-job", volume(job, "kafka-user").at("/secret/secretName").asText());
    assertEquals(
        Map.of(
            "gateway", "gateway",
            "alerts", "alerts",
            "dashboard", "dashboard",
            "avloc-job", "job"),
        users);
  }

  /**
   * The ConfigMap's client config, its /etc/avloc paths moved into a folder here: avloc reads it as
   * a SASL_SSL connection to the Kafka's bootstrap Service, and a Kafka client takes the JAAS line
   * from the mounted user Secret's file.
   */
  @Test
  void theClientConfigTakesTheCredentialFromTheMountedUserSecret(@TempDir Path mounts)
      throws Exception {
    List<JsonNode> objects = render("dev");
    String properties =
        byName(ofKind(objects, "ConfigMap"), "kafka-client").at("/data/client.properties").asText();
    Files.createDirectories(mounts.resolve("kafka-user"));
    Files.createDirectories(mounts.resolve("kafka-ca"));
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"gateway\""
            + " password=\"from-the-secret\";";
    Files.writeString(mounts.resolve("kafka-user/sasl.jaas.config"), jaas);
    Files.writeString(mounts.resolve("kafka-ca/ca.crt"), "-----BEGIN CERTIFICATE-----\n");
    Path file = mounts.resolve("client.properties");
    Files.writeString(file, properties.replace("/etc/avloc/", mounts + "/"));

    KafkaConnection kafka = KafkaConnection.load(null, file);
    assertEquals("SASL_SSL", kafka.securityProtocol());
    JsonNode cluster = ofKind(objects, "Kafka").get(0);
    assertEquals(
        cluster.at("/metadata/name").asText()
            + "-kafka-bootstrap:"
            + cluster.at("/spec/kafka/listeners/0/port").asInt()
            + " (SASL_SSL, SCRAM-SHA-512)",
        kafka.toString());
    assertFalse(properties.contains("password"), "no password in the ConfigMap");
    Map<String, Object> config =
        kafka.config(
            Map.of(
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()));
    assertEquals(jaas, new ProducerConfig(config).getPassword("sasl.jaas.config").value());
  }

  // ---------------------------------------------------------------------------------------------

  /** The overlay's objects, rendered once per test run. */
  private static synchronized List<JsonNode> render(String overlay) throws Exception {
    List<JsonNode> cached = RENDERED.get(overlay);
    if (cached != null) {
      return cached;
    }
    String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
    File err = Files.createTempFile("kustomize", ".err").toFile();
    Process p;
    try {
      p =
          new ProcessBuilder(kubectl, "kustomize", "k8s/overlays/" + overlay)
              .redirectError(err)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "kubectl is needed to render infra/k8s (kubectl kustomize); install it (Debian:"
              + " apt-get install kubernetes-client) or name the binary in KUBECTL: "
              + e.getMessage(),
          e);
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(kubectl + " kustomize k8s/overlays/" + overlay + " did not finish in 60 s");
    }
    String errors = Files.readString(err.toPath(), StandardCharsets.UTF_8);
    Files.delete(err.toPath());
    assertEquals(
        0, p.exitValue(), kubectl + " kustomize k8s/overlays/" + overlay + " failed: " + errors);
    List<JsonNode> objects = new ArrayList<>();
    var docs = YAML.readerFor(JsonNode.class).readValues(new String(out, StandardCharsets.UTF_8));
    while (docs.hasNext()) {
      JsonNode o = (JsonNode) docs.next();
      if (o != null && !o.isNull() && !o.isMissingNode()) {
        objects.add(o);
      }
    }
    assertFalse(objects.isEmpty(), "empty render of " + overlay);
    RENDERED.put(overlay, objects);
    return objects;
  }

  /** The CRD's schema of that version, strict as the API server: no fields it does not know. */
  private static Schema schema(String kind, String apiVersion) throws IOException {
    JsonNode crd = YAML.readTree(Path.of("k8s/crds", CRDS.get(kind)).toFile());
    assertEquals(kind, crd.at("/spec/names/kind").asText());
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    assertEquals(crd.at("/spec/group").asText(), apiVersion.substring(0, apiVersion.indexOf('/')));
    for (JsonNode v : crd.at("/spec/versions")) {
      if (v.path("name").asText().equals(version)) {
        assertTrue(v.path("served").asBoolean(), kind + " " + version + " is served");
        ObjectNode root = v.at("/schema/openAPIV3Schema").deepCopy();
        // the API server knows these of every object, whether the CRD's schema lists them or not
        ObjectNode properties = root.with("properties");
        properties.putIfAbsent("apiVersion", YAML.createObjectNode().put("type", "string"));
        properties.putIfAbsent("kind", YAML.createObjectNode().put("type", "string"));
        properties.putIfAbsent("metadata", YAML.createObjectNode().put("type", "object"));
        JsonNode schema = strict(root);
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
      }
    }
    throw new AssertionError(kind + " has no version " + version + " in k8s/crds");
  }

  /**
   * Kubernetes drops (and {@code kubectl apply}'s strict validation refuses) fields a structural
   * schema does not list, unless it says x-kubernetes-preserve-unknown-fields; JSON Schema allows
   * them unless told otherwise. The Kubernetes extensions, descriptions and examples go: they are
   * no JSON Schema keywords.
   */
  private static JsonNode strict(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      boolean open = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      List<String> drop = new ArrayList<>();
      o.fieldNames()
          .forEachRemaining(
              f -> {
                if (f.startsWith("x-kubernetes-")
                    || f.equals("description")
                    || f.equals("example")) {
                  drop.add(f);
                }
              });
      o.remove(drop);
      if (o.has("properties") && !o.has("additionalProperties") && !open) {
        o.put("additionalProperties", false);
      }
      o.fields()
          .forEachRemaining(
              e -> {
                // a property named "description" is a field, not the keyword
                if (!e.getKey().equals("properties")) {
                  strict(e.getValue());
                } else {
                  e.getValue().forEach(K8sManifestsTest::strict);
                }
              });
    } else if (node.isArray()) {
      node.forEach(K8sManifestsTest::strict);
    }
    return node;
  }

  private static String imageTag(String image, String where) {
    int colon = image.lastIndexOf(':');
    assertTrue(colon > 0, where + ": image " + image + " has no tag");
    assertTrue(IMAGES.contains(image.substring(0, colon)), where + ": " + image);
    return image.substring(colon + 1);
  }

  private static String mountedAt(JsonNode container, String path) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("mountPath").asText().equals(path)) {
        return m.path("name").asText();
      }
    }
    throw new AssertionError(container.path("name").asText() + " mounts nothing at " + path);
  }

  private static JsonNode volume(JsonNode pod, String name) {
    return byName(pod.path("volumes"), name, "");
  }

  private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode byName(Iterable<JsonNode> objects, String name) {
    return byName(objects, name, "/metadata");
  }

  private static JsonNode byName(Iterable<JsonNode> objects, String name, String at) {
    for (JsonNode o : objects) {
      if (o.at(at + "/name").asText().equals(name)) {
        return o;
      }
    }
    throw new AssertionError("no " + name + " in the render");
  }

  private static JsonNode byTopic(List<JsonNode> topics, String topic) {
    for (JsonNode t : topics) {
      if (t.at("/spec/topicName").asText().equals(topic)) {
        return t;
      }
    }
    throw new AssertionError("no KafkaTopic for " + topic);
  }

  private static Set<String> names(List<JsonNode> objects) {
    Set<String> names = new TreeSet<>();
    objects.forEach(o -> names.add(o.at("/metadata/name").asText()));
    return names;
  }

  private static String name(JsonNode o) {
    return o.path("kind").asText() + " " + o.at("/metadata/name").asText();
  }

  private static String text(Map.Entry<String, JsonNode> e) {
    return e.getValue().asText();
  }
}
