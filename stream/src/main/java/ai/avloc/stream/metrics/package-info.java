/**
 * The job's own stage timers: nanoseconds per stage as Flink counters, cheap enough to stay on in
 * production and read by {@code bench stream} for its per-stage profile.
 */
package ai.avloc.stream.metrics;
