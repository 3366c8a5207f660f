package dev.mlops.versioning;

import dev.mlops.ProgressListener;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;

/**
 * DVC-compatible data and model versioning of the workspace: pointer files ({@code .dvc}), a
 * content-addressed cache, remotes. Get it from {@code Mlops.data()}. Thread-safe.
 *
 * <p>Paths are files or folders inside the workspace, absolute or relative to it; others are
 * rejected.
 */
public interface DataVersioning {
  /** The workspace folder. */
  Path workspace();

  /** Hashes and caches a file or folder and writes {@code <path>.dvc} next to it. */
  DataVersion add(Path path);

  /** Like {@link #add(Path)}, reporting progress. */
  DataVersion add(Path path, ProgressListener progress);

  /** Compares every pointer in the workspace with the workspace and the cache. */
  DataStatus status();

  /** Restores one pointer's path from the cache; refuses to overwrite uncached changes. */
  void checkout(Path pointer);

  /** Restores one pointer's path; with {@code force}, overwrites uncached changes too. */
  void checkout(Path pointer, boolean force);

  /** Restores every pointer's path in the workspace (not forced). */
  void checkout();

  /** Adds (or replaces) a remote for this process, e.g. {@code file:///mnt/backup}. */
  void addRemote(String name, URI uri);

  /** Uploads the cache objects the workspace's pointers refer to and the remote lacks. */
  void push(String remote);

  /** Downloads missing objects from the remote into the cache, then checks them out. */
  void pull(String remote);

  /** Downloads missing objects from the remote into the cache only. */
  void fetch(String remote);

  /** Streams a file version's bytes from the cache, verified, without checking it out. */
  InputStream open(DataVersion version);

  /** Streams one file of a folder version. */
  InputStream open(DataVersion version, String relpath);

  /** Files added, deleted and modified between two folder versions. */
  DataDiff diff(DataVersion from, DataVersion to);

  /**
   * Removes cache objects that no pointer (and no dvc.lock) in the workspace refers to.
   *
   * @param dryRun list only, remove nothing
   * @return the object hashes removed (or that would be)
   */
  java.util.List<String> gc(boolean dryRun);

  /**
   * Hashes a file or folder without caching it or writing a pointer; unchanged files are not
   * re-hashed (state table). Used by pipelines for change detection.
   */
  DataVersion hash(Path path);

  /** Hashes and caches a file or folder without writing a pointer (pipeline outputs). */
  DataVersion commit(Path path);

  /** Whether every object of a version (for a folder, the manifest and all files) is cached. */
  boolean isCached(DataVersion version);

  /** Writes a cached version to {@code target} (file or folder), replacing what is there. */
  void restore(DataVersion version, Path target);
}
