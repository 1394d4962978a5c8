package ai.avloc.dashboard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.dashboard.view.LocalizationView;
import ai.avloc.dashboard.view.PeakView;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CameraTrackTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final CameraTrack track = new CameraTrack("demo-cam", now::get);

  static LocalizationView window(String mode, long w, float contrast) {
    return new LocalizationView(
        "demo-cam",
        w,
        w * 1000 / 12,
        mode,
        "m",
        false,
        true,
        1f,
        36,
        48,
        "",
        0.5f,
        List.of(new PeakView(3, 4, 0.1f, 0.1f, 1f, contrast)),
        0,
        0);
  }

  @Test
  void shouldShowTheArrayWhileItSendsAndFallBackToMonoWhenItStops() {
    // the array's windows arrive a second behind the mono ones, each kind in its own order
    assertTrue(track.add(window("MONO", 112, 0.001f)));
    assertTrue(track.add(window("ARRAY", 100, 30f)), "the array takes over the view");
    assertFalse(track.add(window("MONO", 113, 0.001f)), "kept, not shown");
    assertTrue(track.add(window("ARRAY", 101, 31f)));
    assertEquals("ARRAY", track.latest().orElseThrow().mode());
    assertEquals(101, track.latest().orElseThrow().window());
    assertEquals(2, track.timeline(60).size());
    assertEquals(31f, track.timeline(60).get(1).contrast());
    // a MONO window is still found for an alert that reports it
    assertEquals("MONO", track.localization(113).orElseThrow().mode());

    now.addAndGet(CameraTrack.ARRAY_HOLD_MILLIS + 1);
    assertTrue(track.add(window("MONO", 180, 0.002f)), "the array is quiet: mono again");
    assertEquals("MONO", track.latest().orElseThrow().mode());
    assertFalse(track.add(window("MONO", 180, 0.002f)), "a repeated window is not shown twice");
  }
}
