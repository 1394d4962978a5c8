package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.align.FrameRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Flink shell of the aligner, driven element by element and watermark by watermark. */
class WindowAlignerTest {
  static final long T0 = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli() * 1000;
  static final long W0 = WindowClock.windowOf(T0);

  KeyedTwoInputStreamOperatorTestHarness<String, FrameEvent, AudioEvent, AlignedWindow> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new WindowAligner(500_000), FrameEvent::streamId, AudioEvent::streamId, Types.STRING);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  static AudioEvent chunk(String cam, long micros, int samples, int rate) {
    return new AudioEvent(cam, micros, 0, rate, new float[samples], 0L);
  }

  static AudioEvent chunk(String cam, long micros, float[] samples) {
    return new AudioEvent(cam, micros, 0, WindowClock.SAMPLE_RATE, samples, 0L);
  }

  /** Samples numbered from {@code from}, so every sample says where it came from. */
  static float[] ramp(int from, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + i;
    }
    return x;
  }

  static FrameEvent frame(String cam, long micros) {
    return new FrameEvent(cam, new FrameRef(micros, 0, 298, 224, new byte[] {1}), 0L);
  }

  void audio(AudioEvent e) throws Exception {
    harness.processElement2(new StreamRecord<>(e, e.timestampMicros() / 1000));
  }

  void video(FrameEvent e) throws Exception {
    harness.processElement1(new StreamRecord<>(e, e.timestampMicros() / 1000));
  }

  /**
   * Passes the watermark over the last millisecond of {@code window}; returns all output so far.
   */
  List<AlignedWindow> closeUpTo(long window) throws Exception {
    harness.processBothWatermarks(new Watermark(WindowClock.lastMillis(window)));
    return harness.extractOutputValues();
  }

  void restartWith(WindowAligner aligner) throws Exception {
    harness.close();
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            aligner, FrameEvent::streamId, AudioEvent::streamId, Types.STRING);
  }

  @Test
  void shouldCloseEachWindowWhenTheWatermarkPassesItsLastMillisecond() throws Exception {
    video(frame("cam", T0 + 40_000));
    audio(chunk("cam", T0, 2048, 12_288));
    harness.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0) - 1));
    assertEquals(0, harness.extractOutputValues().size());
    harness.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0)));
    List<AlignedWindow> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertEquals(W0, out.get(0).window());
    assertEquals(1.0, out.get(0).coverage());
    assertTrue(out.get(0).hasFrame());
    harness.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0 + 1)));
    assertEquals(2, harness.extractOutputValues().size());
    assertEquals(
        1, harness.numKeyedStateEntries(), "only the stream state remains, no open window");
    assertEquals(0, harness.numEventTimeTimers());
  }

  @Test
  void shouldSendLateAudioAndFramesAndWrongRatesToTheSideOutput() throws Exception {
    audio(chunk("cam", T0, 1024, 12_288));
    harness.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0)));
    audio(chunk("cam", T0 + 1_000, 100, 12_288));
    video(frame("cam", T0 + 2_000));
    audio(chunk("cam", T0 + 90_000, 512, 48_000));
    var rejected = harness.getSideOutput(WindowAligner.REJECTED);
    assertEquals(3, rejected.size());
    List<String> reasons = rejected.stream().map(r -> r.getValue().reason()).toList();
    assertTrue(reasons.get(0).startsWith("late: 100 of 100 samples"), reasons.get(0));
    assertTrue(reasons.get(1).startsWith("late: window"), reasons.get(1));
    assertTrue(reasons.get(2).contains("48000 Hz"), reasons.get(2));
    assertEquals(1, harness.extractOutputValues().size(), "the good window was still produced");
    assertEquals(1, harness.numKeyedStateEntries(), "late events open no window");
    assertEquals(0, harness.numEventTimeTimers());
  }

  @Test
  void shouldKeepStreamsApart() throws Exception {
    audio(chunk("a", T0, 1024, 12_288));
    audio(chunk("b", T0, 512, 12_288));
    harness.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0)));
    List<AlignedWindow> out = harness.extractOutputValues();
    assertEquals(2, out.size());
    AlignedWindow b = out.stream().filter(w -> w.streamId().equals("b")).findFirst().orElseThrow();
    assertEquals(0.5, b.coverage());
  }

  @Test
  void shouldEmitOneWindowPerTwelfthOfASecondWith1024Samples() throws Exception {
    audio(chunk("cam", T0, ramp(0, 12_288)));
    List<AlignedWindow> windows = closeUpTo(W0 + 11);
    assertEquals(12, windows.size());
    for (int k = 0; k < 12; k++) {
      AlignedWindow w = windows.get(k);
      assertEquals(W0 + k, w.window());
      assertEquals(1.0, w.coverage());
      assertEquals(1024 * k, w.samples()[0], 0f);
      assertEquals(1024 * k + 1023, w.samples()[1023], 0f);
    }
    assertEquals(1, harness.numKeyedStateEntries(), "no open window remains");
  }

  @Test
  void shouldSplitAChunkThatSpansAWindowBoundary() throws Exception {
    // 600 samples starting at sample 700 of window 0: 324 go to window 0, 276 to window 1
    audio(chunk("cam", WindowClock.microsOfSample(WindowClock.sampleAt(T0) + 700), ramp(700, 600)));
    List<AlignedWindow> windows = closeUpTo(W0 + 1);
    assertEquals(2, windows.size());
    assertEquals(324 / 1024.0, windows.get(0).coverage(), 1e-12);
    assertEquals(276 / 1024.0, windows.get(1).coverage(), 1e-12);
    assertEquals(1023f, windows.get(0).samples()[1023]);
    assertEquals(1024f, windows.get(1).samples()[0]);
    assertEquals(0f, windows.get(1).samples()[276], "missing audio is zero-filled");
  }

  @Test
  void shouldAcceptOutOfOrderChunksUntilTheWatermarkPasses() throws Exception {
    long first = WindowClock.sampleAt(T0);
    audio(chunk("cam", WindowClock.microsOfSample(first + 512), ramp(512, 512)));
    audio(chunk("cam", T0, ramp(0, 512)));
    AlignedWindow w = closeUpTo(W0).get(0);
    assertEquals(1.0, w.coverage());
    assertArrayEquals(ramp(0, 1024), w.samples());
  }

  @Test
  void shouldChooseTheFrameNearestTheWindowCentre() throws Exception {
    audio(chunk("cam", T0, ramp(0, 1024)));
    video(frame("cam", T0 + 1_000));
    video(frame("cam", T0 + 45_000));
    AlignedWindow w = closeUpTo(W0).get(0);
    assertEquals(T0 + 45_000, w.frame().timestampMicros());
    assertEquals(0, w.frameAgeMicros());
  }

  @Test
  void shouldReuseARecentFrameAndFlagAnOldOne() throws Exception {
    restartWith(new WindowAligner(100_000));
    long shown = T0 + 40_000;
    video(frame("cam", shown));
    audio(chunk("cam", T0, ramp(0, 3 * 1024)));
    List<AlignedWindow> windows = closeUpTo(W0 + 2);
    assertEquals(
        shown,
        windows.get(1).frame().timestampMicros(),
        "window 1 starts 43334 us after the frame: reused");
    assertEquals(WindowClock.startMicros(W0 + 1) - shown, windows.get(1).frameAgeMicros());
    assertNull(windows.get(2).frame(), "window 2 starts 126667 us after the frame: too old");
    assertEquals(-1, windows.get(2).frameAgeMicros());
  }

  @Test
  void shouldEmitAWindowThatHasAFrameButNoAudioWithZeroCoverage() throws Exception {
    video(frame("cam", T0 + 40_000));
    AlignedWindow w = closeUpTo(W0).get(0);
    assertEquals(0.0, w.coverage());
    assertArrayEquals(new float[1024], w.samples());
    assertTrue(w.hasFrame());
  }

  @Test
  void shouldMatchA12p5FpsVideoToTwelveWindowsPerSecond() throws Exception {
    // the real car clip runs at 12.5 fps: every window still gets a frame, some get two candidates
    for (int k = 0; k < 25; k++) {
      video(frame("cam", T0 + k * 80_000L));
    }
    audio(chunk("cam", T0, ramp(0, 2 * 12_288)));
    List<AlignedWindow> windows = closeUpTo(W0 + 23);
    assertEquals(24, windows.size());
    assertTrue(windows.stream().allMatch(w -> w.frame() != null && w.frameAgeMicros() == 0));
  }

  void closingWhenComplete() throws Exception {
    restartWith(new WindowAligner(500_000, true));
  }

  @Test
  void shouldCloseACompleteWindowBeforeTheWatermarkOnceItsFrameIsFinal() throws Exception {
    closingWhenComplete();
    // window W0 spans [T0, T0 + 83 333) µs, centre T0 + 41 667
    video(frame("cam", T0 + 50_000)); // after the centre: no later frame can be nearer
    audio(chunk("cam", T0, 1000, 12_288));
    assertEquals(0, harness.extractOutputValues().size(), "24 samples still missing");
    audio(chunk("cam", T0 + 81_380, 24, 12_288)); // sample 1000 is at 81 380 µs
    List<AlignedWindow> out = harness.extractOutputValues();
    assertEquals(1, out.size(), "closed with no watermark at all");
    assertEquals(W0, out.get(0).window());
    assertEquals(1.0, out.get(0).coverage());

    // W0 + 1: frame before its centre; complete audio waits for the next frame
    video(frame("cam", WindowClock.startMicros(W0 + 1) + 1));
    audio(chunk("cam", WindowClock.startMicros(W0 + 1), 1024, 12_288));
    assertEquals(1, harness.extractOutputValues().size(), "a nearer frame could still come");
    video(frame("cam", WindowClock.startMicros(W0 + 2) + 1));
    assertEquals(2, harness.extractOutputValues().size(), "a newer frame settles W0 + 1");

    // anything more for a window closed early is late, as after a watermark
    audio(chunk("cam", T0 + 10_000, 64, 12_288));
    assertEquals(1, harness.getSideOutput(WindowAligner.REJECTED).size());
    assertEquals(2, harness.extractOutputValues().size());
  }

  @Test
  void shouldNotCloseAWindowEarlyWhileAnOlderOneIsOpen() throws Exception {
    closingWhenComplete();
    audio(chunk("cam", T0, 512, 12_288)); // W0 half full, no frame
    video(frame("cam", WindowClock.startMicros(W0 + 1) + 60_000));
    audio(chunk("cam", WindowClock.startMicros(W0 + 1), 1024, 12_288));
    assertEquals(0, harness.extractOutputValues().size(), "W0 + 1 waits for W0");
    harness.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0)));
    List<AlignedWindow> out = harness.extractOutputValues();
    assertEquals(2, out.size(), "W0 by the watermark, then W0 + 1 at once");
    assertEquals(W0, out.get(0).window());
    assertEquals(0.5, out.get(0).coverage());
    assertEquals(W0 + 1, out.get(1).window());
  }

  @Test
  void anIdleCameraHoldsNoOtherBackAndItsOwnWindowsCloseWithinTheIdlenessBound() throws Exception {
    restartWith(
        new WindowAligner(
            500_000,
            false,
            WindowAligner.MAX_OPEN_WINDOWS,
            Duration.ofMillis(300),
            Duration.ofSeconds(2)));
    harness.setProcessingTime(0);
    for (int k = 0; k < 3; k++) { // three windows, then the camera goes quiet
      video(frame("quiet", WindowClock.startMicros(W0 + k) + 1000));
      audio(chunk("quiet", WindowClock.startMicros(W0 + k), 1024, 12_288));
    }
    for (int k = 0; k < 24; k++) { // another camera goes on for 2 s, in real time
      harness.setProcessingTime(k * 1000L / 12);
      video(frame("busy", WindowClock.startMicros(W0 + k) + 1000));
      audio(chunk("busy", WindowClock.startMicros(W0 + k), 1024, 12_288));
    }
    // busy's clock: its newest chunk starts 1917 ms in, less 300 ms: W0 .. W0 + 18 have passed
    assertEquals(19, windowsOf("busy").size(), "closed on busy's own clock, quiet or not");
    assertEquals(0, windowsOf("quiet").size(), "quiet's own clock has passed none of its windows");

    harness.setProcessingTime(1999);
    assertEquals(0, windowsOf("quiet").size());
    harness.setProcessingTime(2000); // quiet has sent nothing for the idleness bound
    List<AlignedWindow> quiet = windowsOf("quiet");
    assertEquals(3, quiet.size(), "all of quiet's windows, once it is idle");
    assertTrue(quiet.stream().allMatch(w -> w.coverage() == 1.0 && w.hasFrame()));
    assertEquals(19, windowsOf("busy").size(), "busy is not idle: its open windows wait");
  }

  @Test
  void aCameraAheadOfAnotherMakesOnlyItsOwnEventsLate() throws Exception {
    audio(chunk("ahead", T0 + 50_000_000, 1024, 12_288)); // a clock 50 s ahead
    video(frame("ahead", T0 + 50_000_000));
    audio(chunk("ahead", T0, 1024, 12_288)); // its own 50 s old window: late
    audio(chunk("cam", T0, 1024, 12_288));
    video(frame("cam", T0 + 40_000));
    var rejected = harness.getSideOutput(WindowAligner.REJECTED);
    assertEquals(1, rejected.size());
    assertEquals("ahead", rejected.peek().getValue().streamId());
    assertEquals(0, windowsOf("cam").size(), "cam's window waits for cam's own clock");
    audio(chunk("cam", WindowClock.startMicros(W0 + 5), 1024, 12_288));
    video(frame("cam", WindowClock.startMicros(W0 + 5) + 40_000));
    assertEquals(1, windowsOf("cam").size());
    assertEquals(1.0, windowsOf("cam").get(0).coverage());
  }

  @Test
  void aRestoredCameraIsNotIdleForTheTimeTheJobWasDown() throws Exception {
    java.util.function.Supplier<WindowAligner> aligner =
        () ->
            new WindowAligner(
                500_000,
                false,
                WindowAligner.MAX_OPEN_WINDOWS,
                Duration.ofMillis(300),
                Duration.ofSeconds(2));
    restartWith(aligner.get());
    harness.setProcessingTime(0);
    video(frame("cam", WindowClock.startMicros(W0) + 1000));
    audio(
        chunk("cam", WindowClock.startMicros(W0), 512, 12_288)); // half the window, then a failure
    var checkpoint = harness.snapshot(1, 0);
    harness.close();

    // the job comes back 10 s later from that checkpoint; the source replays the rest of the audio
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(aligner.get()), // a fresh instance, as Flink deserializes
            FrameEvent::streamId,
            AudioEvent::streamId,
            Types.STRING);
    harness.setup();
    harness.initializeState(checkpoint);
    harness.open();
    harness.setProcessingTime(10_000); // the idleness check due at 2 s fires now
    assertEquals(0, windowsOf("cam").size(), "the 10 s the job was down are not the camera's");
    audio(chunk("cam", WindowClock.startMicros(W0) + 41_667, 512, 12_288));
    harness.setProcessingTime(12_000); // now the camera has been quiet for 2 s
    List<AlignedWindow> cam = windowsOf("cam");
    assertEquals(1, cam.size());
    assertEquals(1.0, cam.get(0).coverage(), "the replayed half joined its window");
    assertEquals(null, harness.getSideOutput(WindowAligner.REJECTED), "nothing late");
  }

  List<AlignedWindow> windowsOf(String camera) {
    return harness.extractOutputValues().stream().filter(w -> w.streamId().equals(camera)).toList();
  }
}
