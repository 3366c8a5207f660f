package dev.mlops.versioning;

/**
 * A version of a file or folder, identified as DVC does.
 *
 * @param path the path relative to the workspace, with {@code /} separators
 * @param md5 the MD5 of the bytes (files) or of the {@code .dir} manifest, suffixed {@code .dir}
 *     (folders)
 * @param size bytes in all
 * @param nfiles number of files for a folder; null for a file
 */
public record DataVersion(String path, String md5, long size, Integer nfiles) {
  /** Whether this is a folder version ({@code md5} ends in {@code .dir}). */
  public boolean isDirectory() {
    return md5.endsWith(".dir");
  }
}
