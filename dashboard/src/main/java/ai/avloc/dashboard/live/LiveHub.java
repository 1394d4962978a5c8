package ai.avloc.dashboard.live;

import ai.avloc.dashboard.state.LiveEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.sse.SseClient;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans every change out to the open event streams. Each event is serialized once; offering it to a
 * client never blocks, so one browser that stops reading slows no one: it is cut off once a write
 * has hung for {@code stallLimitMillis} or it owes {@link LiveClient#MAX_QUEUED} alerts.
 */
public final class LiveHub implements Consumer<LiveEvent>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);

  /** An event ready to write: its name, camera and JSON text. */
  record Outgoing(String type, String streamId, boolean replaceable, String json) {}

  private final ObjectMapper json;
  private final long stallLimitMillis;
  private final Set<LiveClient> clients = new CopyOnWriteArraySet<>();
  private final AtomicLong names = new AtomicLong();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "live-watchdog");
            t.setDaemon(true);
            return t;
          });

  public LiveHub(ObjectMapper json, long stallLimitMillis) {
    this.json = json;
    this.stallLimitMillis = stallLimitMillis;
    watchdog.scheduleWithFixedDelay(this::cutStalled, 1, 1, TimeUnit.SECONDS);
  }

  /** Event streams one session (or the token) may hold open at once: a few tabs, not thousands. */
  public static final int MAX_STREAMS_PER_OWNER = 8;

  /**
   * Opens an event stream for the browser; {@code streams} empty means every camera. The stream
   * ends when {@code signedIn} turns false (checked before every write and heartbeat). An owner
   * with {@link #MAX_STREAMS_PER_OWNER} streams open gets this one closed at once.
   *
   * @param owner the session or token the stream belongs to
   */
  public void open(
      SseClient sse, Set<String> streams, String who, String owner, BooleanSupplier signedIn) {
    LiveClient client =
        new LiveClient(sse, streams, who + "#" + names.incrementAndGet(), owner, signedIn);
    // counted and added in one step: streams opened at once on several server threads
    synchronized (clients) {
      long open = clients.stream().filter(c -> c.owner().equals(owner)).count();
      if (open >= MAX_STREAMS_PER_OWNER) {
        LOG.warn("{} has {} live streams open; refusing another", who, open);
        sse.close();
        return;
      }
      clients.add(client);
    }
    sse.keepAlive();
    sse.onClose(
        () -> {
          clients.remove(client);
          client.stop();
        });
    client.start();
  }

  @Override
  public void accept(LiveEvent event) {
    if (clients.isEmpty()) {
      return;
    }
    Outgoing out;
    try {
      out =
          new Outgoing(
              event.type(),
              event.streamId(),
              event.replaceable(),
              json.writeValueAsString(event.data()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a " + event.type() + " event as JSON", e);
    }
    for (LiveClient c : clients) {
      if (c.wants(out) && !c.offer(out)) {
        LOG.warn(
            "live stream {} owes {} alerts and rule lists; closing it",
            c.name(),
            LiveClient.MAX_QUEUED);
        drop(c);
      }
    }
  }

  private void cutStalled() {
    long now = System.currentTimeMillis();
    for (LiveClient c : clients) {
      if (c.closed()) {
        clients.remove(c);
      } else if (c.stalledFor(now) > stallLimitMillis) {
        LOG.warn("live stream {} has not read for {} ms; closing it", c.name(), c.stalledFor(now));
        drop(c);
      }
    }
  }

  private void drop(LiveClient c) {
    clients.remove(c);
    c.close();
  }

  /** Open event streams. */
  public int clients() {
    return clients.size();
  }

  /** Stops every sender; call before the server stops, which then closes the connections. */
  @Override
  public void close() {
    watchdog.shutdownNow();
    for (LiveClient c : clients) {
      clients.remove(c);
      c.stop();
    }
  }
}
