package ai.avloc.alerts.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * One webhook: where alert events are POSTed and how hard to try. Values are checked when the
 * record is made, each failure naming the setting.
 *
 * @param url absolute http or https URL; userinfo in it is sent (as the URL says) but never logged
 * @param secret HMAC-SHA256 key for the {@code X-Avloc-Signature} header; null sends no signature
 * @param timeout per request, connect included (default 5 s)
 * @param tries attempts per event before it is dead-lettered (default 5)
 * @param firstBackoff pause after the first failed try, doubled after each further one (0.5 s)
 * @param maxBackoff the longest pause between tries (default 30 s)
 * @param queueCapacity events waiting for this webhook; when full the oldest is dead-lettered
 */
public record WebhookConfig(
    URI url,
    String secret,
    Duration timeout,
    int tries,
    Duration firstBackoff,
    Duration maxBackoff,
    int queueCapacity) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_TRIES = 5;
  public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  public WebhookConfig {
    if (url == null) {
      throw new IllegalArgumentException("webhook url is missing");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute()
        || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null) {
      throw new IllegalArgumentException(
          "webhook url '" + redact(url) + "' is not an absolute http:// or https:// URL");
    }
    if (secret != null && secret.isEmpty()) {
      throw new IllegalArgumentException(
          "webhook secret is empty: give a secret, or none to send unsigned");
    }
    positive(timeout, "webhook timeout");
    if (tries < 1) {
      throw new IllegalArgumentException("webhook tries must be at least 1, got " + tries);
    }
    positive(firstBackoff, "webhook first backoff");
    positive(maxBackoff, "webhook max backoff");
    if (maxBackoff.compareTo(firstBackoff) < 0) {
      throw new IllegalArgumentException(
          "webhook max backoff "
              + maxBackoff
              + " is shorter than the first backoff "
              + firstBackoff);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "webhook queue capacity must be at least 1, got " + queueCapacity);
    }
  }

  /** A webhook at {@code url} with the defaults: unsigned, 5 s timeout, 5 tries, 0.5 s to 30 s. */
  public static WebhookConfig of(String url) {
    return new WebhookConfig(
        parse(url),
        null,
        DEFAULT_TIMEOUT,
        DEFAULT_TRIES,
        DEFAULT_FIRST_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_QUEUE_CAPACITY);
  }

  public WebhookConfig withSecret(String secret) {
    return new WebhookConfig(url, secret, timeout, tries, firstBackoff, maxBackoff, queueCapacity);
  }

  public WebhookConfig withTimeout(Duration timeout) {
    return new WebhookConfig(url, secret, timeout, tries, firstBackoff, maxBackoff, queueCapacity);
  }

  public WebhookConfig withTries(int tries) {
    return new WebhookConfig(url, secret, timeout, tries, firstBackoff, maxBackoff, queueCapacity);
  }

  public WebhookConfig withBackoff(Duration first, Duration max) {
    return new WebhookConfig(url, secret, timeout, tries, first, max, queueCapacity);
  }

  public WebhookConfig withQueueCapacity(int capacity) {
    return new WebhookConfig(url, secret, timeout, tries, firstBackoff, maxBackoff, capacity);
  }

  /**
   * The URL as logs and dead letters show it: any {@code user:password@} replaced by {@code ***@}.
   */
  public String redactedUrl() {
    return redact(url);
  }

  /** The pause after failed try {@code n} (1-based): first backoff doubled n-1 times, capped. */
  public Duration backoffAfter(int n) {
    long millis = firstBackoff.toMillis();
    for (int i = 1; i < n && millis < maxBackoff.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }

  @Override
  public String toString() {
    return String.format(
        "webhook %s (%s, timeout %s, %d tries, backoff %s..%s, queue %d)",
        redactedUrl(),
        secret == null ? "unsigned" : "signed",
        timeout,
        tries,
        firstBackoff,
        maxBackoff,
        queueCapacity);
  }

  static URI parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("webhook url is blank");
    }
    try {
      return new URI(url.strip());
    } catch (URISyntaxException e) {
      // the reason, not the input: the input may hold a password
      throw new IllegalArgumentException("webhook url is not a valid URL: " + e.getReason());
    }
  }

  static String redact(URI uri) {
    String shown = uri.toString();
    // the raw authority, not the user info: a URI with an unusable host has no parsed user info
    String authority = uri.getRawAuthority();
    if (authority != null && authority.contains("@")) {
      String hidden = "***" + authority.substring(authority.lastIndexOf('@'));
      shown = shown.replace("//" + authority, "//" + hidden);
    }
    // many services take their token as a query parameter
    int query = shown.indexOf('?');
    return query < 0 ? shown : shown.substring(0, query) + "?***";
  }

  static void positive(Duration d, String what) {
    if (d == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
  }
}
