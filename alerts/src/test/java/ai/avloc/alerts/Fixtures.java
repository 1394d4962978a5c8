package ai.avloc.alerts;

import ai.avloc.schemas.Alert;
import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.ImagePoint;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.SourcePeak;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/** Localizations and rules for the tests. */
final class Fixtures {
  /** A window index of 2026: real windows are large numbers. */
  static final long W0 = 21_172_435_200L;

  private Fixtures() {}

  static ImagePoint point(double u, double v) {
    return new ImagePoint((float) u, (float) v);
  }

  static SourcePeak peak(double u, double v, double contrast) {
    return SourcePeak.newBuilder()
        .setRow((int) (v * 36))
        .setCol((int) (u * 48))
        .setPosition(point(u, v))
        .setValue((float) (1 + contrast))
        .setContrast((float) contrast)
        .setRegionMin(point(u, v))
        .setRegionMax(point(u, v))
        .build();
  }

  /** A sounding window with these peaks (highest first is the producer's job, not needed here). */
  static Localization sounding(String stream, long window, SourcePeak... peaks) {
    return base(stream, window).setPeaks(List.of(peaks)).build();
  }

  static Localization silent(String stream, long window) {
    return base(stream, window).setSilent(true).setPeaks(List.of()).build();
  }

  static Localization.Builder base(String stream, long window) {
    return Localization.newBuilder()
        .setStreamId(stream)
        .setWindow(window)
        .setWindowStart(start(window))
        .setMode(LocalizationMode.ARRAY)
        .setModelId("test")
        .setSilent(false)
        .setInferred(true)
        .setFrameAgeMicros(null)
        .setAudioCoverage(1f)
        .setRows(36)
        .setCols(48)
        .setEnergy(ByteBuffer.allocate(0))
        .setFlatness(0.5f)
        .setPeaks(new ArrayList<>())
        .setIngestTime(start(window))
        .setEmitTime(start(window))
        .setInferenceMicros(1000);
  }

  /** Window w starts at w/12 s, in whole microseconds (the schema's definition, written again). */
  static Instant start(long window) {
    return Instant.EPOCH.plus(Math.floorDiv(window * 1_000_000L, 12L), ChronoUnit.MICROS);
  }

  /** The left half of the image, u in [0, 0.5]. */
  static List<ImagePoint> leftHalf() {
    return List.of(point(0, 0), point(0.5, 0), point(0.5, 1), point(0, 1));
  }

  static AlertRule.Builder rule(String id) {
    return AlertRule.newBuilder()
        .setRuleId(id)
        .setName("rule " + id)
        .setStreamIds(List.of())
        .setZone(leftHalf())
        .setMinContrast(1f)
        .setMinDurationWindows(3)
        .setCooldownWindows(2)
        .setEnabled(true);
  }

  /**
   * The real processor, with {@code fault} run on each record before it: what {@code fault} throws
   * is what the app's handlers see.
   */
  static ProcessorSupplier<String, Localization, String, Alert> withFault(
      ProcessorSupplier<String, Localization, String, Alert> real,
      Consumer<Record<String, Localization>> fault) {
    return () -> {
      Processor<String, Localization, String, Alert> inner = real.get();
      return new Processor<>() {
        @Override
        public void init(ProcessorContext<String, Alert> context) {
          inner.init(context);
        }

        @Override
        public void process(Record<String, Localization> record) {
          fault.accept(record);
          inner.process(record);
        }
      };
    };
  }
}
