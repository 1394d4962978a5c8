/**
 * The U-VAE in TF Java: its presets, visual encoders (compact, and ResNet-50 with optional Keras
 * ImageNet weights), the graph, the training objective and trainer with resumable runs, and the
 * export of a trained model as a contract SavedModel with its card. Used by the cli only; serving
 * goes through {@code ai.avloc.serving}.
 */
package ai.avloc.training.uvae;
