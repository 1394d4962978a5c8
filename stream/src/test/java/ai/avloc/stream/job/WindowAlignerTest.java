package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.align.FrameRef;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
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

  static FrameEvent frame(String cam, long micros) {
    return new FrameEvent(cam, new FrameRef(micros, 0, 298, 224, new byte[] {1}), 0L);
  }

  void audio(AudioEvent e) throws Exception {
    harness.processElement2(new StreamRecord<>(e, e.timestampMicros() / 1000));
  }

  void video(FrameEvent e) throws Exception {
    harness.processElement1(new StreamRecord<>(e, e.timestampMicros() / 1000));
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

  KeyedTwoInputStreamOperatorTestHarness<String, FrameEvent, AudioEvent, AlignedWindow>
      closingWhenComplete() throws Exception {
    harness.close();
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new WindowAligner(500_000, true),
            FrameEvent::streamId,
            AudioEvent::streamId,
            Types.STRING);
    return harness;
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
}
