package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.ArrayWindow;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Array windows: 1024 samples of every channel, by watermark or, when asked, once complete. */
class ArrayAlignerTest {
  static final long W0 =
      WindowClock.windowOf(Instant.parse("2026-11-25T12:00:00Z").toEpochMilli() * 1000);

  static ArrayEvent chunk(long window, int from, int samples) {
    float[] values = new float[2 * samples];
    for (int i = 0; i < samples; i++) {
      values[i] = from + i; // channel 0: the sample's index in the window
      values[samples + i] = -(from + i); // channel 1: its negative
    }
    long micros = WindowClock.microsOfSample(window * 1024 + from);
    return new ArrayEvent("arr", micros, 0, 12_288, "test", 2, samples, values, 0L);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, ArrayEvent, ArrayWindow> harness(
      boolean closeWhenComplete) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new ArrayAligner(closeWhenComplete), ArrayEvent::streamId, Types.STRING);
  }

  static void send(
      KeyedOneInputStreamOperatorTestHarness<String, ArrayEvent, ArrayWindow> h, ArrayEvent e)
      throws Exception {
    h.processElement(new StreamRecord<>(e, e.timestampMicros() / 1000));
  }

  @Test
  void windowsHoldEveryChannelInPlaceAndCloseOnTheWatermark() throws Exception {
    try (var h = harness(false)) {
      send(h, chunk(W0, 0, 600));
      send(h, chunk(W0, 600, 424));
      assertEquals(0, h.extractOutputValues().size(), "complete, but waits for the watermark");
      h.processWatermark(new Watermark(WindowClock.lastMillis(W0)));
      List<ArrayWindow> out = h.extractOutputValues();
      assertEquals(1, out.size());
      ArrayWindow w = out.get(0);
      assertEquals(1.0, w.coverage());
      assertEquals(700f, w.samples()[700]);
      assertEquals(-700f, w.samples()[1024 + 700]);
    }
  }

  @Test
  void aCompleteWindowClosesAtOnceWhenAskedAndLaterSamplesAreLate() throws Exception {
    try (var h = harness(true)) {
      send(h, chunk(W0, 0, 1000));
      assertEquals(0, h.extractOutputValues().size());
      send(h, chunk(W0, 1000, 24));
      assertEquals(1, h.extractOutputValues().size(), "no watermark needed");
      send(h, chunk(W0, 10, 10));
      assertEquals(1, h.getSideOutput(WindowAligner.REJECTED).size());
      send(h, chunk(W0 + 1, 0, 512)); // half of the next: stays open
      assertEquals(1, h.extractOutputValues().size());
    }
  }
}
