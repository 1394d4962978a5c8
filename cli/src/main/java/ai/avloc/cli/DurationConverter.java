package ai.avloc.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one reading of a duration on avloc's command line, registered for every {@link Duration}
 * option: "10s", "1.5s", "500ms", "2m", "1h" (units in any case), a plain number of seconds, or
 * ISO-8601 ("PT10S"). Zero is a duration (a warm-up that is skipped); a negative one is not. A bad
 * value is reported by {@link Avloc#commandLine()} with the option's name.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  static final String EXPECTED = "expected a duration such as 10s, 500ms or 2m";

  private static final Pattern WITH_UNIT =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

  @Override
  public Duration convert(String text) {
    String t = text.strip();
    Duration d;
    Matcher m = WITH_UNIT.matcher(t);
    if (m.matches()) {
      double value = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
      double seconds =
          switch (unit) {
            case "ms" -> value / 1000;
            case "m" -> value * 60;
            case "h" -> value * 3600;
            default -> value;
          };
      d = Duration.ofNanos(Math.round(seconds * 1e9));
    } else {
      try {
        d = Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(EXPECTED);
      }
    }
    if (d.isNegative()) {
      throw new TypeConversionException("must not be negative");
    }
    return d;
  }

  /** A duration as typed on the command line: "500ms" under a second, else seconds ("1.5s"). */
  static String format(Duration d) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0 && d.toNanos() % 1_000_000 == 0) {
      return d.toMillis() + "ms";
    }
    return new java.math.BigDecimal(d.toNanos())
            .movePointLeft(9)
            .stripTrailingZeros()
            .toPlainString()
        + "s";
  }
}
