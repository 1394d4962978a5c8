package ai.avloc.dashboard.access;

/**
 * A signed-in browser or script.
 *
 * @param csrf the value a cookie-borne write must repeat in the {@code X-CSRF-Token} header
 * @param expiresAt ms since the epoch
 */
public record Session(String user, Role role, String csrf, long expiresAt) {}
