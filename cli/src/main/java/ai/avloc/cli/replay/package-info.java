/**
 * What {@code ./avloc replay} writes besides the replay topic: {@link
 * ai.avloc.cli.replay.EvidenceClip} turns one stream's archived frames, audio and localizations
 * into an MP4 with the energy map, the peaks and the time burned in (docs/replay-clips.md).
 */
package ai.avloc.cli.replay;
