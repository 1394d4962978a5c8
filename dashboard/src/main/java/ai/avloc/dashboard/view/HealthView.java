package ai.avloc.dashboard.view;

import ai.avloc.schemas.CameraStatus;

/** A camera's connection health from its gateway's latest status record. */
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
    long updatedAt) {

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
        s.getUpdatedAt().toEpochMilli());
  }
}
