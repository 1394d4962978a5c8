package ai.avloc.alerts;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the app skipped or refused, since it started. Shared by every stream thread of one app and
 * by its deserialization handler.
 */
public final class AlertCounters {
  final AtomicLong localizations = new AtomicLong();
  final AtomicLong outOfOrder = new AtomicLong();
  final AtomicLong badRecords = new AtomicLong();
  final AtomicLong invalidRules = new AtomicLong();
  final AtomicLong alerts = new AtomicLong();

  /** Localizations processed (out-of-order ones included). */
  public long localizations() {
    return localizations.get();
  }

  /** Localizations ignored because their window was not after the stream's last window. */
  public long outOfOrder() {
    return outOfOrder.get();
  }

  /** Records that could not be decoded, on the localization or the rules topic. */
  public long badRecords() {
    return badRecords.get();
  }

  /** Rule versions refused by validation (each distinct version once per task). */
  public long invalidRules() {
    return invalidRules.get();
  }

  /** Alert records emitted (START, UPDATE and END). */
  public long alerts() {
    return alerts.get();
  }

  @Override
  public String toString() {
    return String.format(
        "localizations=%d outOfOrder=%d badRecords=%d invalidRules=%d alerts=%d",
        localizations(), outOfOrder(), badRecords(), invalidRules(), alerts());
  }
}
