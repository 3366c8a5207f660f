package dev.mlops.versioning;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of {@code status()}: only paths that differ, keyed by workspace-relative path.
 *
 * @param changes path to how it differs
 */
public record DataStatus(Map<String, DataState> changes) {
  public DataStatus {
    changes = Collections.unmodifiableMap(new TreeMap<>(changes));
  }

  /** Whether everything matches its pointer and cache. */
  public boolean clean() {
    return changes.isEmpty();
  }
}
