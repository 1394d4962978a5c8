package ai.avloc.alerts.delivery;

import ai.avloc.schemas.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A place alerts are delivered to, with its own bounded queue and worker thread: {@link #accept}
 * never waits, so a peer that hangs holds up only its own queue, never the consumer or another
 * sink. The worker takes one alert at a time, in the order accepted, and {@link #deliver}s it
 * (retrying as the sink sees fit). When the queue is full the oldest waiting UPDATE makes room (the
 * oldest alert when none is an UPDATE: a START or END changes what is active, an UPDATE only a
 * level) and is {@link #giveUp given up}; so are those still waiting when {@link #close} runs out
 * of time. An alert whose delivery throws is given up too, and the worker carries on.
 */
public abstract class AlertSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertSink.class);

  /** How long an idle worker waits for an alert before it looks at its peer again. */
  static final Duration IDLE_POLL = Duration.ofMillis(200);

  private final String name;
  private final BlockingDeque<QueuedAlert> queue;
  private final Thread worker;
  protected final SinkCounters counters = new SinkCounters();
  private volatile boolean closing;
  private volatile boolean stopping;
  private long idleErrorLoggedAt = System.nanoTime() - TimeUnit.MINUTES.toNanos(2);

  protected AlertSink(String name, int queueCapacity) {
    this.name = name;
    this.queue = new LinkedBlockingDeque<>(queueCapacity);
    this.worker = new Thread(this::work, "avloc-delivery " + name);
    this.worker.setDaemon(true);
  }

  /** Starts the worker; call once. */
  public void start() {
    worker.start();
  }

  /** Who this sink delivers to, credentials left out: for logs and counters. */
  public String name() {
    return name;
  }

  public SinkCounters counters() {
    return counters;
  }

  /** Alerts waiting in the queue. */
  public int queued() {
    return queue.size();
  }

  /**
   * Queues {@code alert} for delivery without waiting; when the queue is full its oldest UPDATE (or
   * oldest alert, when none is an UPDATE) is given up to make room. Called by one thread (the
   * consumer's).
   */
  public void accept(QueuedAlert alert) {
    if (closing) {
      giveUp(alert, "the delivery was closing");
      return;
    }
    while (!queue.offerLast(alert)) {
      QueuedAlert victim = oldestUpdate();
      if (victim == null || !queue.removeFirstOccurrence(victim)) {
        victim = queue.pollFirst();
      }
      if (victim != null) {
        giveUp(victim, "its queue was full (" + (queue.size() + 1) + " events waiting)");
      }
    }
  }

  private QueuedAlert oldestUpdate() {
    for (QueuedAlert waiting : queue) {
      if (waiting.alert().getState() == AlertState.UPDATE) {
        return waiting;
      }
    }
    return null;
  }

  /**
   * Delivers one alert, retrying as the sink's policy says, and counts the outcome; returns when it
   * is delivered or given up. An interrupt means the sink is closing: give the alert up and throw.
   */
  protected abstract void deliver(QueuedAlert alert) throws InterruptedException;

  /** Called on the worker between alerts, and about every 200 ms while idle: keep the peer up. */
  protected void idle() {}

  /** An alert that will not be delivered: dead-letter it, or log and count it. */
  protected abstract void giveUp(QueuedAlert alert, String reason);

  /**
   * Throws once {@link #close} has run out of time, for loops that wait on a peer whose client
   * swallows interrupts.
   */
  protected void checkStopping() throws InterruptedException {
    if (stopping || Thread.interrupted()) {
      throw new InterruptedException("the sink is closing");
    }
  }

  /** Releases the sink's own resources, once its worker has stopped. */
  protected abstract void release();

  private void work() {
    try {
      while (!(closing && queue.isEmpty())) {
        idleSafely();
        QueuedAlert next = queue.pollFirst(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (next != null) {
          deliverOrGiveUp(next);
        }
      }
    } catch (InterruptedException e) {
      // close ran out of time: what is still queued is given up there
    } catch (RuntimeException e) {
      LOG.error("the {} worker stopped on an unexpected error", name, e);
    }
  }

  /** Nor may a failure while idle: it is logged, at most once a minute, and the worker goes on. */
  private void idleSafely() {
    try {
      idle();
    } catch (RuntimeException e) {
      long now = System.nanoTime();
      if (now - idleErrorLoggedAt > TimeUnit.MINUTES.toNanos(1)) {
        idleErrorLoggedAt = now;
        LOG.error("{}: keeping the peer up failed; going on", name, e);
      }
    }
  }

  /** One bad alert (an id a header cannot hold, say) must not stop the alerts behind it. */
  private void deliverOrGiveUp(QueuedAlert next) throws InterruptedException {
    try {
      deliver(next);
    } catch (RuntimeException e) {
      LOG.error("{}: could not deliver {}", name, next.alert().getAlertId(), e);
      giveUp(next, e.toString());
    }
  }

  /** Delivers what is queued for up to 10 s, then gives up the rest and stops. */
  @Override
  public void close() {
    close(Instant.now().plusSeconds(10));
  }

  /**
   * Stops accepting, lets the worker deliver what is queued until {@code deadline}, then interrupts
   * it and gives up whatever is left. Several sinks closed with one deadline drain side by side.
   */
  public void close(Instant deadline) {
    closing = true;
    try {
      if (worker.isAlive()) {
        long wait = Duration.between(Instant.now(), deadline).toMillis();
        worker.join(Math.max(1, wait));
        if (worker.isAlive()) {
          stopping = true;
          worker.interrupt();
          worker.join(5_000);
        }
      }
    } catch (InterruptedException e) {
      worker.interrupt();
      Thread.currentThread().interrupt();
    }
    QueuedAlert left;
    int count = 0;
    while ((left = queue.pollFirst()) != null) {
      giveUp(left, "the delivery stopped before it was sent");
      count++;
    }
    if (count > 0) {
      LOG.warn("{}: {} queued events not delivered before close", name, count);
    }
    release();
  }
}
