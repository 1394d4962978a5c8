/**
 * DualCamNet, the paper's classifier of one-second acoustic-image clips, and the GAN-test and
 * GAN-train measures it gives of generated acoustic images (uvae-reference.md §6).
 */
package ai.avloc.training.dualcam;
