/**
 * The benchmarks behind {@code ./avloc bench}: imaging (MFCC and acoustic images per second), model
 * (contract models through DJL per batch size) and stream (the job with N real-time cameras). Each
 * prints a table; the command only parses options and calls one of them.
 */
package ai.avloc.cli.bench;
