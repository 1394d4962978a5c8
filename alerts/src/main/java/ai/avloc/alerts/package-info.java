/**
 * The alerts app: a Kafka Streams topology, exactly once, that reads localizations, applies the
 * rules of the compacted rules topic and writes alerts with a START / UPDATE / END lifecycle. The
 * lifecycle and the rule checks are pure classes ({@link ai.avloc.alerts.AlertLifecycle}, {@link
 * ai.avloc.alerts.CompiledRule}) that the processor only loads, calls and stores; depends on {@code
 * schemas} alone among avloc's modules.
 */
package ai.avloc.alerts;
