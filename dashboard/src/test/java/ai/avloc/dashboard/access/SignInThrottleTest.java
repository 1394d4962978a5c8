package ai.avloc.dashboard.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
  @Test
  void shouldRefuseAnAddressUntilItsOldestFailureAgesOut() {
    AtomicLong now = new AtomicLong(1_000_000);
    SignInThrottle throttle = new SignInThrottle(3, 60_000, now::get);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, throttle.waitMillis("10.0.0.7"));
      throttle.failed("10.0.0.7");
      now.addAndGet(10_000);
    }
    // failures at 0, 10 and 20 s; now 30 s: the first ages out at 60 s
    assertEquals(30_000, throttle.waitMillis("10.0.0.7"));
    assertEquals(0, throttle.waitMillis("10.0.0.8"), "another address is not held back");
    now.addAndGet(30_000);
    assertEquals(0, throttle.waitMillis("10.0.0.7"));
  }
}
