package ai.avloc.dashboard;

import ai.avloc.dashboard.access.Access;
import ai.avloc.dashboard.access.Session;
import ai.avloc.dashboard.access.SignInThrottle;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The door every request passes: API calls need a bearer token or a session cookie, writes need the
 * operator role and, when the cookie carries them, the session's CSRF token; pages without a
 * session go to the login page; {@code /?token=T} signs the browser in and takes the token out of
 * the address bar.
 */
final class Gate {
  static final String COOKIE = "avloc_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String SESSION = "avloc.session";
  private static final String FROM_COOKIE = "avloc.fromCookie";

  private final Access access;
  private final SignInThrottle signIns;
  private final boolean secureCookie;

  Gate(Access access, SignInThrottle signIns, boolean secureCookie) {
    this.access = access;
    this.signIns = signIns;
    this.secureCookie = secureCookie;
  }

  /** The before-handler for every path. */
  void check(Context ctx) {
    String path = ctx.path();
    if (path.startsWith("/api/")) {
      checkApi(ctx, path);
    } else if (path.equals("/") && ctx.queryParam("token") != null) {
      Optional<String> id =
          signIns.waitMillis(ctx.ip()) > 0
              ? Optional.empty()
              : access.signInWithToken(ctx.queryParam("token"));
      if (id.isEmpty()) {
        signIns.failed(ctx.ip());
      }
      if (id.isPresent()) {
        setCookie(ctx, id.get());
        ctx.redirect("/", HttpStatus.SEE_OTHER);
      } else {
        ctx.redirect("/login.html?failed", HttpStatus.SEE_OTHER);
      }
      ctx.skipRemainingHandlers();
    } else if (!PUBLIC.contains(path) && fromCookie(ctx).isEmpty()) {
      // every page and asset but the login page's needs a session: a check on ".html" alone
      // would let "/camera%2Ehtml" through, which the file lookup decodes
      ctx.redirect("/login.html", HttpStatus.SEE_OTHER);
      ctx.skipRemainingHandlers();
    }
  }

  /** What a browser without a session may fetch: the login page and what it loads. */
  private static final Set<String> PUBLIC =
      Set.of("/login.html", "/js/login.js", "/css/app.css", "/robots.txt", "/favicon.ico");

  private void checkApi(Context ctx, String path) {
    if (path.equals("/api/login")) {
      return;
    }
    Optional<Session> session;
    boolean cookie = false;
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.startsWith("Bearer ")) {
      long wait = signIns.waitMillis(ctx.ip());
      if (wait > 0) {
        refuse(
            ctx,
            HttpStatus.TOO_MANY_REQUESTS,
            "too many failed sign-ins from this address; try again in " + (wait / 1000 + 1) + " s");
        return;
      }
      session = access.bearer(authorization.substring("Bearer ".length()).trim());
      if (session.isEmpty()) {
        signIns.failed(ctx.ip());
      }
    } else {
      session = fromCookie(ctx);
      cookie = true;
    }
    if (session.isEmpty()) {
      refuse(ctx, HttpStatus.UNAUTHORIZED, "sign in first: a bearer token or a session cookie");
      return;
    }
    ctx.attribute(SESSION, session.get());
    ctx.attribute(FROM_COOKIE, cookie);
    HandlerType method = ctx.method();
    boolean write =
        method == HandlerType.POST || method == HandlerType.PUT || method == HandlerType.DELETE;
    if (!write || path.equals("/api/logout")) {
      return;
    }
    if (!session.get().role().mayWrite()) {
      refuse(ctx, HttpStatus.FORBIDDEN, "user '" + session.get().user() + "' may only look");
    } else if (cookie && !sameSecret(session.get().csrf(), ctx.header(CSRF_HEADER))) {
      refuse(
          ctx,
          HttpStatus.FORBIDDEN,
          "a write with the session cookie needs the " + CSRF_HEADER + " header from /api/session");
    }
  }

  private static boolean sameSecret(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private Optional<Session> fromCookie(Context ctx) {
    return access.session(ctx.cookie(COOKIE));
  }

  static Session session(Context ctx) {
    return ctx.attribute(SESSION);
  }

  /** Whether the request came with the bearer token rather than a session cookie. */
  static boolean fromBearer(Context ctx) {
    return Boolean.FALSE.equals(ctx.attribute(FROM_COOKIE));
  }

  void setCookie(Context ctx, String sessionId) {
    ctx.header(
        "Set-Cookie",
        COOKIE
            + "="
            + sessionId
            + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
            + Access.SESSION_LIFETIME.toSeconds()
            + (secureCookie ? "; Secure" : ""));
  }

  void clearCookie(Context ctx) {
    access.signOut(ctx.cookie(COOKIE));
    ctx.header("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  }

  static void refuse(Context ctx, HttpStatus status, String why) {
    ctx.status(status).json(Map.of("error", why));
    ctx.skipRemainingHandlers();
  }
}
