/**
 * Files for arrays and maps: NumPy {@code .npy} reading and writing and PNG heatmaps with a colour
 * bar. Depends on nothing else in avloc.
 */
package ai.avloc.acoustics.io;
