/**
 * Audio-visual datasets in the ACIVW layout: GZIP TFRecords of {@code SequenceExample}s read into
 * frames for training and evaluation, and the synthetic dataset that the simulator, the beamformer
 * and the scene cameras' renderer write in that layout. Used by training, evaluation and the cli,
 * never by the job.
 */
package ai.avloc.training.data;
