package ai.avloc.dashboard;

import ai.avloc.schemas.KafkaConnection;
import ai.avloc.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a dashboard runs.
 *
 * @param kafka Kafka brokers and the client settings (security) of the dashboard's principal
 * @param topicPrefix prefix of the topic names
 * @param bind address to listen on; 127.0.0.1 keeps it off the network
 * @param port TCP port; 0 takes a free one
 * @param token access token; null makes a random one
 * @param usersFile YAML file of named users with roles and password hashes; null for token only
 * @param tlsKeystore PKCS#12 file with the server's key and certificate; null serves plain HTTP
 * @param tlsPassword the keystore's password
 * @param alertsSince how far back the alert review starts at start-up
 * @param alertCapacity alerts kept for review
 * @param maxBodyBytes largest request body accepted
 * @param stallLimit how long a write to a browser's event stream may hang before it is closed
 */
public record DashboardConfig(
    KafkaConnection kafka,
    String topicPrefix,
    String bind,
    int port,
    String token,
    Path usersFile,
    Path tlsKeystore,
    String tlsPassword,
    Duration alertsSince,
    int alertCapacity,
    int maxBodyBytes,
    Duration stallLimit) {

  public static final int DEFAULT_PORT = 8080;

  public DashboardConfig {
    require(kafka != null, "bootstrap: is blank");
    Topics.withPrefix(topicPrefix);
    require(bind != null && !bind.isBlank(), "bind: is blank");
    require(port >= 0 && port <= 65535, "port: is " + port + "; it must lie in [0, 65535]");
    require(
        token == null || token.length() >= 16,
        "token: is " + (token == null ? 0 : token.length()) + " characters; use at least 16");
    require(
        usersFile == null || Files.isRegularFile(usersFile),
        "users: " + usersFile + " is not a file");
    require(
        tlsKeystore == null || Files.isRegularFile(tlsKeystore),
        "tls keystore: " + tlsKeystore + " is not a file");
    require(
        tlsKeystore == null || tlsPassword != null,
        "tls keystore: " + tlsKeystore + " needs a password");
    require(
        alertsSince != null && !alertsSince.isNegative(),
        "alertsSince: is " + alertsSince + "; it must be zero or more");
    require(alertCapacity >= 1, "alertCapacity: is " + alertCapacity + "; it must be at least 1");
    require(maxBodyBytes >= 1024, "maxBodyBytes: is " + maxBodyBytes + "; use at least 1024");
    require(
        stallLimit != null && stallLimit.toMillis() >= 100,
        "stallLimit: is " + stallLimit + "; use at least 100 ms");
  }

  /** Local defaults: 127.0.0.1:8080, a random token, alerts of the last 24 h, 64 KiB bodies. */
  public static DashboardConfig local(String bootstrap) {
    require(bootstrap != null && !bootstrap.isBlank(), "bootstrap: is blank");
    return local(KafkaConnection.plaintext(bootstrap));
  }

  /** As {@link #local(String)}, with the connection's security settings and principal. */
  public static DashboardConfig local(KafkaConnection kafka) {
    return new DashboardConfig(
        kafka,
        Topics.DEFAULT_PREFIX,
        "127.0.0.1",
        DEFAULT_PORT,
        null,
        null,
        null,
        null,
        Duration.ofHours(24),
        1000,
        64 * 1024,
        Duration.ofSeconds(30));
  }

  public DashboardConfig withPort(int p) {
    return new DashboardConfig(
        kafka,
        topicPrefix,
        bind,
        p,
        token,
        usersFile,
        tlsKeystore,
        tlsPassword,
        alertsSince,
        alertCapacity,
        maxBodyBytes,
        stallLimit);
  }

  public DashboardConfig withToken(String t) {
    return new DashboardConfig(
        kafka,
        topicPrefix,
        bind,
        port,
        t,
        usersFile,
        tlsKeystore,
        tlsPassword,
        alertsSince,
        alertCapacity,
        maxBodyBytes,
        stallLimit);
  }

  public DashboardConfig withTopicPrefix(String prefix) {
    return new DashboardConfig(
        kafka,
        prefix,
        bind,
        port,
        token,
        usersFile,
        tlsKeystore,
        tlsPassword,
        alertsSince,
        alertCapacity,
        maxBodyBytes,
        stallLimit);
  }

  public DashboardConfig withBind(String address) {
    return new DashboardConfig(
        kafka,
        topicPrefix,
        address,
        port,
        token,
        usersFile,
        tlsKeystore,
        tlsPassword,
        alertsSince,
        alertCapacity,
        maxBodyBytes,
        stallLimit);
  }

  public DashboardConfig withUsers(Path file) {
    return new DashboardConfig(
        kafka,
        topicPrefix,
        bind,
        port,
        token,
        file,
        tlsKeystore,
        tlsPassword,
        alertsSince,
        alertCapacity,
        maxBodyBytes,
        stallLimit);
  }

  public DashboardConfig withTls(Path keystore, String password) {
    return new DashboardConfig(
        kafka,
        topicPrefix,
        bind,
        port,
        token,
        usersFile,
        keystore,
        password,
        alertsSince,
        alertCapacity,
        maxBodyBytes,
        stallLimit);
  }

  public DashboardConfig withStallLimit(Duration limit) {
    return new DashboardConfig(
        kafka,
        topicPrefix,
        bind,
        port,
        token,
        usersFile,
        tlsKeystore,
        tlsPassword,
        alertsSince,
        alertCapacity,
        maxBodyBytes,
        limit);
  }

  public Topics topics() {
    return Topics.withPrefix(topicPrefix);
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("dashboard " + problem);
    }
  }
}
