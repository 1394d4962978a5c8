package ai.avloc.schemas;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a component reaches the cluster: the brokers and the settings of one client config file
 * (security protocol, SASL credential, trust store), applied alike to every producer, consumer,
 * admin and Streams client it makes. Without a file it is plaintext, as on the demo's own broker.
 *
 * <p>The file is a Java client properties file such as {@code kafka-start --secure} writes for each
 * component ({@code docs/operations.md}, "Security"); passed with {@code --client-config FILE} or
 * in the environment as {@value #ENVIRONMENT}. Its {@code bootstrap.servers} is used unless {@code
 * --bootstrap} names others. The password stays in the file and in the clients' own config, which
 * Kafka logs as {@code [hidden]}; {@link #toString} names the principal, never the secret.
 *
 * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
 * @param settings every other client setting of the file (immutable)
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> settings)
    implements Serializable {
  /** The environment variable that names a client config file when no option does. */
  public static final String ENVIRONMENT = "AVLOC_KAFKA_CONFIG";

  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]*)\"");

  public KafkaConnection {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "no Kafka brokers: give --bootstrap or bootstrap.servers in the client config");
    }
    settings = Map.copyOf(settings);
  }

  /** The brokers at {@code bootstrapServers}, plaintext and unauthenticated. */
  public static KafkaConnection plaintext(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of());
  }

  /**
   * The connection a command line asks for: {@code clientConfig} if given, else the file named by
   * {@value #ENVIRONMENT}, else plaintext; {@code bootstrap} (may be null) overrides the file's.
   */
  public static KafkaConnection resolve(String bootstrap, Path clientConfig) {
    Path file = clientConfig;
    if (file == null) {
      String env = System.getenv(ENVIRONMENT);
      file = env == null || env.isBlank() ? null : Path.of(env);
    }
    return file == null ? plaintext(bootstrap) : load(bootstrap, file);
  }

  /**
   * Reads a client config file; {@code bootstrap} (may be null) overrides its brokers. Fails,
   * naming the file and the setting, when the file cannot be read, its security protocol is
   * unknown, a SASL protocol has no mechanism or JAAS config, or its trust store does not exist.
   */
  public static KafkaConnection load(String bootstrap, Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Kafka client config " + file, e);
    }
    Map<String, String> settings = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).strip()));
    String brokers = settings.remove("bootstrap.servers");
    if (bootstrap != null && !bootstrap.isBlank()) {
      brokers = bootstrap;
    }
    String protocol = settings.getOrDefault("security.protocol", "PLAINTEXT");
    if (!PROTOCOLS.contains(protocol.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          file + ": security.protocol '" + protocol + "' is none of " + PROTOCOLS);
    }
    if (protocol.toUpperCase(Locale.ROOT).startsWith("SASL_")) {
      for (String key : new String[] {"sasl.mechanism", "sasl.jaas.config"}) {
        if (!settings.containsKey(key)) {
          throw new IllegalArgumentException(file + ": " + protocol + " needs " + key);
        }
      }
    }
    for (String key : new String[] {"ssl.truststore.location", "ssl.keystore.location"}) {
      String store = settings.get(key);
      if (store != null && !Files.isReadable(Path.of(store))) {
        throw new IllegalArgumentException(file + ": " + key + " " + store + " cannot be read");
      }
    }
    if (brokers == null) {
      throw new IllegalArgumentException(
          file + " names no bootstrap.servers, and no --bootstrap was given");
    }
    return new KafkaConnection(brokers, settings);
  }

  /**
   * A client's config: this connection's settings, then the component's own ({@code own}: acks,
   * isolation, serializers... which the file cannot override), then the brokers.
   */
  public Map<String, Object> config(Map<String, ?> own) {
    Map<String, Object> config = new HashMap<>(settings);
    config.putAll(own);
    config.put("bootstrap.servers", bootstrapServers);
    return config;
  }

  /** {@link #config} as {@link Properties}, for the clients and builders that take those. */
  public Properties properties(Map<String, ?> own) {
    Properties p = new Properties();
    p.putAll(config(own));
    return p;
  }

  /** The settings alone, for builders that take the brokers apart (Flink's Kafka connector). */
  public Properties settingsAsProperties() {
    Properties p = new Properties();
    p.putAll(settings);
    return p;
  }

  /** {@code SASL_SSL}, {@code PLAINTEXT}, ... */
  public String securityProtocol() {
    return settings.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
  }

  /** The SASL user name of the JAAS config, or null. */
  public String principal() {
    String jaas = settings.get("sasl.jaas.config");
    if (jaas == null) {
      return null;
    }
    Matcher m = USERNAME.matcher(jaas);
    return m.find() ? m.group(1) : null;
  }

  /** E.g. {@code 127.0.0.1:9092 (SASL_SSL, SCRAM-SHA-512 as gateway)}; never a secret. */
  @Override
  public String toString() {
    String protocol = securityProtocol();
    if (protocol.equals("PLAINTEXT")) {
      return bootstrapServers + " (plaintext)";
    }
    String user = principal();
    String mechanism = settings.get("sasl.mechanism");
    return bootstrapServers
        + " ("
        + protocol
        + (mechanism != null ? ", " + mechanism : "")
        + (user != null ? " as " + user : "")
        + ")";
  }
}
