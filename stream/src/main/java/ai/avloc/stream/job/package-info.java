/**
 * The localization job and its operators: {@link ai.avloc.stream.job.LocalizationJob} wires the
 * sources, the mono and array aligners, batching, the mono path (MFCC and a contract model through
 * DJL) and the array path (beamforming), source confirmation and the sinks; {@link
 * ai.avloc.stream.job.JobConfig} holds its options. Operators keep state and call the pure code of
 * {@code stream.align}, {@code stream.features} and {@code acoustics}.
 */
package ai.avloc.stream.job;
