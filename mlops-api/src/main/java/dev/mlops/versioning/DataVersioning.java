package dev.mlops.versioning;

import dev.mlops.ProgressListener;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;

/**
 * DVC-compatible data and model versioning of the workspace: pointer files ({@code .dvc}), a
 * content-addressed cache, remotes. Get it from {@code Mlops.data()}. Thread-safe.
 *
 * <pre>{@code
 * DataVersion v = m.data().add(Path.of("data/train.csv"));   // writes data/train.csv.dvc
 * m.data().addRemote("backup", URI.create("file:///mnt/backup"));
 * m.data().push("backup");
 * try (InputStream in = m.data().open(v)) { ... }            // verified bytes of that version
 * }</pre>
 *
 * <p>Paths are files or folders inside the workspace, absolute or relative to it; others are
 * rejected with {@link dev.mlops.InvalidInputException} (also for symlinks leading outside). A
 * missing cache object gives {@link dev.mlops.NotFoundException} naming it; an object whose bytes
 * do not match its hash gives {@link dev.mlops.StoreException} naming it, and is never checked out.
 * A malformed {@code .dvc} file gives an {@link dev.mlops.InvalidInputException} naming the file
 * and line. Link types come from the configuration key {@code versioning.link.type} or the DVC
 * repo's {@code cache.type} (default {@code reflink,copy}).
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

  /**
   * Adds (or replaces) a remote for this process, e.g. {@code file:///mnt/backup}. Remotes in the
   * DVC repo's {@code .dvc/config} are known too.
   *
   * @throws dev.mlops.InvalidInputException for a scheme no remote provider handles (S3 remotes are
   *     not available yet)
   */
  void addRemote(String name, URI uri);

  /**
   * Uploads the cache objects the workspace's pointers refer to and the remote lacks, in parallel.
   * A null or blank name means the DVC repo's {@code core.remote}.
   *
   * @throws dev.mlops.NotFoundException for an unknown remote
   */
  void push(String remote);

  /** Like {@link #push(String)}, reporting objects transferred. */
  default void push(String remote, ProgressListener progress) {
    push(remote);
  }

  /**
   * Downloads missing objects from the remote into the cache, then checks them out (not forced).
   */
  void pull(String remote);

  /** Like {@link #pull(String)}, reporting objects transferred. */
  default void pull(String remote, ProgressListener progress) {
    pull(remote);
  }

  /**
   * Downloads missing objects from the remote into the cache only, verifying each.
   *
   * @throws dev.mlops.NotFoundException naming objects the remote lacks (the others are fetched)
   */
  void fetch(String remote);

  /** Like {@link #fetch(String)}, reporting objects transferred. */
  default void fetch(String remote, ProgressListener progress) {
    fetch(remote);
  }

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
   *
   * @throws dev.mlops.NotFoundException when the path does not exist
   */
  DataVersion hash(Path path);

  /** Hashes and caches a file or folder without writing a pointer (pipeline outputs). */
  DataVersion commit(Path path);

  /** Whether every object of a version (for a folder, the manifest and all files) is cached. */
  boolean isCached(DataVersion version);

  /** Writes a cached version to {@code target} (file or folder), replacing what is there. */
  void restore(DataVersion version, Path target);
}
