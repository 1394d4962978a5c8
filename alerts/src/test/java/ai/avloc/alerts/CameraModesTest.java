package ai.avloc.alerts;

import static ai.avloc.alerts.Fixtures.W0;
import static ai.avloc.alerts.Fixtures.peak;
import static ai.avloc.alerts.Fixtures.rule;
import static ai.avloc.alerts.Fixtures.sounding;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.avloc.schemas.AlertRule;
import ai.avloc.schemas.AvroSerde;
import ai.avloc.schemas.Localization;
import ai.avloc.schemas.LocalizationMode;
import ai.avloc.schemas.RuleMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera that feeds both MONO and ARRAY localizations (every demo camera does): each mode is a
 * lane with its own order, and a rule's mode says which lane it counts.
 */
class CameraModesTest {
  static final double IN_U = 0.25;

  @TempDir Path stateDir;
  AlertsDriver d;

  @BeforeEach
  void start() {
    d = new AlertsDriver(stateDir);
  }

  @AfterEach
  void close() {
    d.close();
  }

  static Localization mono(long offset, boolean inZone) {
    return Fixtures.base("cam-1", W0 + offset)
        .setMode(LocalizationMode.MONO)
        .setPeaks(List.of(peak(inZone ? IN_U : 0.75, 0.5, 2)))
        .build();
  }

  /** A mono window emitted without inference (no frame yet), as the demo's mono path does. */
  static Localization monoNotInferred(long offset) {
    return Fixtures.base("cam-1", W0 + offset)
        .setMode(LocalizationMode.MONO)
        .setInferred(false)
        .build();
  }

  static Localization array(long offset, boolean inZone) {
    return sounding("cam-1", W0 + offset, peak(inZone ? IN_U : 0.75, 0.5, 2));
  }

  @Test
  void aCameraFeedingBothModesRaisesTheAlertOfItsArray() {
    d.publish(rule("zone").build()); // mode ANY by default; minDuration 3, cooldown 2
    List<String> raised = new ArrayList<>();
    // the mono path is faster here: each window's MONO localization arrives before its ARRAY one
    for (long w = 0; w < 16; w++) {
      boolean in = w < 8;
      raised.addAll(d.send(monoNotInferred(w)));
      raised.addAll(d.send(array(w, in)));
    }
    assertEquals(
        List.of(
            "START zone cam-1 +2 from +0",
            "UPDATE zone cam-1 +3 from +0",
            "UPDATE zone cam-1 +4 from +0",
            "UPDATE zone cam-1 +5 from +0",
            "UPDATE zone cam-1 +6 from +0",
            "UPDATE zone cam-1 +7 from +0",
            "END zone cam-1 +10 from +0"),
        raised);
    assertEquals(0, d.app.counters().outOfOrder(), "no window of either mode was dropped");
  }

  @Test
  void anAnyRuleCountsTheArrayNotAMonoThatAlsoHearsTheSource() {
    d.publish(rule("zone").build());
    List<String> raised = new ArrayList<>();
    // mono lags the array by 3 windows and hears the source too: one alert, the array's
    for (long w = 0; w < 12; w++) {
      boolean in = w < 6;
      raised.addAll(d.send(array(w, in)));
      if (w >= 3) {
        raised.addAll(d.send(mono(w - 3, w - 3 < 6)));
      }
    }
    assertEquals(
        List.of(
            "START zone cam-1 +2 from +0",
            "UPDATE zone cam-1 +3 from +0",
            "UPDATE zone cam-1 +4 from +0",
            "UPDATE zone cam-1 +5 from +0",
            "END zone cam-1 +8 from +0"),
        raised);
  }

  @Test
  void aModeRuleCountsOnlyItsMode() {
    d.publish(rule("by-mono").setMode(RuleMode.MONO).build());
    d.publish(rule("by-array").setMode(RuleMode.ARRAY).build());
    List<String> raised = new ArrayList<>();
    // the array hears the source at +0..+3, the mono at +10..+13
    for (long w = 0; w < 20; w++) {
      raised.addAll(d.send(array(w, w < 4)));
      raised.addAll(d.send(mono(w, w >= 10 && w < 14)));
    }
    assertEquals(
        List.of(
            "START by-array cam-1 +2 from +0",
            "UPDATE by-array cam-1 +3 from +0",
            "END by-array cam-1 +6 from +0",
            "START by-mono cam-1 +12 from +10",
            "UPDATE by-mono cam-1 +13 from +10",
            "END by-mono cam-1 +16 from +10"),
        raised);
  }

  @Test
  void anAnyRuleCountsMonoOnAMonoCameraAndWhenTheArrayStops() {
    d.publish(rule("zone").build()); // cooldown 2: mono counts 2 + 60 windows after the array
    List<String> raised = new ArrayList<>();
    raised.addAll(d.send(array(0, false)));
    // the array stops at +0; mono hears the source from +1 on
    for (long w = 1; w <= 70; w++) {
      raised.addAll(d.send(mono(w, true)));
    }
    assertEquals(
        List.of(
            "START zone cam-1 +65 from +63",
            "UPDATE zone cam-1 +66 from +63",
            "UPDATE zone cam-1 +67 from +63",
            "UPDATE zone cam-1 +68 from +63",
            "UPDATE zone cam-1 +69 from +63",
            "UPDATE zone cam-1 +70 from +63"),
        raised,
        "mono counts from the first window more than cooldown + 60 after the array's last");
    // the array is back: the mono lane's alert ends on its next window, the array's starts
    raised.clear();
    for (long w = 71; w <= 73; w++) {
      raised.addAll(d.send(array(w, true)));
      raised.addAll(d.send(mono(w, true)));
    }
    assertEquals(List.of("END zone cam-1 +71 from +63", "START zone cam-1 +73 from +71"), raised);
  }

  @Test
  void aRuleWrittenBeforeModesReadsAsAny() throws IOException {
    Schema v1;
    try (InputStream in =
        AlertRule.class.getResourceAsStream("/ai/avloc/schemas/history/AlertRule-1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    GenericRecord old = new GenericData.Record(v1);
    AlertRule current = rule("zone").build();
    for (Schema.Field f : v1.getFields()) {
      Object value = current.get(f.name());
      if (f.name().equals("zone")) {
        List<GenericRecord> points = new ArrayList<>();
        for (var p : current.getZone()) {
          GenericRecord g = new GenericData.Record(f.schema().getElementType());
          g.put("u", p.getU());
          g.put("v", p.getV());
          points.add(g);
        }
        value = points;
      }
      old.put(f.name(), value);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xC3, 0x01});
    long fingerprint = SchemaNormalization.parsingFingerprint64(v1);
    for (int i = 0; i < 8; i++) {
      bytes.write((int) (fingerprint >>> (8 * i)));
    }
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
    encoder.flush();

    AlertRule read = new AvroSerde<>(AlertRule.class).deserialize("t", bytes.toByteArray());
    assertEquals(RuleMode.ANY, read.getMode());
    assertEquals(current, read);
    // and through the app: the old rule raises the array's alert
    d.rawRules.pipeInput("zone", bytes.toByteArray());
    List<String> raised = new ArrayList<>();
    for (long w = 0; w < 3; w++) {
      raised.addAll(d.send(array(w, true)));
    }
    assertEquals(List.of("START zone cam-1 +2 from +0"), raised);
  }
}
