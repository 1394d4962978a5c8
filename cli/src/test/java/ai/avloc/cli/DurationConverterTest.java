package ai.avloc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  static Duration convert(String text) {
    return new DurationConverter().convert(text);
  }

  @Test
  void shouldReadDurations() {
    assertEquals(Duration.ofSeconds(10), convert("10s"));
    assertEquals(Duration.ofMillis(1500), convert("1.5s"));
    assertEquals(Duration.ofMillis(500), convert("500ms"));
    assertEquals(Duration.ofMinutes(2), convert("2m"));
    assertEquals(Duration.ofSeconds(7), convert("PT7S"));
    assertEquals(Duration.ofSeconds(3), convert("3"));
  }

  @Test
  void shouldReadUnitsInAnyCaseWithSpacesAndHours() {
    assertEquals(Duration.ofHours(1), convert("1h"));
    assertEquals(Duration.ofMillis(250), convert(" 250 MS "));
    assertEquals(Duration.ofSeconds(30), convert("30S"));
    assertEquals(Duration.ZERO, convert("0s"), "a skipped warm-up");
  }

  @Test
  void shouldRejectWhatIsNoDuration() {
    assertEquals(
        DurationConverter.EXPECTED,
        assertThrows(TypeConversionException.class, () -> convert("soon")).getMessage());
    assertThrows(TypeConversionException.class, () -> convert("10 parsecs"));
    assertThrows(TypeConversionException.class, () -> convert(""));
    assertEquals(
        "must not be negative",
        assertThrows(TypeConversionException.class, () -> convert("PT-5S")).getMessage());
  }

  @Test
  void shouldNameTheOptionAndTheValueOnTheCommandLine() {
    BadInputTest.Run tail =
        BadInputTest.run(
            "tail", "localizations", "--bootstrap", "localhost:1", "--idle-exit", "soon");
    BadInputTest.assertFailsWith(
        tail, "avloc tail: --idle-exit 'soon': " + DurationConverter.EXPECTED);
    assertEquals(2, tail.exit());
    BadInputTest.assertFailsWith(
        BadInputTest.run("bench", "stream", "--measure", "-3s"), "--measure '-3s'");
    BadInputTest.assertFailsWith(
        BadInputTest.run("demo", "--duration", "PT-1S"),
        "--duration 'PT-1S': must not be negative");
    BadInputTest.assertFailsWith(
        BadInputTest.run("alerts", "--every", "often"), "avloc alerts: --every 'often'");
  }

  @Test
  void shouldPrintDurationsAsTyped() {
    assertEquals("500ms", DurationConverter.format(Duration.ofMillis(500)));
    assertEquals("1.5s", DurationConverter.format(Duration.ofMillis(1500)));
    assertEquals("120s", DurationConverter.format(Duration.ofMinutes(2)));
  }
}
