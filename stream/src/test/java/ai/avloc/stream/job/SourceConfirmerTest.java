package ai.avloc.stream.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.acoustics.energy.SourceConfirmation;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.stream.features.Localizations;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class SourceConfirmerTest {
  /** A mono window whose map peaks at one cell (a source), or is flat. */
  static Localization window(String stream, long window, boolean source) {
    float[] map = new float[36 * 48];
    java.util.Arrays.fill(map, 1f);
    if (source) {
      map[10 * 48 + 20] = 1.01f;
    }
    return Localizations.of(
        new Localizations.Window(
            stream,
            window,
            LocalizationMode.MONO,
            "m@1",
            map,
            36,
            48,
            false,
            2 / 2.0001,
            0L,
            1.0,
            0L),
        0);
  }

  @Test
  void aLoneWindowWithASourceGoesOutSilentWithItsMapAndAHeldSourceStays() throws Exception {
    boolean[] own = {false, true, false, false, true, true, true};
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SourceConfirmer("2/3", null), Localization::getStreamId, Types.STRING)) {
      for (int i = 0; i < own.length; i++) {
        // a second camera between them keeps its own history
        h.processElement(new StreamRecord<>(window("cam-a", 50 + i, own[i]), i));
        h.processElement(new StreamRecord<>(window("cam-b", 50 + i, true), i));
      }
      List<Localization> out = h.extractOutputValues();
      assertEquals(2 * own.length, out.size(), "every window goes out");
      boolean[] published = new boolean[own.length];
      for (int i = 0; i < own.length; i++) {
        Localization a = out.get(2 * i);
        assertEquals("cam-a", a.getStreamId().toString());
        assertEquals(50 + i, a.getWindow());
        published[i] = !a.getSilent();
        assertEquals(published[i], !a.getPeaks().isEmpty());
        assertEquals(36 * 48 * 4, a.getEnergy().remaining(), "the map goes out as it was");
        assertFalse(out.get(2 * i + 1).getSilent(), "cam-b holds its source throughout");
      }
      // window 51 is lone (50 was flat); 54 has only flat windows before it; 55 and 56 are held
      assertArrayEquals(new boolean[] {false, false, false, false, false, true, true}, published);
      assertTrue(window("cam-a", 51, true).getFlatness() < 2 / 2.0001, "51's own map holds one");
    }
  }

  @Test
  void theJobsRuleWinsThenTheCardsThenNone() {
    var measured =
        MonoFlatnessTest.card(
            Map.of("flatContrast", 0.002, "confirmNeeded", 3.0, "confirmWindows", 4.0));
    assertEquals(new SourceConfirmation(2, 2), SourceConfirmer.rule("2/2", measured));
    assertEquals(new SourceConfirmation(3, 4), SourceConfirmer.rule("model", measured));
    assertEquals(
        SourceConfirmation.NONE, SourceConfirmer.rule("model", MonoFlatnessTest.card(Map.of())));
    assertEquals("model", JobConfig.parse(new String[] {"--bootstrap", "h:1"}).monoConfirm());
    assertThrows(IllegalArgumentException.class, () -> new SourceConfirmer("2-3", null));
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> JobConfig.parse(new String[] {"--bootstrap", "h:1", "--mono-confirm", "4/3"}));
    assertTrue(bad.getMessage().startsWith("--mono-confirm: "), bad.getMessage());
    IllegalArgumentException card =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SourceConfirmer.rule(
                    "model",
                    MonoFlatnessTest.card(Map.of("confirmNeeded", 2.5, "confirmWindows", 3.0))));
    assertTrue(card.getMessage().contains("model card m@1"), card.getMessage());
  }
}
