/**
 * Frequency-domain filter-and-sum beamforming (OpenBLAS GEMM, steering rotated bin by bin),
 * functional beamforming, where the beamformer looks ({@link
 * ai.avloc.acoustics.beamforming.LookGrid}), plain band-power maps and the 36x48x12 acoustic images
 * of array audio. Pure numerics over arrays: no models, no streaming; the job's array path and the
 * synthetic training data both call it.
 */
package ai.avloc.acoustics.beamforming;
