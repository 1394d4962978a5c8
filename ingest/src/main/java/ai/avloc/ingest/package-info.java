/**
 * Camera gateways: media files and multichannel array inputs decoded by FFmpeg (JavaCV) and
 * simulated scene cameras turned into {@code VideoFrame}, {@code AudioChunk} and {@code ArrayChunk}
 * events, merged across cameras by event time, paced against the wall clock and published to Kafka
 * keyed by stream id. Carries neither models nor Flink: it depends on {@code schemas}, {@code
 * simulator} and, for the camera inventory, Jackson's YAML format only.
 */
package ai.avloc.ingest;
