/**
 * Server-sent events to the pages: one {@link ai.avloc.dashboard.live.LiveClient} per open event
 * stream, each with its own sender thread and a buffer that keeps only the newest localization,
 * frame and status of each camera, so a slow browser sees fewer updates and the others see all.
 */
package ai.avloc.dashboard.live;
