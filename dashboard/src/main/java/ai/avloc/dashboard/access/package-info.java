/**
 * Who may use the dashboard: the start token, named users with PBKDF2 password hashes and a role
 * (viewer or operator), HttpOnly session cookies and the CSRF token that cookie-borne writes carry.
 */
package ai.avloc.dashboard.access;
