/**
 * The pure logic of aligning one stream's audio and frames into 1/12 s windows: sample placement on
 * the global 12288 Hz grid, which samples arrived, the frame chosen for a window, and the POJOs the
 * operators keep in Flink state. No Flink imports: the operators in {@code ai.avloc.stream.job}
 * keep these objects in state and forward what they return.
 */
package ai.avloc.stream.align;
