package ai.avloc.ingest.inventory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed between two inventories, by camera id: cameras to start, to stop, and to restart
 * with a new spec.
 *
 * @param added cameras whose id is new
 * @param removed cameras whose id is gone (their old specs)
 * @param changed cameras whose id stays but whose spec differs (their new specs)
 */
public record InventoryDiff(
    List<CameraSpec> added, List<CameraSpec> removed, List<CameraSpec> changed) {

  public InventoryDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
  }

  /** The difference from {@code before} to {@code after}; each list sorted by id. */
  public static InventoryDiff between(List<CameraSpec> before, List<CameraSpec> after) {
    Map<String, CameraSpec> old = byId(before);
    Map<String, CameraSpec> now = byId(after);
    List<CameraSpec> added = new ArrayList<>();
    List<CameraSpec> changed = new ArrayList<>();
    for (CameraSpec spec : now.values()) {
      CameraSpec previous = old.get(spec.id());
      if (previous == null) {
        added.add(spec);
      } else if (!previous.equals(spec)) {
        changed.add(spec);
      }
    }
    List<CameraSpec> removed = new ArrayList<>();
    for (CameraSpec spec : old.values()) {
      if (!now.containsKey(spec.id())) {
        removed.add(spec);
      }
    }
    Comparator<CameraSpec> byId = Comparator.comparing(CameraSpec::id);
    added.sort(byId);
    removed.sort(byId);
    changed.sort(byId);
    return new InventoryDiff(added, removed, changed);
  }

  /** Whether nothing changed. */
  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }

  private static Map<String, CameraSpec> byId(List<CameraSpec> specs) {
    Map<String, CameraSpec> map = new LinkedHashMap<>();
    for (CameraSpec spec : specs) {
      map.put(spec.id(), spec);
    }
    return map;
  }
}
