package ai.avloc.cli;

import ai.avloc.schemas.KafkaConnection;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a command reaches Kafka: {@code --bootstrap} and {@code --client-config FILE}, the client
 * properties (security protocol, SASL credential, trust store) of the component's principal; the
 * file named by {@code AVLOC_KAFKA_CONFIG} when no option names one. {@code kafka-start --secure}
 * writes one per component.
 */
final class KafkaOptions {
  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka brokers (default: the client config's, else " + DEFAULT_BOOTSTRAP + ")")
  String bootstrap;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties: security.protocol, SASL, trust store (default:"
              + " $AVLOC_KAFKA_CONFIG; none: plaintext)")
  Path clientConfig;

  /** The connection, {@value #DEFAULT_BOOTSTRAP} plaintext when nothing names brokers. */
  KafkaConnection connection() {
    return KafkaConnection.resolve(
        bootstrap == null && !configured() ? DEFAULT_BOOTSTRAP : bootstrap, clientConfig);
  }

  /** The connection; refuses to guess brokers when neither an option nor a file names them. */
  KafkaConnection requiredConnection() {
    if (bootstrap == null && !configured()) {
      throw new IllegalArgumentException(
          "give --bootstrap HOST:PORT or --client-config FILE (or AVLOC_KAFKA_CONFIG)");
    }
    return connection();
  }

  private boolean configured() {
    String env = System.getenv(KafkaConnection.ENVIRONMENT);
    return clientConfig != null || (env != null && !env.isBlank());
  }
}
