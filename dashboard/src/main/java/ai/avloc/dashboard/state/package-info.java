/**
 * What the dashboard knows, folded from the topics: per camera its recent localizations, frames,
 * timeline and health ({@link ai.avloc.dashboard.state.CameraTrack}), the alerts with their
 * snapshots ({@link ai.avloc.dashboard.state.AlertBook}) and the rules ({@link
 * ai.avloc.dashboard.state.RuleBoard}). Everything is bounded: a camera keeps seconds of frames and
 * minutes of timeline, the book a fixed number of alerts.
 */
package ai.avloc.dashboard.state;
