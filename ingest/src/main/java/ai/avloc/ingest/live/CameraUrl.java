package ai.avloc.ingest.live;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a live camera is: a network URL ({@code rtsp}, {@code rtsps}, {@code rtmp}, {@code rtmps},
 * {@code http}, {@code https}), a file ({@code file:/path}) or a local device ({@code
 * v4l2:/dev/video0}, {@code alsa:hw:1}). Credentials are held apart from the address, whether they
 * came in the URL ({@code rtsp://user:pass@host/...}) or were given separately, and only {@link
 * #ffmpegInput()} puts them back, for FFmpeg alone. Everything else a person or a topic sees uses
 * {@link #redacted()}: {@code rtsp://***@host:554/path}, with secret query parameters (password,
 * token, ...) shown as {@code ***} too; {@link #toString()} is the redacted form.
 */
public final class CameraUrl {
  /** How the camera is reached. */
  public enum Kind {
    RTSP,
    RTSPS,
    RTMP,
    RTMPS,
    HTTP,
    HTTPS,
    FILE,
    V4L2,
    ALSA;

    boolean network() {
      return this != FILE && this != V4L2 && this != ALSA;
    }
  }

  /**
   * scheme://[user[:password]@]host[:port]rest. A password is taken up to the last '@' before any
   * query: people write them raw, with '/' or '@' in them, and a password cut short at its '/'
   * would be read as the host and shown in every message.
   */
  private static final Pattern NETWORK =
      Pattern.compile(
          "(?i)(rtsps?|rtmps?|https?)://(?:([^:/@?#]*:[^?#]*|[^@/?#]*)@)?([^/?#]*)(.*)",
          Pattern.DOTALL);

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]]+)(?::(\\d{1,5}))?");
  private static final Pattern SECRET_PARAM =
      Pattern.compile("(?i)([?&;](?:password|passwd|pass|pwd|token|auth|key)=)([^&;#]*)");

  private final Kind kind;
  private final String host;
  private final int port;
  private final String rest;
  private final String user;
  private final String password;

  private CameraUrl(Kind kind, String host, int port, String rest, String user, String password) {
    this.kind = kind;
    this.host = host;
    this.port = port;
    this.rest = rest;
    this.user = user;
    this.password = password;
  }

  /**
   * Parses a camera URL; user and password in it are taken apart from the address.
   *
   * @throws IllegalArgumentException naming the redacted URL if it is not a camera URL
   */
  public static CameraUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a camera URL is empty");
    }
    String t = text.strip();
    Matcher m = NETWORK.matcher(t);
    if (m.matches()) {
      Kind kind = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
      String user = null;
      String password = null;
      if (m.group(2) != null) {
        String info = m.group(2);
        int colon = info.indexOf(':');
        user = decode(colon < 0 ? info : info.substring(0, colon));
        password = colon < 0 ? null : decode(info.substring(colon + 1));
      }
      Matcher hp = HOST_PORT.matcher(m.group(3));
      CameraUrl partial = new CameraUrl(kind, m.group(3), -1, m.group(4), user, password);
      if (m.group(3).isEmpty() || !hp.matches()) {
        throw new IllegalArgumentException(
            "camera URL " + partial.redacted() + " has no valid host[:port]");
      }
      int port = -1;
      if (hp.group(2) != null) {
        port = Integer.parseInt(hp.group(2));
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException(
              "camera URL " + partial.redacted() + ": port " + port + " is out of range");
        }
      }
      return new CameraUrl(kind, hp.group(1), port, m.group(4), user, password);
    }
    if (t.startsWith("/")) {
      // a plain absolute path, as an inventory may give a recording
      return new CameraUrl(Kind.FILE, null, -1, t, null, null);
    }
    int colon = t.indexOf(':');
    String scheme = colon < 0 ? "" : t.substring(0, colon).toLowerCase(Locale.ROOT);
    String target = colon < 0 ? "" : t.substring(colon + 1);
    switch (scheme) {
      case "file" -> {
        // file:/a, file:///a and file://localhost/a all name /a
        int slash = target.startsWith("//") ? target.indexOf('/', 2) : 0;
        if (slash < 0 || target.substring(slash).isEmpty()) {
          throw new IllegalArgumentException("camera URL " + t + " names no file");
        }
        String path = target.substring(slash);
        return new CameraUrl(Kind.FILE, null, -1, path, null, null);
      }
      case "v4l2", "alsa" -> {
        if (target.isEmpty()) {
          throw new IllegalArgumentException(
              "camera URL " + t + " names no device (e.g. v4l2:/dev/video0, alsa:hw:1)");
        }
        return new CameraUrl(
            scheme.equals("v4l2") ? Kind.V4L2 : Kind.ALSA, null, -1, target, null, null);
      }
      default -> {
        // the text may hold credentials in a form not recognised: show only its scheme
        throw new IllegalArgumentException(
            "camera URL with scheme '"
                + (scheme.matches("[a-z0-9+.-]{1,16}") ? scheme : "?")
                + "' is not supported: use rtsp, rtsps, rtmp, rtmps, http, https, file, v4l2 or"
                + " alsa");
      }
    }
  }

  /** The same camera with these credentials (replacing any from the URL); null for none. */
  public CameraUrl withCredentials(String user, String password) {
    if (!kind.network()) {
      throw new IllegalArgumentException(
          "camera " + redacted() + " is not a network URL: credentials do not apply");
    }
    return new CameraUrl(kind, host, port, rest, user, password);
  }

  public Kind kind() {
    return kind;
  }

  /** The host of a network URL, null otherwise. */
  public String host() {
    return host;
  }

  /** The explicit port, or -1 for the scheme's default. */
  public int port() {
    return port;
  }

  public boolean hasCredentials() {
    return user != null || password != null;
  }

  /** Whether a network camera (RTSP, RTMP, HTTP), as opposed to a file or a local device. */
  public boolean isNetwork() {
    return kind.network();
  }

  /** For files and devices: the path or device name; null for network URLs. */
  public String device() {
    return kind.network() ? null : rest;
  }

  /**
   * A stream id for a camera given by URL alone: its host, port and path (or device) in the
   * characters stream ids allow, never its credentials; e.g. {@code 10.0.0.5-554-stream1}.
   */
  public String defaultStreamId() {
    String shown = redacted().replaceFirst("^[a-z0-9+]+:(//)?", "").replaceFirst("^\\*\\*\\*@", "");
    String id = shown.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    return id.isEmpty() ? "camera" : id;
  }

  /** The URL without credentials: {@code rtsp://***@host:554/path}. Safe to log and publish. */
  public String redacted() {
    return switch (kind) {
      case FILE -> "file:" + rest;
      case V4L2 -> "v4l2:" + rest;
      case ALSA -> "alsa:" + rest;
      default ->
          scheme()
              + "://"
              + (hasCredentials() ? "***@" : "")
              + hostPort()
              + SECRET_PARAM.matcher(rest).replaceAll("$1***");
    };
  }

  /**
   * An input as logs and status records show it: redacted when it is a camera URL; a sound server
   * (pulse:NAME, jack:...) or a relative path as written, unless it holds an '@' that could be
   * hiding a password.
   */
  public static String shown(String input) {
    try {
      return parse(input).redacted();
    } catch (IllegalArgumentException notACameraUrl) {
      return input != null && input.contains("@") ? "(an input that is not a camera URL)" : input;
    }
  }

  /** What FFmpeg opens: the URL with the credentials put back (percent-encoded), or the device. */
  public String ffmpegInput() {
    if (!kind.network()) {
      return rest;
    }
    String info = "";
    if (hasCredentials()) {
      info =
          encode(user == null ? "" : user) + (password == null ? "" : ":" + encode(password)) + "@";
    }
    return scheme() + "://" + info + hostPort() + rest;
  }

  /** FFmpeg's input format for devices ({@code v4l2}, {@code alsa}); null to let FFmpeg probe. */
  public String ffmpegFormat() {
    return switch (kind) {
      case V4L2 -> "v4l2";
      case ALSA -> "alsa";
      default -> null;
    };
  }

  /**
   * The text with every form of this URL's secrets (the full URL, the password, plain or encoded)
   * replaced, for messages that come from FFmpeg or a library and may quote the input.
   */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text.replace(ffmpegInput(), redacted());
    if (password != null && !password.isEmpty()) {
      out = out.replace(encode(password), "***").replace(password, "***");
    }
    // any other URL with user info the message quotes (e.g. after a redirect)
    out = out.replaceAll("(?i)((?:rtsps?|rtmps?|https?)://)[^@/\\s\"']*@", "$1***@");
    return SECRET_PARAM.matcher(out).replaceAll("$1***");
  }

  private String scheme() {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private String hostPort() {
    return port < 0 ? host : host + ":" + port;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // not percent-encoded after all: take it as written
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CameraUrl u
        && kind == u.kind
        && Objects.equals(host, u.host)
        && port == u.port
        && rest.equals(u.rest)
        && Objects.equals(user, u.user)
        && Objects.equals(password, u.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, host, port, rest, user, password);
  }

  /** The redacted URL: a camera URL never prints its credentials. */
  @Override
  public String toString() {
    return redacted();
  }
}
