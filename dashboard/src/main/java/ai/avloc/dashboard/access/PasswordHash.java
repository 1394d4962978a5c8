package ai.avloc.dashboard.access;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes as {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash base64): PBKDF2 with
 * HMAC-SHA256 from the JDK, 210,000 iterations (OWASP's figure for PBKDF2-HMAC-SHA256), 16-byte
 * salt, 32-byte hash.
 */
public final class PasswordHash {
  static final String SCHEME = "pbkdf2-sha256";
  static final int ITERATIONS = 210_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHash() {}

  /** A new hash of the password with a fresh salt. */
  public static String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return format(ITERATIONS, salt, derive(password, salt, ITERATIONS));
  }

  /**
   * Whether the password matches the stored hash (compared in constant time).
   *
   * @throws IllegalArgumentException when {@code stored} is not a hash of this scheme
   */
  public static boolean matches(char[] password, String stored) {
    String[] parts = parse(stored);
    int iterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, iterations));
  }

  /** Checks the form of a stored hash; the message says what is wrong. */
  static String[] parse(String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException(
          "is not a password hash of the form "
              + SCHEME
              + "$ITERATIONS$SALT$HASH; make one with ./avloc dashboard hash-password");
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      if (iterations < 1) {
        throw new IllegalArgumentException("has " + iterations + " iterations");
      }
      Base64.getDecoder().decode(parts[2]);
      if (Base64.getDecoder().decode(parts[3]).length == 0) {
        throw new IllegalArgumentException("has an empty hash");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not a valid " + SCHEME + " hash: " + e.getMessage());
    }
    return parts;
  }

  private static String format(int iterations, byte[] salt, byte[] hash) {
    Base64.Encoder b64 = Base64.getEncoder();
    return SCHEME
        + "$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }
}
