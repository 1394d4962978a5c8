package ai.avloc.dashboard;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertState;
import ai.avloc.schemas.CameraState;
import ai.avloc.schemas.CameraStatus;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.VideoFrame;
import ai.avloc.schemas.WindowClock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Topic records for the dashboard's tests, shaped as the job, gateway and alerts app write them.
 */
public final class Records {
  static final int ROWS = 36;
  static final int COLS = 48;

  private Records() {}

  static Instant start(long window) {
    return Instant.EPOCH.plus(WindowClock.startMicros(window), ChronoUnit.MICROS);
  }

  /** A window whose map peaks at (row, col) with the given contrast; silent without a peak. */
  static Localization localization(String stream, long window, int row, int col, float contrast) {
    ByteBuffer energy = ByteBuffer.allocate(ROWS * COLS * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLS; c++) {
        double d2 = (r - row) * (r - row) + (c - col) * (c - col);
        energy.putFloat((float) (1 + contrast * Math.exp(-d2 / 8)));
      }
    }
    energy.flip();
    List<SourcePeak> peaks = new ArrayList<>();
    if (contrast > 0) {
      ImagePoint at = new ImagePoint((col + 0.5f) / COLS, (row + 0.5f) / ROWS);
      peaks.add(new SourcePeak(row, col, at, 1 + contrast, contrast, at, at));
    }
    Instant t = start(window);
    return Localization.newBuilder()
        .setStreamId(stream)
        .setWindow(window)
        .setWindowStart(t)
        .setMode(LocalizationMode.MONO)
        .setModelId("uvae-test@1")
        .setSilent(contrast <= 0)
        .setInferred(true)
        .setFrameAgeMicros(0L)
        .setAudioCoverage(1f)
        .setRows(ROWS)
        .setCols(COLS)
        .setEnergy(energy)
        .setFlatness(0.3f)
        .setPeaks(peaks)
        .setIngestTime(t)
        .setEmitTime(t)
        .setInferenceMicros(1000)
        .build();
  }

  static VideoFrame frame(String stream, long sequence, Instant t, byte[] jpeg) {
    return VideoFrame.newBuilder()
        .setStreamId(stream)
        .setSequence(sequence)
        .setTimestamp(t)
        .setWidth(298)
        .setHeight(224)
        .setJpeg(ByteBuffer.wrap(jpeg))
        .build();
  }

  public static CameraStatus status(String stream, CameraState state, Instant now) {
    return CameraStatus.newBuilder()
        .setStreamId(stream)
        .setUrl("rtsp://***@cam/1")
        .setState(state)
        .setSince(now)
        .setFpsIn(25)
        .setFpsOut(12)
        .setVideoPresent(true)
        .setAudioPresent(true)
        .setAudioLevelDbfs(-31.5f)
        .setLastError(null)
        .setReconnects(2)
        .setGapSeconds(0)
        .setDroppedEvents(0)
        .setReanchors(0)
        .setLabels(java.util.Map.of("site", "north"))
        .setUpdatedAt(now)
        .build();
  }

  public static Alert alert(
      String rule, String stream, long startWindow, AlertState state, long window, float contrast) {
    return Alert.newBuilder()
        .setAlertId(rule + "/" + stream + "/" + startWindow)
        .setRuleId(rule)
        .setRuleName("Rule " + rule)
        .setStreamId(stream)
        .setState(state)
        .setStartWindow(startWindow)
        .setWindow(window)
        .setTimestamp(start(window))
        .setWhere(state == AlertState.END ? null : new ImagePoint(0.6f, 0.4f))
        .setContrast(state == AlertState.END ? 0 : contrast)
        .setPeakContrast(contrast)
        .build();
  }
}
