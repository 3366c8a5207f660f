package dev.mlops.versioning;

import java.util.List;

/**
 * Files that differ between two folder versions, as relative paths, sorted.
 *
 * @param added in the second version only
 * @param deleted in the first version only
 * @param modified in both with different content
 */
public record DataDiff(List<String> added, List<String> deleted, List<String> modified) {
  public DataDiff {
    added = List.copyOf(added);
    deleted = List.copyOf(deleted);
    modified = List.copyOf(modified);
  }

  /** Whether the versions hold the same files. */
  public boolean isEmpty() {
    return added.isEmpty() && deleted.isEmpty() && modified.isEmpty();
  }
}
