/**
 * The {@code ./avloc} launcher: one picocli command per entry point (demo, gateway, job, alerts,
 * tail, synth, train, evaluate, model, bench, mfcc, simulate, beamform, energy) and the input
 * parsing they share. Commands parse and report; the work is done by the modules they call, and no
 * module depends on the cli.
 */
package ai.avloc.cli;
