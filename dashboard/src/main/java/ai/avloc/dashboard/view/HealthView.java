package ai.avloc.dashboard.view;

import ai.avloc.schemas.CameraStatus;
import java.util.Map;
import java.util.TreeMap;

/** A camera's connection health and inventory labels from its gateway's latest status record. */
public record HealthView(
    String state,
    long since,
    float fpsIn,
    float fpsOut,
    boolean videoPresent,
    boolean audioPresent,
    Float audioDbfs,
    String lastError,
    long reconnects,
    long updatedAt,
    Map<String, String> labels) {

  public static HealthView of(CameraStatus s) {
    return new HealthView(
        s.getState().name(),
        s.getSince().toEpochMilli(),
        s.getFpsIn(),
        s.getFpsOut(),
        s.getVideoPresent(),
        s.getAudioPresent(),
        s.getAudioLevelDbfs(),
        s.getLastError(),
        s.getReconnects(),
        s.getUpdatedAt().toEpochMilli(),
        new TreeMap<>(s.getLabels()));
  }
}
