package ai.avloc.stream.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.WindowClock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAlignerTest {
  static final long T0 = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli() * 1000;
  static final long W0 = WindowClock.windowOf(T0);
  static final long STALE = 500_000;

  /** Samples numbered from {@code from}, so every sample says where it came from. */
  static float[] ramp(int from, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + i;
    }
    return x;
  }

  static FrameRef frame(long micros) {
    return new FrameRef(micros, micros, 298, 224, new byte[] {1, 2, 3});
  }

  @Test
  void shouldEmitOneWindowPerTwelfthOfASecondWith1024Samples() {
    StreamAligner aligner = new StreamAligner("cam", STALE);
    aligner.onAudio(T0, ramp(0, 12_288));
    List<AlignedWindow> windows = aligner.closeUpTo(T0 + 1_000_000);
    assertEquals(12, windows.size());
    for (int k = 0; k < 12; k++) {
      AlignedWindow w = windows.get(k);
      assertEquals(W0 + k, w.window());
      assertEquals(1.0, w.coverage());
      assertEquals(1024 * k, w.samples()[0], 0f);
      assertEquals(1024 * k + 1023, w.samples()[1023], 0f);
    }
    assertEquals(0, aligner.openWindows());
  }

  @Test
  void shouldSplitAChunkThatSpansAWindowBoundary() {
    StreamAligner aligner = new StreamAligner("cam", STALE);
    // 600 samples starting at sample 700 of window 0: 324 go to window 0, 276 to window 1
    aligner.onAudio(WindowClock.microsOfSample(WindowClock.sampleAt(T0) + 700), ramp(700, 600));
    List<AlignedWindow> windows = aligner.closeUpTo(WindowClock.endMicros(W0 + 1));
    assertEquals(2, windows.size());
    assertEquals(324 / 1024.0, windows.get(0).coverage(), 1e-12);
    assertEquals(276 / 1024.0, windows.get(1).coverage(), 1e-12);
    assertEquals(1023f, windows.get(0).samples()[1023]);
    assertEquals(1024f, windows.get(1).samples()[0]);
    assertEquals(0f, windows.get(1).samples()[276], "missing audio is zero-filled");
  }

  @Test
  void shouldAcceptOutOfOrderChunksUntilTheWatermarkPasses() {
    StreamAligner aligner = new StreamAligner("cam", STALE);
    long first = WindowClock.sampleAt(T0);
    aligner.onAudio(WindowClock.microsOfSample(first + 512), ramp(512, 512));
    aligner.onAudio(T0, ramp(0, 512));
    AlignedWindow w = aligner.closeUpTo(WindowClock.endMicros(W0)).get(0);
    assertEquals(1.0, w.coverage());
    assertArrayEquals(ramp(0, 1024), w.samples());
  }

  @Test
  void shouldNotCloseAWindowBeforeTheWatermarkReachesItsLastMicrosecond() {
    StreamAligner aligner = new StreamAligner("cam", STALE);
    aligner.onAudio(T0, ramp(0, 1024));
    assertTrue(aligner.closeUpTo(WindowClock.endMicros(W0) - 2).isEmpty());
    assertEquals(1, aligner.closeUpTo(WindowClock.endMicros(W0) - 1).size());
  }

  @Test
  void shouldRefuseAndCountLateAudioAndFrames() {
    StreamAligner aligner = new StreamAligner("cam", STALE);
    aligner.onAudio(T0, ramp(0, 1024));
    aligner.closeUpTo(WindowClock.endMicros(W0));
    assertEquals(100, aligner.onAudio(T0 + 10_000, ramp(0, 100)));
    assertFalse(aligner.onFrame(frame(T0 + 20_000)));
    assertEquals(100, aligner.lateSamples());
    assertEquals(1, aligner.lateFrames());
    assertEquals(0, aligner.openWindows(), "late events open no window");
  }

  @Test
  void shouldChooseTheFrameNearestTheWindowCentre() {
    StreamAligner aligner = new StreamAligner("cam", STALE);
    aligner.onAudio(T0, ramp(0, 1024));
    FrameRef early = frame(T0 + 1_000);
    FrameRef central = frame(T0 + 45_000);
    aligner.onFrame(early);
    aligner.onFrame(central);
    AlignedWindow w = aligner.closeUpTo(WindowClock.endMicros(W0)).get(0);
    assertSame(central, w.frame());
    assertEquals(0, w.frameAgeMicros());
  }

  @Test
  void shouldReuseARecentFrameAndFlagAnOldOne() {
    StreamAligner aligner = new StreamAligner("cam", 100_000);
    FrameRef f = frame(T0 + 40_000);
    aligner.onFrame(f);
    aligner.onAudio(T0, ramp(0, 3 * 1024));
    List<AlignedWindow> windows = aligner.closeUpTo(WindowClock.endMicros(W0 + 2));
    assertSame(f, windows.get(1).frame(), "window 1 starts 43334 us after the frame: reused");
    assertEquals(
        WindowClock.startMicros(W0 + 1) - f.timestampMicros(), windows.get(1).frameAgeMicros());
    assertNull(windows.get(2).frame(), "window 2 starts 126667 us after the frame: too old");
    assertEquals(-1, windows.get(2).frameAgeMicros());
  }

  @Test
  void shouldEmitAWindowThatHasAFrameButNoAudioWithZeroCoverage() {
    StreamAligner aligner = new StreamAligner("cam", STALE);
    aligner.onFrame(frame(T0 + 40_000));
    AlignedWindow w = aligner.closeUpTo(WindowClock.endMicros(W0)).get(0);
    assertEquals(0.0, w.coverage());
    assertTrue(Arrays.equals(new float[1024], w.samples()));
    assertTrue(w.hasFrame());
  }

  @Test
  void shouldMatchA12p5FpsVideoToTwelveWindowsPerSecond() {
    // the real car clip runs at 12.5 fps: every window still gets a frame, some get two candidates
    StreamAligner aligner = new StreamAligner("cam", STALE);
    for (int k = 0; k < 25; k++) {
      aligner.onFrame(frame(T0 + k * 80_000L));
    }
    aligner.onAudio(T0, ramp(0, 2 * 12_288));
    List<AlignedWindow> windows = aligner.closeUpTo(T0 + 2_000_000);
    assertEquals(24, windows.size());
    assertTrue(windows.stream().allMatch(w -> w.frame() != null && w.frameAgeMicros() == 0));
  }
}
