package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.Localization;
import ai.avloc.schemas.WindowClock;
import ai.avloc.stream.align.ArrayWindow;
import ai.avloc.stream.kafka.DeadLetters;
import ai.avloc.stream.kafka.Failed;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * One bad window in a batch costs that window only: the array path's batch of four holds a window
 * of absurd samples (its band-power map overflows to Infinity) and one of a geometry the beamformer
 * does not know (it throws); both become dead letters, are still published uninferred, and the
 * healthy windows of the same batch go out with their peaks.
 */
class WindowIsolationTest {
  static final long W0 =
      WindowClock.windowOf(Instant.parse("2026-11-25T12:00:00Z").toEpochMilli() * 1000);

  static ArrayWindow window(String stream, String geometry, float value, long seed) {
    Random random = new Random(seed);
    float[] samples = new float[128 * 1024];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (float) (value * random.nextGaussian());
    }
    return new ArrayWindow(stream, W0, geometry, 128, samples, 1.0, 0L);
  }

  /** A window's record when it is beamformed alone. */
  static Localization alone(ArrayWindow w) throws Exception {
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new ArrayBeamforming(65, 50, 500, 5000, 8, 60_000, "t.array-audio", "java", 1))) {
      h.open();
      h.processElement(w, 0);
      h.endInput();
      return h.extractOutputValues().get(0);
    }
  }

  @Test
  void aFailingWindowBecomesADeadLetterAndTheRestOfItsBatchGoesOut() throws Exception {
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new ArrayBeamforming(65, 50, 500, 5000, 8, 60_000, "t.array-audio", "java", 1))) {
      h.open();
      h.processElement(window("healthy-1", "dualcam128", 0.3f, 1), 0);
      h.processElement(window("absurd", "dualcam128", 1e30f, 2), 0);
      h.processElement(window("unknown-geometry", "no-such-array", 0.3f, 3), 0);
      h.processElement(window("healthy-2", "dualcam128", 0.3f, 4), 0);
      h.endInput();

      Map<String, Localization> out =
          h.extractOutputValues().stream()
              .collect(Collectors.toMap(l -> l.getStreamId().toString(), Function.identity()));
      assertEquals(4, out.size(), "every window published: " + out.keySet());
      assertTrue(out.get("healthy-1").getInferred() && out.get("healthy-2").getInferred());
      assertEquals(36 * 48 * 4, out.get("healthy-1").getEnergy().remaining());
      assertEquals(
          alone(window("healthy-2", "dualcam128", 0.3f, 4)).getEnergy(),
          out.get("healthy-2").getEnergy(),
          "the same map as without the bad windows beside it");
      for (String bad : List.of("absurd", "unknown-geometry")) {
        Localization l = out.get(bad);
        assertFalse(l.getInferred(), bad);
        assertTrue(l.getPeaks().isEmpty() && l.getSilent(), bad);
        assertEquals(0, l.getEnergy().remaining(), bad);
      }

      List<Failed> letters =
          h.getSideOutput(DeadLetters.TAG).stream().map(r -> r.getValue()).toList();
      assertEquals(2, letters.size(), letters.toString());
      Map<String, String> errors =
          letters.stream()
              .collect(
                  Collectors.toMap(f -> new String(f.key()), f -> f.stage() + ": " + f.error()));
      assertTrue(
          errors
              .get("absurd")
              .startsWith("beamform: window " + W0 + " of absurd: band-power map" + " not finite"),
          errors.get("absurd"));
      assertTrue(
          errors.get("unknown-geometry").contains("unknown built-in array 'no-such-array'"),
          errors.get("unknown-geometry"));
      assertTrue(letters.stream().allMatch(f -> f.topic().equals("t.array-audio")));
    }
  }
}
