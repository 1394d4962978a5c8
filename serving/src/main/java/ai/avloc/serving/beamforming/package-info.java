/**
 * The array path's beamforming as a TensorFlow graph served through DJL, so that on a machine with
 * a GPU it runs there next to the U-VAE; {@link ai.avloc.serving.beamforming.ImagingBackend}
 * chooses between it and the Java sgemm implementation.
 */
package ai.avloc.serving.beamforming;
