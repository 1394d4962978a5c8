package ai.avloc.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An instant on avloc's command line: ISO-8601 with a zone ({@code 2026-12-04T10:00:00Z}, {@code
 * 2026-12-04T11:00:00+01:00}), {@code now}, or a time before now ({@code -10m}, {@code -2h}, {@code
 * -90s}, {@code -1.5h}, {@code -1d}). A bad value is reported by {@link Avloc#commandLine()} with
 * the option's name.
 */
final class InstantConverter implements ITypeConverter<Instant> {
  static final String EXPECTED =
      "expected an ISO-8601 instant such as 2026-12-04T10:00:00Z, now, or a time before now such"
          + " as -10m or -2h";

  private final Clock clock;

  InstantConverter() {
    this(Clock.systemUTC());
  }

  InstantConverter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Instant convert(String text) {
    String t = text.strip();
    if (t.equalsIgnoreCase("now")) {
      return clock.instant();
    }
    if (t.startsWith("-")) {
      String amount = t.substring(1);
      boolean days = amount.toLowerCase(java.util.Locale.ROOT).endsWith("d");
      Duration before;
      try {
        before =
            days
                ? new DurationConverter()
                    .convert(amount.substring(0, amount.length() - 1) + "h")
                    .multipliedBy(24)
                : new DurationConverter().convert(amount);
      } catch (TypeConversionException e) {
        throw new TypeConversionException(EXPECTED);
      }
      return clock.instant().minus(before);
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(EXPECTED);
    }
  }
}
