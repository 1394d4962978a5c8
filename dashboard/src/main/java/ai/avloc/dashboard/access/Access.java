package ai.avloc.dashboard.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Decides who a request is: the start token (an operator named "token"), a named user's password,
 * or a session id from the cookie. Sessions live in memory for {@link #SESSION_LIFETIME}; a restart
 * signs everyone out, which is what a token that changes per start implies anyway.
 */
public final class Access {
  public static final Duration SESSION_LIFETIME = Duration.ofHours(12);
  public static final String TOKEN_USER = "token";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Checked against for a name that is not a user, at the cost of a real check; made on first use.
   */
  private static final class NoSuchUser {
    static final String HASH = PasswordHash.hash("no such user".toCharArray());
  }

  private final byte[] token;
  private final Map<String, UserFile.User> users;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public Access(String token, Map<String, UserFile.User> users, LongSupplier clock) {
    if (token == null || token.length() < 16) {
      throw new IllegalArgumentException("the access token must be at least 16 characters long");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.users = Map.copyOf(users);
    this.clock = clock;
  }

  /** A random token of 32 bytes, base64url: what a start prints when none is given. */
  public static String newToken() {
    return random(32);
  }

  public boolean isToken(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** The session of a bearer token: not stored, valid while the token is. */
  public Optional<Session> bearer(String candidate) {
    return isToken(candidate)
        ? Optional.of(new Session(TOKEN_USER, Role.OPERATOR, "", Long.MAX_VALUE))
        : Optional.empty();
  }

  /** Signs in with the token; returns the new session's id. */
  public Optional<String> signInWithToken(String candidate) {
    return isToken(candidate) ? Optional.of(open(TOKEN_USER, Role.OPERATOR)) : Optional.empty();
  }

  /** Signs in a named user; returns the new session's id. */
  public Optional<String> signIn(String user, char[] password) {
    UserFile.User u = user == null ? null : users.get(user);
    if (u == null) {
      // spend the same time as a real check, so a probe cannot tell names that exist
      PasswordHash.matches(password, NoSuchUser.HASH);
      return Optional.empty();
    }
    return PasswordHash.matches(password, u.passwordHash())
        ? Optional.of(open(u.name(), u.role()))
        : Optional.empty();
  }

  private String open(String user, Role role) {
    String id = random(32);
    sessions.put(
        id, new Session(user, role, random(24), clock.getAsLong() + SESSION_LIFETIME.toMillis()));
    return id;
  }

  public Optional<Session> session(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s != null && s.expiresAt() <= clock.getAsLong()) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.ofNullable(s);
  }

  public void signOut(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
