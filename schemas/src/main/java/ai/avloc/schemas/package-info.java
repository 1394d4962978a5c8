/**
 * What every module agrees on: the Avro schemas' single-object-encoding serde and schema store, the
 * one registry of topics, topic creation, and the wire constants ({@link
 * ai.avloc.schemas.WindowClock}'s 1/12 s windows of 1024 samples at 12288 Hz, {@link
 * ai.avloc.schemas.ModelShapes}). The bottom of the module graph: depends on no other avloc module.
 */
package ai.avloc.schemas;
