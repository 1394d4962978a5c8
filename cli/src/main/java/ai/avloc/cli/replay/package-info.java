/**
 * The replay command's parts: the archive's range check ({@link ai.avloc.cli.replay.ArchiveRange}),
 * the bounded re-analysis and its report ({@link ai.avloc.cli.replay.ReplayRun}), and the hook that
 * writes each stream's evidence clip ({@link ai.avloc.cli.replay.ClipExport}).
 */
package ai.avloc.cli.replay;
