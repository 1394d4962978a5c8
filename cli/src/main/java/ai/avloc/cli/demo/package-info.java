/**
 * The demos behind {@code ./avloc demo}: {@link ai.avloc.cli.demo.LiveDemo} starts the whole system
 * on this machine (broker and Flink in their own JVMs, the job, the alerts app, a camera) and stops
 * what it started; {@link ai.avloc.cli.demo.OfflineDemo} runs the imaging core alone on a simulated
 * array camera. The command only parses options and calls one of them.
 */
package ai.avloc.cli.demo;
