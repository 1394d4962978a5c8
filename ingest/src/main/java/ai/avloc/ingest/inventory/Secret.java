package ai.avloc.ingest.inventory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password read from an environment variable or a file. It never prints: {@link #toString()} is
 * redacted, so a {@link CameraSpec} can be logged whole. Equality is by value, so a changed
 * password makes a changed camera.
 */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The password itself; pass it to the decoder, never to a log, topic or error message. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    // constant time, as for any secret comparison
    return o instanceof Secret other
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "*****";
  }
}
