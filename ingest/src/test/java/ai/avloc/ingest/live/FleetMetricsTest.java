package ai.avloc.ingest.live;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gateway's cameras on its scrape: a series per camera that follows its status. */
class FleetMetricsTest {

  static CameraStatus status(String id, CameraState state, long reconnects, Float dbfs) {
    Instant now = Instant.parse("2026-12-05T05:00:00Z");
    return CameraStatus.newBuilder()
        .setStreamId(id)
        .setUrl("rtsp://***@10.0.0.7/" + id)
        .setState(state)
        .setSince(now)
        .setFpsIn(12.5f)
        .setFpsOut(12f)
        .setVideoPresent(true)
        .setAudioPresent(dbfs != null)
        .setAudioLevelDbfs(dbfs)
        .setLastError(null)
        .setReconnects(reconnects)
        .setGapSeconds(reconnects > 0 ? 3.5f : 0f)
        .setDroppedEvents(0)
        .setReanchors(0)
        .setLabels(Map.of())
        .setUpdatedAt(now)
        .build();
  }

  @Test
  void eachCameraHasItsSeriesWhichFollowItsStatusAndLeaveWithIt() {
    List<CameraStatus> fleet = new ArrayList<>();
    fleet.add(status("dock-1", CameraState.CONNECTED, 0, -32.5f));
    fleet.add(status("gate", CameraState.RECONNECTING, 2, null));
    try (FleetMetrics m = new FleetMetrics(() -> List.copyOf(fleet))) {
      String first = m.scrape();
      assertTrue(first.contains("avloc_gateway_cameras 2.0"), first);
      assertTrue(first.contains("avloc_gateway_camera_connected{stream=\"dock-1\"} 1.0"), first);
      assertTrue(first.contains("avloc_gateway_camera_connected{stream=\"gate\"} 0.0"), first);
      assertTrue(first.contains("avloc_gateway_camera_reconnects{stream=\"gate\"} 2.0"), first);
      assertTrue(first.contains("avloc_gateway_camera_fps_in{stream=\"dock-1\"} 12.5"), first);
      assertTrue(
          first.contains("avloc_gateway_camera_audio_level_dbfs{stream=\"dock-1\"} -32.5"), first);
      assertTrue(first.contains("avloc_gateway_camera_gap_seconds{stream=\"gate\"} 3.5"), first);
      assertFalse(first.contains("rtsp://"), "no URL, let alone a credential, in the metrics");

      // the gate camera comes back after a third reconnect; dock-1 is taken out of the inventory
      fleet.set(1, status("gate", CameraState.CONNECTED, 3, null));
      fleet.remove(0);
      String second = m.scrape();
      assertTrue(second.contains("avloc_gateway_cameras 1.0"), second);
      assertTrue(second.contains("avloc_gateway_camera_connected{stream=\"gate\"} 1.0"), second);
      assertTrue(second.contains("avloc_gateway_camera_reconnects{stream=\"gate\"} 3.0"), second);
      assertFalse(second.contains("stream=\"dock-1\""), "a stopped camera leaves: " + second);
    }
  }
}
