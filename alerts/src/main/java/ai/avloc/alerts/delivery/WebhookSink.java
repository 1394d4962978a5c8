package ai.avloc.alerts.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs every alert event to one URL as Frigate-shaped JSON ({@link FrigateEvents}), one request
 * per event, in order. Headers: {@code Content-Type: application/json}, {@code X-Avloc-Event-Id}
 * (the same for a redelivered record, so a receiver can drop duplicates; percent-encoded UTF-8
 * where the id holds anything but printable ASCII), {@code X-Avloc-Timestamp} (unix seconds of this
 * try) and, with a secret, {@code X-Avloc-Signature: sha256=<hex HMAC-SHA256(secret, timestamp +
 * "." + body)>}.
 *
 * <p>A 2xx answer delivers. A 5xx, 429, timeout or connection error is tried again after the
 * config's backoff (doubling, capped; a 429's {@code Retry-After} seconds when longer); any other
 * answer (a 3xx or 4xx) is the request's fault and is not. After the last try, or a refused one,
 * the event's record goes to the dead-letter topic, stage {@code webhook}, with the URL (userinfo
 * redacted) and the last status or error.
 */
public final class WebhookSink extends AlertSink {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);

  /** How much of an error answer's body a dead letter quotes. */
  static final int QUOTED_BODY_BYTES = 200;

  private static final String HEX = "0123456789ABCDEF";

  private final WebhookConfig config;
  private final DeadLetterSender deadLetters;
  private final HttpClient client;
  private final FrigateEvents events = new FrigateEvents();
  private final Mac mac;

  /** Reads error bodies, so that a stalled one times out instead of stopping the worker. */
  private final ExecutorService bodyReader =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "webhook-body");
            t.setDaemon(true);
            return t;
          });

  public WebhookSink(WebhookConfig config, DeadLetterSender deadLetters) {
    super("webhook " + config.redactedUrl(), config.queueCapacity());
    this.config = config;
    this.deadLetters = deadLetters;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.mac = config.secret() == null ? null : hmac(config.secret());
  }

  /** One try's outcome: delivered, or why not and whether another try may help. */
  private record Outcome(boolean delivered, boolean retryable, String problem, long retryAfter) {
    static final Outcome OK = new Outcome(true, false, null, 0);
  }

  @Override
  protected void deliver(QueuedAlert alert) throws InterruptedException {
    FrigateEvents.Event event = events.next(alert.alert());
    Outcome outcome = null;
    int tries = 0;
    try {
      while (tries < config.tries()) {
        if (tries > 0) {
          counters.retried.incrementAndGet();
          Duration pause = config.backoffAfter(tries);
          long retryAfter = Math.min(outcome.retryAfter(), config.maxBackoff().toMillis());
          Thread.sleep(Math.max(pause.toMillis(), retryAfter));
        }
        tries++;
        outcome = post(event);
        if (outcome.delivered()) {
          counters.delivered.incrementAndGet();
          return;
        }
        if (!outcome.retryable()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      giveUp(
          alert,
          String.format(
              "the delivery stopped after %d of %d tries%s",
              tries, config.tries(), outcome == null ? "" : ", last: " + outcome.problem()));
      throw e;
    }
    String reason =
        outcome.retryable()
            ? String.format(
                "failed %d of %d tries, last: %s", tries, config.tries(), outcome.problem())
            : String.format("refused on try %d (not retried): %s", tries, outcome.problem());
    giveUp(alert, reason);
  }

  private Outcome post(FrigateEvents.Event event) throws InterruptedException {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(config.url())
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("X-Avloc-Event-Id", headerSafe(event.id()))
            .header("X-Avloc-Timestamp", timestamp)
            .POST(HttpRequest.BodyPublishers.ofString(event.json(), StandardCharsets.UTF_8));
    if (mac != null) {
      request.header("X-Avloc-Signature", "sha256=" + sign(timestamp + "." + event.json()));
    }
    try {
      HttpResponse<InputStream> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        // the request's timeout ends at the headers: a body that never ends must not hold the
        // worker, and a delivered event needs none of it
        response.body().close();
        return Outcome.OK;
      }
      String quoted = quoteOf(response.body());
      String problem = "HTTP " + status + (quoted.isEmpty() ? "" : " '" + quoted + "'");
      boolean retryable = status >= 500 || status == 429;
      long retryAfter =
          status == 429
              ? response
                  .headers()
                  .firstValue("Retry-After")
                  .map(WebhookSink::retryAfterMillis)
                  .orElse(0L)
              : 0L;
      return new Outcome(false, retryable, problem, retryAfter);
    } catch (HttpTimeoutException e) {
      return new Outcome(false, true, "no answer within " + config.timeout(), 0);
    } catch (IOException e) {
      return new Outcome(false, true, "connection error: " + e, 0);
    }
  }

  /**
   * The start of an error answer's body, read for at most the config's timeout: a broken peer may
   * answer with anything, or stop halfway through.
   */
  private String quoteOf(InputStream body) throws InterruptedException, IOException {
    Future<byte[]> head = bodyReader.submit(() -> body.readNBytes(QUOTED_BODY_BYTES));
    try {
      byte[] bytes = head.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return new String(bytes, StandardCharsets.UTF_8).strip();
    } catch (TimeoutException e) {
      return "(its body stalled)";
    } catch (ExecutionException e) {
      return "";
    } finally {
      head.cancel(true); // an interrupt ends the reader's wait for the rest
      body.close();
    }
  }

  /**
   * {@code value} with every byte of its UTF-8 form that is not printable ASCII, and {@code %}
   * itself, percent-encoded (RFC 3986): ids hold camera names such as "кухня", and a header may
   * hold neither those nor a line break. Plain ids stay as they are.
   */
  static String headerSafe(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
      }
    }
    return out.toString();
  }

  private static long retryAfterMillis(String value) {
    try {
      return Math.max(0, Long.parseLong(value.strip())) * 1000;
    } catch (NumberFormatException e) {
      // an HTTP date instead of seconds: keep our own backoff
      return 0;
    }
  }

  @Override
  protected void giveUp(QueuedAlert alert, String reason) {
    String error = "webhook " + config.redactedUrl() + " " + reason;
    LOG.warn(
        "dead-lettering {} {} of {}: {}",
        alert.alert().getState(),
        alert.alert().getAlertId(),
        alert.alert().getStreamId(),
        error);
    counters.deadLettered.incrementAndGet();
    deadLetters.send(alert.source(), "webhook", error);
  }

  @Override
  protected void release() {
    // HttpClient has no close before Java 21; its threads end once it is unreachable
    bodyReader.shutdownNow();
  }

  private String sign(String text) {
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Mac hmac(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("this JVM cannot compute HMAC-SHA256", e);
    }
  }
}
