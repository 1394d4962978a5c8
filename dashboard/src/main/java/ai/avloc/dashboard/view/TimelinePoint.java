package ai.avloc.dashboard.view;

/** One window on a camera's timeline: its strongest peak's contrast (0 when silent). */
public record TimelinePoint(long window, long t, float contrast, boolean silent) {}
