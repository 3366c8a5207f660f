package dev.mlops.pipeline.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Parsed params files, re-read only when a file's size, mtime (nanoseconds) or inode changed, as
 * {@link Params#readFile} would read them. A file modified less than {@link #RACY_NANOS} before it
 * was read is parsed again on every call: a same-size edit within one tick of the file system's
 * clock keeps size and mtime, and only that age proves no such edit can follow unseen (the "racy
 * git" rule). The parsed values are shared between callers, who must not modify them. Thread-safe.
 */
final class ParamsCache {
  /** Files younger than this when read are not trusted from the cache (FAT has 2 s mtimes). */
  static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final int MAX_FILES = 1024;

  private record Entry(long size, long mtimeNanos, Object fileKey, Optional<Object> content) {}

  private final Map<Path, Entry> files = new ConcurrentHashMap<>();

  /** The parsed content of a params file, or empty if it is not a regular file. */
  Optional<Object> read(Path file) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      files.remove(file);
      return Optional.empty();
    }
    if (!a.isRegularFile()) {
      files.remove(file);
      return Optional.empty();
    }
    long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    Entry e = files.get(file);
    if (e != null
        && e.size == a.size()
        && e.mtimeNanos == mtime
        && Objects.equals(e.fileKey, a.fileKey())) {
      return e.content;
    }
    Optional<Object> content = Params.readFile(file);
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    if (now - mtime >= RACY_NANOS) {
      if (files.size() >= MAX_FILES) {
        files.clear();
      }
      files.put(file, new Entry(a.size(), mtime, a.fileKey(), content));
    } else {
      files.remove(file);
    }
    return content;
  }
}
