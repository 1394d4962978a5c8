package ai.avloc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowClockTest {
  static final long T0 = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli() * 1000;

  @Test
  void shouldCutEverySecondIntoTwelveWindowsOfUnequalWholeMicroseconds() {
    long w0 = WindowClock.windowOf(T0);
    assertEquals(T0, WindowClock.startMicros(w0));
    // 1/12 s = 83333.33 us: starts fall at +83334, +166667, +250000 (rounded up)
    assertEquals(T0 + 83_334, WindowClock.startMicros(w0 + 1));
    assertEquals(T0 + 166_667, WindowClock.startMicros(w0 + 2));
    assertEquals(T0 + 250_000, WindowClock.startMicros(w0 + 3));
    assertEquals(T0 + 1_000_000, WindowClock.startMicros(w0 + 12));
    assertEquals(w0, WindowClock.windowOf(T0 + 83_333));
    assertEquals(w0 + 1, WindowClock.windowOf(T0 + 83_334));
  }

  @Test
  void shouldFireTheTimerAtTheWindowsLastMillisecond() {
    long w0 = WindowClock.windowOf(T0);
    // window 0 ends before T0 + 83334 us: its last whole millisecond is T0 + 83 ms
    assertEquals(T0 / 1000 + 83, WindowClock.lastMillis(w0));
    assertEquals(T0 / 1000 + 166, WindowClock.lastMillis(w0 + 1));
  }

  @Test
  void shouldPutExactly1024SamplesInEachWindowWithoutOverflow() {
    long first = WindowClock.sampleAt(T0);
    assertEquals(0, first % 1024, "a whole second starts a window on the sample grid");
    assertEquals(
        first + 1024, WindowClock.sampleAt(WindowClock.startMicros(WindowClock.windowOf(T0) + 1)));
    assertEquals(first + 12_288, WindowClock.sampleAt(T0 + 1_000_000));
    assertEquals(T0 + 81, WindowClock.microsOfSample(first + 1)); // 81.38 us per sample
    assertEquals(first + 1, WindowClock.sampleAt(WindowClock.microsOfSample(first + 1)));
  }

  @Test
  void shouldHandleInstantsBeforeTheEpoch() {
    assertEquals(-1, WindowClock.windowOf(-1));
    assertEquals(-83_333, WindowClock.startMicros(-1));
  }
}
