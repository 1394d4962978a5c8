package ai.avloc.ingest.inventory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One of {@code count} gateway processes sharing an inventory ({@code --shard index/count}, index
 * from 1). A camera belongs to the shard chosen by a hash of its id alone, so every process decides
 * the same without talking to the others, each id has exactly one owner, and adding or removing
 * other cameras never moves a camera. Changing {@code count} does move cameras.
 *
 * <p>The hash is the first 8 bytes of the id's UTF-8 SHA-256, taken as an unsigned number modulo
 * {@code count}: stable across JVMs and versions (unlike {@link String#hashCode()}, whose negative
 * values make {@code %} pitfalls), and well spread for ids that differ in one character.
 *
 * @param index this process's shard, 1..count
 * @param count how many processes share the inventory
 */
public record Shard(int index, int count) {

  /** A single process running every camera. */
  public static final Shard ALL = new Shard(1, 1);

  public Shard {
    if (count < 1) {
      throw new IllegalArgumentException("shard count must be at least 1, got " + count);
    }
    if (index < 1 || index > count) {
      throw new IllegalArgumentException(
          "shard " + index + "/" + count + ": shards are numbered 1.." + count);
    }
  }

  /**
   * Parses {@code i/n}, e.g. {@code 2/3}.
   *
   * @throws IllegalArgumentException naming the text when it is not {@code i/n} with 1 ≤ i ≤ n
   */
  public static Shard parse(String text) {
    String[] parts = text == null ? new String[0] : text.strip().split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "shard '" + text + "' must be i/n, e.g. 1/3 (shard 1 of 3)");
    }
    try {
      return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "shard '" + text + "' must be i/n with whole numbers, e.g. 1/3", e);
    }
  }

  /** Whether this shard runs the camera with this id. */
  public boolean owns(String id) {
    return Long.remainderUnsigned(hash(id), count) == index - 1;
  }

  /** Whether this shard runs the camera: enabled and owned. */
  public boolean runs(CameraSpec camera) {
    return camera.enabled() && owns(camera.id());
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }

  static long hash(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
