package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.AlignedWindow;
import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.align.FrameRef;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Keyed state per camera stays bounded: 10,000 stream ids that each send one frame and one chunk
 * leave nothing behind once idle, a one-sample array chunk holds bytes rather than a window, and a
 * stream cannot open more than the cap. Sizes are Flink's own: the bytes of a keyed-state snapshot
 * (the serialized state, as a checkpoint writes it), divided by the stream count; printed as "state
 * bytes per stream" for docs/job.md's budget.
 */
class StateBoundsTest {
  static final long T0 = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli() * 1000;
  static final long W0 = WindowClock.windowOf(T0);
  static final int STREAMS = 10_000;

  /** A 298 x 224 JPEG of the demo's scenes is 8-20 KB; the budget counts the frame at its size. */
  static final int JPEG_BYTES = 2048;

  /** Budget per mono stream with one open window: samples, mask, frame and bookkeeping. */
  static final long MONO_OPEN_BUDGET = 4096 + 128 + JPEG_BYTES + 512;

  /** Budget per mono stream between windows: its latest frame and bookkeeping. */
  static final long MONO_IDLE_BUDGET = JPEG_BYTES + 256;

  /** Budget per array stream holding one sample of 64 microphones: the 256 values, bookkeeping. */
  static final long ARRAY_ONE_SAMPLE_BUDGET = 64 * 4 + 512;

  /** Serialized bytes of all keyed state, as a checkpoint would write it. */
  static long stateBytes(AbstractStreamOperatorTestHarness<?> harness) throws Exception {
    OperatorSubtaskState state = harness.snapshot(1, 1);
    return state.getManagedKeyedState().getStateSize();
  }

  static void report(String what, long bytes, int streams) {
    System.out.printf(
        Locale.ROOT,
        "state bytes per stream, %s: %d (%d streams, %d bytes)%n",
        what,
        bytes / streams,
        streams,
        bytes);
  }

  /** A harness whose snapshots may exceed the in-memory storage's 5 MB (it only measures them). */
  static KeyedTwoInputStreamOperatorTestHarness<String, FrameEvent, AudioEvent, AlignedWindow>
      monoHarness(WindowAligner aligner) throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(aligner),
            FrameEvent::streamId,
            AudioEvent::streamId,
            Types.STRING);
    h.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
    h.open();
    return h;
  }

  static KeyedOneInputStreamOperatorTestHarness<String, ArrayEvent, ArrayWindow> arrayHarness(
      ArrayAligner aligner) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(aligner), ArrayEvent::streamId, Types.STRING);
    h.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
    h.open();
    return h;
  }

  static FrameEvent frame(String cam, long micros) {
    return new FrameEvent(cam, new FrameRef(micros, 0, 298, 224, new byte[JPEG_BYTES]), 0L);
  }

  static AudioEvent chunk(String cam, long micros, int samples) {
    return new AudioEvent(cam, micros, 0, WindowClock.SAMPLE_RATE, new float[samples], 0L);
  }

  @Test
  void tenThousandMonoStreamsStayWithinBudgetAndLeaveNothingOnceIdle() throws Exception {
    try (var h = monoHarness(new WindowAligner(500_000))) {
      for (int i = 0; i < STREAMS; i++) {
        String cam = "cam-" + i;
        h.processElement1(new StreamRecord<>(frame(cam, T0 + 40_000), T0 / 1000));
        h.processElement2(new StreamRecord<>(chunk(cam, T0, 1024), T0 / 1000));
      }
      assertEquals(
          2 * STREAMS, h.numKeyedStateEntries(), "one open window and the camera's clock each");
      long open = stateBytes(h);
      report("mono, one open window with a " + JPEG_BYTES + " B frame", open, STREAMS);
      assertTrue(open / STREAMS <= MONO_OPEN_BUDGET, open / STREAMS + " B per stream");

      h.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0)));
      assertEquals(STREAMS, h.extractOutputValues().size(), "every window out");
      h.getOutput().clear();
      assertEquals(STREAMS, h.numKeyedStateEntries(), "only each stream's memory");
      long idle = stateBytes(h);
      report("mono, between windows (latest frame kept)", idle, STREAMS);
      assertTrue(idle / STREAMS <= MONO_IDLE_BUDGET, idle / STREAMS + " B per stream");

      // the watermark passes the frame's staleness bound, and the idle retention passes
      h.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0 + 12)));
      h.setProcessingTime(2 * WindowAligner.IDLE_RETENTION.toMillis());
      assertEquals(0, h.numKeyedStateEntries(), "idle streams are forgotten");
      assertEquals(0, h.numEventTimeTimers() + h.numProcessingTimeTimers(), "and their timers");
      report("mono, idle", stateBytes(h), STREAMS);
    }
  }

  @Test
  void aOneSampleArrayChunkForAFutureWindowHoldsItsSamplesNotAWindow() throws Exception {
    int channels = 64;
    try (var h = arrayHarness(new ArrayAligner(false))) {
      for (int i = 0; i < STREAMS; i++) {
        long window = W0 + 100 + i % 100; // windows up to 16 s ahead
        long micros = WindowClock.microsOfSample(window * 1024 + 7);
        h.processElement(
            new StreamRecord<>(
                new ArrayEvent(
                    "arr-" + i,
                    micros,
                    0,
                    WindowClock.SAMPLE_RATE,
                    "vogel64",
                    channels,
                    1,
                    new float[channels],
                    0L),
                micros / 1000));
      }
      assertEquals(
          2 * STREAMS, h.numKeyedStateEntries(), "one open window and the camera's clock each");
      long held = stateBytes(h);
      report("array (64 mics), one sample of a future window", held, STREAMS);
      assertTrue(
          held / STREAMS <= ARRAY_ONE_SAMPLE_BUDGET,
          held / STREAMS + " B per stream; a whole 64-mic window is 262144 B");

      int closed = 0;
      for (int k = 0; k < 100; k++) {
        h.processWatermark(new Watermark(WindowClock.lastMillis(W0 + 100 + k)));
        closed += h.extractOutputValues().size();
        h.getOutput().clear(); // each window, now whole, is 256 KB: not kept by the test
      }
      assertEquals(STREAMS, closed, "every window out, with its one sample");
      h.setProcessingTime(2 * WindowAligner.IDLE_RETENTION.toMillis());
      assertEquals(0, h.numKeyedStateEntries(), "idle streams are forgotten");
      assertEquals(0, h.numEventTimeTimers() + h.numProcessingTimeTimers());
    }
  }

  @Test
  void aStreamOpensNoMoreWindowsThanTheCapAndTheRestAreRejectedWithTheReason() throws Exception {
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new WindowAligner(500_000, false, 4),
            FrameEvent::streamId,
            AudioEvent::streamId,
            Types.STRING)) {
      for (int k = 0; k < 6; k++) { // frames for 6 windows ahead of a watermark that stays put
        long micros = WindowClock.startMicros(W0 + k) + 1000;
        h.processElement1(new StreamRecord<>(frame("cam", micros), micros / 1000));
      }
      // 2048 samples over W0 + 3 and W0 + 4: half of them would open a fifth window
      long micros = WindowClock.startMicros(W0 + 3);
      h.processElement2(new StreamRecord<>(chunk("cam", micros, 2048), micros / 1000));
      List<String> reasons =
          h.getSideOutput(WindowAligner.REJECTED).stream().map(r -> r.getValue().reason()).toList();
      assertEquals(3, reasons.size(), reasons.toString());
      assertTrue(reasons.get(0).contains("4 open windows (the cap per stream)"), reasons.get(0));
      assertTrue(reasons.get(2).startsWith("1024 of 2048 samples refused"), reasons.get(2));

      h.processBothWatermarks(new Watermark(WindowClock.lastMillis(W0 + 5)));
      List<AlignedWindow> out = h.extractOutputValues();
      assertEquals(4, out.size());
      assertEquals(W0 + 3, out.get(3).window());
      assertEquals(1.0, out.get(3).coverage(), "the window inside the cap got its samples");
    }
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new ArrayAligner(false, 2), ArrayEvent::streamId, Types.STRING)) {
      long micros = WindowClock.startMicros(W0);
      // 3 windows' worth of 2 channels in one chunk: the third window is refused
      h.processElement(
          new StreamRecord<>(
              new ArrayEvent("arr", micros, 0, 12_288, "test", 2, 3072, new float[6144], 0L),
              micros / 1000));
      List<String> reasons =
          h.getSideOutput(WindowAligner.REJECTED).stream().map(r -> r.getValue().reason()).toList();
      assertEquals(List.of(WindowAligner.overCap(1024, 3072, 2)), reasons);
      h.processWatermark(new Watermark(WindowClock.lastMillis(W0 + 2)));
      List<ArrayWindow> out = h.extractOutputValues();
      assertEquals(2, out.size());
      assertEquals(1, h.numKeyedStateEntries(), "only the last closed window is remembered");
    }
  }
}
