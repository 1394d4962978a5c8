/**
 * Per-window conversions between aligned windows and the job's output: a window's JPEG as the
 * model's RGB input, its audio level in dBFS, and a map with its peaks as the {@code Localization}
 * record. No Flink imports.
 */
package ai.avloc.stream.features;
