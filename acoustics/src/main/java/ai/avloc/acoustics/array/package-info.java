/**
 * Microphone-array geometry in the camera frame (camera at the origin looking along +z, x to the
 * right of the image, y down): {@link ai.avloc.acoustics.array.MicArray}, the built-in arrays,
 * Acoular XML and CSV geometry files, and the medium sound travels through. Plain data and
 * arithmetic: no models, no streaming, no Kafka.
 */
package ai.avloc.acoustics.array;
