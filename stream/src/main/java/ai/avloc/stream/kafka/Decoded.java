package ai.avloc.stream.kafka;

/** What decoding one Kafka record gave: the event, or why there is none. Exactly one is set. */
public record Decoded<E>(E event, Failed failure) {
  public static <E> Decoded<E> ok(E event) {
    return new Decoded<>(event, null);
  }

  public static <E> Decoded<E> failed(Failed failure) {
    return new Decoded<>(null, failure);
  }
}
