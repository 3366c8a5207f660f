package dev.mlops.tracking;

/**
 * An entry in a run's artifacts.
 *
 * @param path the path relative to the run's artifact root, with {@code /} separators
 * @param directory whether it is a folder
 * @param size the size in bytes; 0 for folders
 */
public record ArtifactInfo(String path, boolean directory, long size) {}
