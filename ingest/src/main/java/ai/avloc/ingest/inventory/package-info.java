/**
 * The camera inventory: {@code cameras.yaml} parsed and validated into {@link
 * ai.avloc.ingest.inventory.CameraSpec}s ({@link ai.avloc.ingest.inventory.CameraInventory}), split
 * between gateway processes ({@link ai.avloc.ingest.inventory.Shard}) and watched for edits that
 * are applied without a restart ({@link ai.avloc.ingest.inventory.InventoryWatcher}). The format is
 * documented in {@code docs/cameras.md}.
 */
package ai.avloc.ingest.inventory;
