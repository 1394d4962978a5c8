package ai.avloc.dashboard.live;

import io.javalin.http.sse.SseClient;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's event stream. The hub offers events without ever waiting; this client's own thread
 * writes them. A replaceable event (a camera's localization, frame or status) takes the place of
 * the one of its kind still waiting, so a reader that falls behind skips to the newest; alerts and
 * rule lists always queue.
 */
final class LiveClient {
  private static final Logger LOG = LoggerFactory.getLogger(LiveClient.class);

  /** Alerts and rule lists a client may owe before it is cut off as too slow. */
  static final int MAX_QUEUED = 1000;

  /** A comment line this often keeps a quiet stream open and finds a closed browser. */
  static final long HEARTBEAT_MILLIS = 15_000;

  private final SseClient sse;
  private final Set<String> streams;
  private final String name;
  private final String owner;
  private final BooleanSupplier signedIn;
  private final Map<String, LiveHub.Outgoing> pending = new LinkedHashMap<>();
  private final Thread sender;
  private long queuedSteps;
  private long sequence;
  private volatile long writeStartedAt;
  private volatile boolean closed;
  private long dropped;

  LiveClient(
      SseClient sse, Set<String> streams, String name, String owner, BooleanSupplier signedIn) {
    this.sse = sse;
    this.streams = streams;
    this.name = name;
    this.owner = owner;
    this.signedIn = signedIn;
    this.sender = new Thread(this::send, "live-" + name);
    sender.setDaemon(true);
  }

  void start() {
    sender.start();
  }

  boolean wants(LiveHub.Outgoing event) {
    return event.streamId() == null || streams.isEmpty() || streams.contains(event.streamId());
  }

  /** Queues the event for this client; false when the client owes too many and must go. */
  synchronized boolean offer(LiveHub.Outgoing event) {
    if (closed) {
      return true;
    }
    if (event.replaceable()) {
      String key = event.type() + "/" + event.streamId();
      if (pending.put(key, event) != null) {
        dropped++;
      }
    } else {
      if (queuedSteps >= MAX_QUEUED) {
        return false;
      }
      pending.put("step/" + sequence++, event);
      queuedSteps++;
    }
    notifyAll();
    return true;
  }

  /** The next event, or {@link #HEARTBEAT} after a quiet spell; null once closed. */
  private synchronized LiveHub.Outgoing take() throws InterruptedException {
    long deadline = System.currentTimeMillis() + HEARTBEAT_MILLIS;
    while (pending.isEmpty() && !closed) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return HEARTBEAT;
      }
      wait(left);
    }
    if (closed) {
      return null;
    }
    Iterator<Map.Entry<String, LiveHub.Outgoing>> first = pending.entrySet().iterator();
    Map.Entry<String, LiveHub.Outgoing> next = first.next();
    first.remove();
    if (next.getKey().startsWith("step/")) {
      queuedSteps--;
    }
    return next.getValue();
  }

  private void send() {
    try {
      LiveHub.Outgoing event;
      while ((event = take()) != null) {
        if (!signedIn.getAsBoolean()) {
          LOG.info("live stream {} ends: its session ended", name);
          break;
        }
        writeStartedAt = System.currentTimeMillis();
        if (event == HEARTBEAT) {
          sse.sendComment("heartbeat");
        } else {
          sse.sendEvent(event.type(), event.json());
        }
        writeStartedAt = 0;
        if (sse.terminated()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.info("live stream {} ended: {}", name, e.getMessage());
    } finally {
      close();
    }
  }

  /** How long the current write has been blocked, ms; 0 when not writing. */
  long stalledFor(long now) {
    long started = writeStartedAt;
    return started == 0 ? 0 : now - started;
  }

  synchronized long dropped() {
    return dropped;
  }

  boolean closed() {
    return closed || sse.terminated();
  }

  /** Stops sending and ends the response, so the browser sees the stream end. */
  void close() {
    if (stop() && !sse.terminated()) {
      try {
        sse.close();
      } catch (RuntimeException e) {
        LOG.debug("closing live stream {}: {}", name, e.getMessage());
      }
    }
  }

  /**
   * Stops sending without touching the response: for a server that is stopping, whose connections
   * Jetty closes itself (ending a response whose request Jetty has already recycled makes Javalin
   * loop on its error handler).
   *
   * @return whether this call stopped it
   */
  boolean stop() {
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
      pending.clear();
      notifyAll();
    }
    sender.interrupt();
    return true;
  }

  String name() {
    return name;
  }

  /** The session (or token) that opened it: streams are counted per owner. */
  String owner() {
    return owner;
  }

  private static final LiveHub.Outgoing HEARTBEAT =
      new LiveHub.Outgoing("heartbeat", null, false, "");
}
