package dev.mlops.registry;

import java.util.List;

/**
 * What {@link ModelRegistry#exportGitTags} or {@link ModelRegistry#importGitTags} did. Immutable.
 *
 * @param tags the Git tags written (export) or read (import)
 * @param changes one line per change applied to the repository or the registry
 */
public record GitSyncResult(List<String> tags, List<String> changes) {
  public GitSyncResult {
    tags = List.copyOf(tags);
    changes = List.copyOf(changes);
  }
}
