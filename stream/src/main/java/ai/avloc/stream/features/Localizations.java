package ai.avloc.stream.features;

import ai.avloc.acoustics.energy.Peak;
import ai.avloc.acoustics.energy.PeakFinder;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.SourcePeak;
import ai.avloc.schemas.WindowClock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Turns one window's map into the Localization record that goes out on the topic. */
public final class Localizations {
  /** Peaks reported per window: a scene rarely holds more distinct sources than this. */
  public static final int MAX_PEAKS = 3;

  /** Peaks closer than this (in cells) are one source's main lobe, not two sources. */
  public static final double MIN_SEPARATION_CELLS = 4;

  /**
   * A local maximum at or below the map's median (a corner of a sidelobe valley) is no source.
   * Positive but tiny, since energy maps' real peaks stand only parts per thousand above it.
   */
  public static final double MIN_CONTRAST = 1e-6;

  private Localizations() {}

  /**
   * What one window is and what its map says.
   *
   * @param map rows x cols, row-major; null when the window was not inferred
   * @param silent the caller's verdict from the audio (e.g. its level); a flat map adds to it
   * @param maxFlatness maps at or above this flatness hold no source
   * @param ingestMicros when the window's last event reached Kafka
   */
  public record Window(
      String streamId,
      long window,
      LocalizationMode mode,
      String modelId,
      float[] map,
      int rows,
      int cols,
      boolean silent,
      double maxFlatness,
      Long frameAgeMicros,
      double audioCoverage,
      long ingestMicros) {}

  public static Localization of(Window w, long emitMicros) {
    boolean inferred = w.map() != null;
    double flatness = inferred ? PeakFinder.flatness(w.map()) : 1.0;
    boolean silent = w.silent() || flatness >= w.maxFlatness();
    List<SourcePeak> peaks = new ArrayList<>();
    ByteBuffer energy = ByteBuffer.allocate(0);
    if (inferred) {
      energy = ByteBuffer.allocate(4 * w.map().length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : w.map()) {
        energy.putFloat(v);
      }
      energy.flip();
      if (!silent) {
        for (Peak p :
            PeakFinder.find(
                w.map(), w.rows(), w.cols(), MAX_PEAKS, MIN_SEPARATION_CELLS, MIN_CONTRAST)) {
          peaks.add(sourcePeak(p));
        }
      }
    }
    return Localization.newBuilder()
        .setStreamId(w.streamId())
        .setWindow(w.window())
        .setWindowStart(micros(WindowClock.startMicros(w.window())))
        .setMode(w.mode())
        .setModelId(w.modelId())
        .setSilent(silent)
        .setInferred(inferred)
        .setFrameAgeMicros(w.frameAgeMicros())
        .setAudioCoverage((float) w.audioCoverage())
        .setRows(w.rows())
        .setCols(w.cols())
        .setEnergy(energy)
        .setFlatness((float) flatness)
        .setPeaks(peaks)
        .setIngestTime(micros(w.ingestMicros()))
        .setEmitTime(micros(emitMicros))
        .setInferenceMicros(0) // the batching operator knows the batch's time and stamps it
        .build();
  }

  /** The map carried by a record, rows x cols. */
  public static float[] energy(Localization l) {
    ByteBuffer b = l.getEnergy().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static SourcePeak sourcePeak(Peak p) {
    return SourcePeak.newBuilder()
        .setRow(p.row())
        .setCol(p.col())
        .setPosition(point(p.u(), p.v()))
        .setValue((float) p.value())
        .setContrast((float) p.contrast())
        .setRegionMin(point(p.region().uMin(), p.region().vMin()))
        .setRegionMax(point(p.region().uMax(), p.region().vMax()))
        .build();
  }

  private static ImagePoint point(double u, double v) {
    return ImagePoint.newBuilder().setU((float) u).setV((float) v).build();
  }

  public static Instant micros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
  }
}
