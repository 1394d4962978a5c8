/**
 * The replay command's parts: the archive's range check ({@link ai.avloc.cli.replay.ArchiveRange}),
 * the bounded re-analysis and its report ({@link ai.avloc.cli.replay.ReplayRun}), and each stream's
 * evidence clip ({@link ai.avloc.cli.replay.ClipExport}, {@link ai.avloc.cli.replay.EvidenceClip}):
 * an MP4 with the energy map, the peaks and the time burned in (docs/replay-clips.md); and the
 * replay of an NVR export's media files at their own time on a private broker ({@link
 * ai.avloc.cli.replay.ExportReplay}).
 */
package ai.avloc.cli.replay;
