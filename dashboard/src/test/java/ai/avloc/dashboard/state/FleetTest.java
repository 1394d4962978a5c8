package ai.avloc.dashboard.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.dashboard.Records;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.InputLimits;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.VideoFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Records from cameras the dashboard does not control: ids, shapes and sizes. */
class FleetTest {
  final AtomicLong now = new AtomicLong(5_000_000);
  final List<LiveEvent> events = new ArrayList<>();
  final Fleet fleet = new Fleet(events::add, now::get, 3, 60_000, 3000);

  static Localization map(String stream, long window, int rows, int cols, int bytes) {
    ImagePoint at = new ImagePoint(0.5f, 0.5f);
    return Localization.newBuilder()
        .setStreamId(stream)
        .setWindow(window)
        .setWindowStart(Instant.ofEpochMilli(window * 1000 / 12))
        .setMode(LocalizationMode.MONO)
        .setModelId("m")
        .setSilent(false)
        .setInferred(true)
        .setAudioCoverage(1f)
        .setRows(rows)
        .setCols(cols)
        .setEnergy(ByteBuffer.allocate(bytes))
        .setFlatness(0.5f)
        .setPeaks(List.of(new SourcePeak(1, 1, at, 1f, 1f, at, at)))
        .setIngestTime(Instant.EPOCH)
        .setEmitTime(Instant.EPOCH)
        .setInferenceMicros(0)
        .build();
  }

  @SuppressWarnings("unchecked")
  long count(String stage) {
    return ((Map<String, Long>) fleet.system().get("deadLetters")).getOrDefault(stage, 0L);
  }

  @Test
  void shouldRefuseMapsWhoseBytesDoNotMatchTheirShape() {
    fleet.onLocalization(map("cam", 1, 36, 48, 36 * 48 * 4), -1);
    fleet.onLocalization(map("cam", 2, 36, 48, 100), -1);
    fleet.onLocalization(map("cam", 3, 0, 48, 0), -1);
    fleet.onLocalization(map("cam", 4, 100_000, 100_000, 16), -1);
    assertEquals(3, count(Fleet.INVALID));
    assertEquals(1, events.size(), "only the well-formed window reached the pages");
    assertEquals(1, fleet.track("cam").orElseThrow().latest().orElseThrow().window());
  }

  @Test
  void shouldHoldAtMostItsCamerasAndForgetTheQuietOnes() {
    for (int i = 0; i < 10; i++) {
      fleet.onLocalization(map("id-" + i, 1, 1, 1, 4), -1);
    }
    assertEquals(3, fleet.cameras().size());
    assertEquals(7, count(Fleet.TOO_MANY_CAMERAS));
    now.addAndGet(30_000);
    fleet.onLocalization(map("id-0", 2, 1, 1, 4), -1); // id-0 still sends
    now.addAndGet(31_000 + 1000);
    fleet.onLocalization(map("newcomer", 1, 1, 1, 4), -1);
    assertEquals(
        List.of("id-0", "newcomer"), fleet.cameras().stream().map(c -> c.streamId()).toList());
    assertFalse(fleet.knows("id-1"));
    assertEquals(List.of("id-1", "id-2"), forgotten(), "the pages heard which tiles to drop");
    // with every camera quiet nothing arrives to sweep the fleet: asking for it does
    now.addAndGet(61_000);
    assertEquals(List.of(), fleet.cameras());
    assertEquals(List.of("id-0", "id-1", "id-2", "newcomer"), forgotten());
  }

  List<String> forgotten() {
    return events.stream()
        .filter(e -> e.type().equals(LiveEvent.FORGOTTEN))
        .map(LiveEvent::streamId)
        .sorted()
        .toList();
  }

  static VideoFrame frame(String stream, long sequence, long timestampMillis) {
    return frame(stream, sequence, timestampMillis, 3);
  }

  static VideoFrame frame(String stream, long sequence, long timestampMillis, int bytes) {
    return VideoFrame.newBuilder()
        .setStreamId(stream)
        .setSequence(sequence)
        .setTimestamp(Instant.ofEpochMilli(timestampMillis))
        .setWidth(1)
        .setHeight(1)
        .setJpeg(ByteBuffer.wrap(new byte[bytes]))
        .build();
  }

  long frameBytes(String stream) {
    return fleet.track(stream).orElseThrow().frameBytes();
  }

  @Test
  void shouldShareItsFrameBudgetAmongTheCameras() {
    // alone, a camera keeps 20 frames of 100 bytes within the fleet's 3000
    for (int i = 0; i < 20; i++) {
      fleet.onFrame(frame("a", i, now.get() + i, 100));
    }
    assertEquals(2000, frameBytes("a"));
    // two more cameras: each may keep a third, and "a" gives up its oldest with its next frame
    fleet.onFrame(frame("b", 1, now.get(), 100));
    fleet.onFrame(frame("c", 1, now.get(), 100));
    fleet.onFrame(frame("a", 20, now.get() + 20, 100));
    assertEquals(1000, frameBytes("a"));
    assertEquals(20, fleet.track("a").orElseThrow().latestFrame().orElseThrow().sequence());
    // a frame larger than the share is still the camera's picture, alone
    fleet.onFrame(frame("b", 2, now.get() + 1, 1500));
    assertEquals(1500, frameBytes("b"));
    assertEquals(2, fleet.track("b").orElseThrow().latestFrame().orElseThrow().sequence());
  }

  @Test
  void shouldRefuseFramesStampedAheadOfItsClockSoTheyCannotFreezeThePicture() {
    fleet.onFrame(frame("cam", 1, now.get() - 100));
    // a glitching or hostile gateway stamps a frame a day ahead, then real frames go on
    fleet.onFrame(frame("cam", 2, now.get() + 86_400_000L));
    fleet.onFrame(frame("cam", 3, now.get()));
    assertEquals(3, fleet.track("cam").orElseThrow().latestFrame().orElseThrow().sequence());
    assertEquals(1, count(Fleet.INVALID));
    // within the minute a camera's clock may run ahead, a frame is still shown
    fleet.onFrame(frame("cam", 4, now.get() + 30_000));
    assertEquals(4, fleet.track("cam").orElseThrow().latestFrame().orElseThrow().sequence());
    assertEquals(1, count(Fleet.INVALID));
  }

  @Test
  void shouldRefuseIdsThatAreNotStreamIdsOnEveryTopic() {
    String disguised = "gate\u202e1mac"; // shows as "gate" + "cam1" reversed on a page
    String longer = "c".repeat(InputLimits.MAX_STREAM_ID_CHARS + 1);
    fleet.onLocalization(map(disguised, 1, 1, 1, 4), -1);
    fleet.onFrame(frame("line\nbreak", 1, now.get()));
    fleet.onLocalization(map(longer, 1, 1, 1, 4), -1);
    fleet.onLocalization(map(" ", 1, 1, 1, 4), -1);
    // a browser would ask for camera "gate" at /api/cameras/site/../gate/latest
    fleet.onStatus(status("site/../gate", now.get()));
    // nor does an alert of such an id reach the review page
    AlertBook book = new AlertBook(10, fleet, events::add);
    book.onAlert(Records.alert("r", "site/../gate", 1, AlertState.START, 1, 3f));
    assertEquals(6, count(Fleet.INVALID));
    assertEquals(0, book.activeOn("gate") + book.activeOn("site/../gate"));
    assertEquals(List.of(), fleet.cameras());
    assertEquals(List.of(), events, "no page heard of them");
    // the longest valid id is still a camera
    fleet.onLocalization(map(longer.substring(1), 1, 1, 1, 4), -1);
    assertTrue(fleet.knows(longer.substring(1)));
  }

  static CameraStatus status(String stream, long updatedAtMillis) {
    return Records.status(stream, CameraState.CONNECTED, Instant.ofEpochMilli(updatedAtMillis));
  }

  @Test
  void shouldNotBringBackCamerasWhoseLastStatusIsOlderThanTheForgetSpan() {
    // a restart reads the compacted status topic from its start: a flood of ids an hour old
    // must not take the places of the cameras reporting now
    for (int i = 0; i < 10; i++) {
      fleet.onStatus(status("gone-" + i, now.get() - 3_600_000));
    }
    fleet.onStatus(status("gate", now.get() - 5_000));
    assertEquals(List.of("gate"), fleet.cameras().stream().map(c -> c.streamId()).toList());
    assertEquals(0, count(Fleet.TOO_MANY_CAMERAS));
    // a known camera's late status still updates it
    fleet.onStatus(status("gate", now.get() - 120_000));
    assertTrue(fleet.knows("gate"));
  }

  @Test
  void shouldKeepAtMostItsFrameBudgetPerCamera() {
    Fleet roomy = new Fleet(events::add, now::get, 3, 60_000, Long.MAX_VALUE);
    for (int i = 0; i < 20; i++) {
      roomy.onFrame(frame("cam", i, 1000L + i, 1 << 20));
    }
    CameraTrack track = roomy.track("cam").orElseThrow();
    assertEquals(19, track.latestFrame().orElseThrow().sequence());
    // 4 MiB of 1 MiB frames: the oldest kept is the 4th from the end
    assertEquals(16, track.frameFor(0).orElseThrow().sequence());
    assertTrue(roomy.knows("cam"));
  }
}
