/**
 * Simulated scenes: sound sources with their signals, trajectories and class signatures, background
 * noise, the scene file format, the multichannel recording of the scene's array (whole, or a block
 * at a time for streams) and the picture a co-located camera sees. Deterministic for a given scene
 * and seed; built on {@code acoustics} and {@code schemas} alone, with no models or streaming.
 */
package ai.avloc.simulator;
