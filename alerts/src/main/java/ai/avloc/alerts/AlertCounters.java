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
  final AtomicLong forgottenLanes = new AtomicLong();
  final AtomicLong deadLetters = new AtomicLong();
  final AtomicLong processingErrors = new AtomicLong();
  final AtomicLong unsentRecords = new AtomicLong();

  /**
   * Wall-clock ms since the broker has been unreachable (0 while it is reachable), and when it was
   * last reachable again: a lane is not quiet for the time nothing could reach the app.
   */
  final AtomicLong brokerDownSince = new AtomicLong();

  final AtomicLong brokerBackAt = new AtomicLong();
  final AtomicLong replacedThreads = new AtomicLong();
  final AtomicLong brokerOutages = new AtomicLong();

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

  /** Stream lanes (a stream's localizations of one mode) forgotten after sending nothing. */
  public long forgottenLanes() {
    return forgottenLanes.get();
  }

  /** Dead letters written: undecodable records, invalid rules, records whose processing threw. */
  public long deadLetters() {
    return deadLetters.get();
  }

  /** Localizations whose processing threw; each is skipped and dead-lettered. */
  public long processingErrors() {
    return processingErrors.get();
  }

  /** Records the app could not send (too large, or not serializable) and skipped. */
  public long unsentRecords() {
    return unsentRecords.get();
  }

  /** Stream threads replaced after an unexpected error. */
  public long replacedThreads() {
    return replacedThreads.get();
  }

  /** Times the app lost every connection to the broker (each logged, with its resumption). */
  public long brokerOutages() {
    return brokerOutages.get();
  }

  @Override
  public String toString() {
    return String.format(
        "localizations=%d outOfOrder=%d badRecords=%d invalidRules=%d alerts=%d forgottenLanes=%d"
            + " deadLetters=%d processingErrors=%d unsentRecords=%d replacedThreads=%d"
            + " brokerOutages=%d",
        localizations(),
        outOfOrder(),
        badRecords(),
        invalidRules(),
        alerts(),
        forgottenLanes(),
        deadLetters(),
        processingErrors(),
        unsentRecords(),
        replacedThreads(),
        brokerOutages());
  }
}
