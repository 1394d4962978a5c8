package ai.avloc.cli;

import ai.avloc.cli.replay.RangeBound;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A replay's {@code --from} or {@code --to}: what {@link InstantConverter} reads, or a time after
 * the start of the recordings an export replay reads ({@code +30s}, {@code +2m}, {@code +1.5s}).
 */
final class RangeBoundConverter implements ITypeConverter<RangeBound> {
  static final String AFTER_START =
      "expected a time after the recordings' start such as +30s, +500ms or +2m";

  @Override
  public RangeBound convert(String text) {
    String t = text.strip();
    if (t.startsWith("+")) {
      try {
        return RangeBound.after(new DurationConverter().convert(t.substring(1)));
      } catch (TypeConversionException e) {
        throw new TypeConversionException(AFTER_START);
      }
    }
    return RangeBound.at(new InstantConverter().convert(t));
  }
}
