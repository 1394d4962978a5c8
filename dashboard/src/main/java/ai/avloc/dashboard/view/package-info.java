/**
 * What the API answers, as JSON records: one view per topic record a page shows (times in
 * milliseconds since the epoch, positions normalized), built from the Avro records in one place.
 */
package ai.avloc.dashboard.view;
