/**
 * The dashboard: an HTTP server (Javalin) that follows the localization, alert, rule, frame,
 * camera-status and dead-letter topics and serves the live grid, camera views with zones, the alert
 * review and the system page, all built on one JSON API under {@code /api} (docs/dashboard.md).
 */
package ai.avloc.dashboard;
