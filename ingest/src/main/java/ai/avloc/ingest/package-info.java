/**
 * Camera gateways: media files decoded by FFmpeg (JavaCV) and simulated scene cameras turned into
 * {@code VideoFrame}, {@code AudioChunk} and {@code ArrayChunk} events, merged across cameras by
 * event time, paced against the wall clock and published to Kafka keyed by stream id. Carries
 * neither models nor Flink: it depends on {@code schemas} and {@code simulator} only.
 */
package ai.avloc.ingest;
