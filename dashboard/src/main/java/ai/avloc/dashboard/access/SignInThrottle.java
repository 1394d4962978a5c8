package ai.avloc.dashboard.access;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed sign-ins per client address: after {@code limit} failures within {@code windowMillis} the
 * address is refused until the oldest of them ages out, before any password is hashed. Guessing a
 * token or password then takes years instead of hours, and a loop of wrong passwords cannot keep
 * the cores busy with PBKDF2.
 */
public final class SignInThrottle {
  private final int limit;
  private final long windowMillis;
  private final LongSupplier clock;
  private final Map<String, Deque<Long>> failures = new HashMap<>();

  public SignInThrottle(int limit, long windowMillis, LongSupplier clock) {
    this.limit = limit;
    this.windowMillis = windowMillis;
    this.clock = clock;
  }

  /** Milliseconds the address must wait before it may try again; 0 when it may try now. */
  public synchronized long waitMillis(String address) {
    Deque<Long> times = recent(address);
    return times.size() < limit ? 0 : times.peekFirst() + windowMillis - clock.getAsLong();
  }

  public synchronized void failed(String address) {
    recent(address).addLast(clock.getAsLong());
    if (failures.size() > 10_000) {
      // many addresses: keep only those with failures still in the window
      failures
          .values()
          .removeIf(t -> t.isEmpty() || t.peekLast() < clock.getAsLong() - windowMillis);
    }
  }

  private Deque<Long> recent(String address) {
    Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    long from = clock.getAsLong() - windowMillis;
    while (!times.isEmpty() && times.peekFirst() <= from) {
      times.removeFirst();
    }
    return times;
  }
}
