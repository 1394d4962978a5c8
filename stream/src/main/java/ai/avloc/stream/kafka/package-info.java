/**
 * The job's Kafka edges: decoding and validating records into job events without ever failing the
 * job, the dead-letter side output and its sink, and the exactly-once localization sink.
 */
package ai.avloc.stream.kafka;
