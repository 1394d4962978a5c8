/**
 * Serving acoustic-image models: the model contract every SavedModel meets, the model card ({@code
 * model.json}), loading and calling a model through DJL's TensorFlow engine with natives from
 * Maven, and the bright-spot contract test model. Used by the job, training and the cli; it knows
 * nothing of Flink, Kafka or training.
 */
package ai.avloc.serving;
