package dev.mlops.versioning;

/** How a tracked path differs from its pointer file. */
public enum DataState {
  /** The workspace content differs from the pointer's hash. */
  MODIFIED,
  /** The path is missing from the workspace. */
  DELETED,
  /** The pointer's object is not in the cache (pull it). */
  NOT_IN_CACHE
}
