package ai.avloc.dashboard.view;

import ai.avloc.schemas.Localization;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;

/**
 * A localization as the pages read it. The energy map stays the topic's little-endian float32
 * bytes, base64-encoded: 9 KiB a window instead of about 20 KiB of decimal text, and the browser
 * reads it with a DataView without parsing numbers.
 *
 * @param arrivalTime Kafka timestamp of the record on the localization topic, ms
 */
public record LocalizationView(
    String streamId,
    long window,
    long windowStart,
    String mode,
    String modelId,
    boolean silent,
    boolean inferred,
    float audioCoverage,
    int rows,
    int cols,
    String energy,
    float flatness,
    List<PeakView> peaks,
    long emitTime,
    long arrivalTime) {

  public static LocalizationView of(Localization l, long arrivalTime) {
    ByteBuffer energy = l.getEnergy().duplicate();
    byte[] bytes = new byte[energy.remaining()];
    energy.get(bytes);
    return new LocalizationView(
        l.getStreamId(),
        l.getWindow(),
        l.getWindowStart().toEpochMilli(),
        l.getMode().name(),
        l.getModelId(),
        l.getSilent(),
        l.getInferred(),
        l.getAudioCoverage(),
        l.getRows(),
        l.getCols(),
        Base64.getEncoder().encodeToString(bytes),
        l.getFlatness(),
        l.getPeaks().stream().map(PeakView::of).toList(),
        l.getEmitTime().toEpochMilli(),
        arrivalTime);
  }

  /** Contrast of the strongest peak; 0 when silent or without peaks. */
  public float strongestContrast() {
    return silent || peaks.isEmpty() ? 0 : peaks.get(0).contrast();
  }
}
