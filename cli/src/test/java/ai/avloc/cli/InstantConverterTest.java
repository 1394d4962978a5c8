package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class InstantConverterTest {
  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  static Instant convert(String text) {
    return new InstantConverter(Clock.fixed(NOW, ZoneOffset.UTC)).convert(text);
  }

  @Test
  void readsIsoInstantsWithAZone() {
    assertEquals(Instant.parse("2026-12-04T10:00:00Z"), convert("2026-12-04T10:00:00Z"));
    assertEquals(Instant.parse("2026-12-04T10:00:00Z"), convert("2026-12-04T11:00:00+01:00"));
    assertEquals(Instant.parse("2026-12-04T10:00:00.250Z"), convert(" 2026-12-04T10:00:00.25Z "));
  }

  @Test
  void readsTimesBeforeNow() {
    assertEquals(NOW, convert("now"));
    assertEquals(Instant.parse("2026-12-04T11:50:00Z"), convert("-10m"));
    assertEquals(Instant.parse("2026-12-04T10:00:00Z"), convert("-2h"));
    assertEquals(Instant.parse("2026-12-04T11:58:30Z"), convert("-90s"));
    assertEquals(Instant.parse("2026-12-04T10:30:00Z"), convert("-1.5h"));
    assertEquals(Instant.parse("2026-12-03T12:00:00Z"), convert("-1d"));
  }

  @Test
  void refusesWhatIsNoInstant() {
    for (String bad :
        new String[] {"2026-12-04T10:00:00", "10m", "-", "-xm", "yesterday", "-2dd"}) {
      TypeConversionException e =
          assertThrows(TypeConversionException.class, () -> convert(bad), bad);
      assertEquals(InstantConverter.EXPECTED, e.getMessage());
    }
  }

  @Test
  void aBadTimeOnTheCommandLineNamesTheOptionAndExitsTwo() {
    var err = new java.io.StringWriter();
    var cli = Avloc.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true));
    int code = cli.execute("replay", "--stream", "cam", "--from", "yesterday", "--to", "now");
    assertEquals(2, code);
    assertEquals(
        "avloc replay: --from 'yesterday': " + InstantConverter.EXPECTED, err.toString().strip());
  }
}
