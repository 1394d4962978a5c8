/**
 * What a map says about where sound is: the paper's energy map of an acoustic image, peak finding
 * and flatness on energy and power maps, and the rule that confirms a source from a stream's
 * previous windows (immutable values the caller keeps). Pure functions shared by the job, the
 * evaluation and the cli; no Flink or Kafka types.
 */
package ai.avloc.acoustics.energy;
