package dev.mlops.spi;

import java.io.InputStream;
import java.net.URI;
import java.util.Set;

/**
 * Storage that data versioning pushes objects to and pulls them from, in DVC's remote layout.
 * Objects are addressed by keys relative to the remote root, with {@code /} separators, e.g. {@code
 * files/md5/ab/cdef...} (DVC 3) or {@code ab/cdef...} (DVC 2). Implementations are found with
 * {@link java.util.ServiceLoader} through {@link DataRemoteProvider}, chosen by URI scheme.
 * Implementations must be thread-safe: transfers run in parallel.
 */
public interface DataRemote extends AutoCloseable {
  /** Where this remote points. */
  URI uri();

  /** Whether an object exists under {@code key}. */
  boolean exists(String key);

  /**
   * Every key under {@code prefix} (e.g. {@code files/md5/}), used instead of many {@link #exists}
   * calls when many objects are checked at once. Keys are returned whole (prefix included).
   */
  Set<String> list(String prefix);

  /**
   * Stores the bytes of {@code content} under {@code key}, atomically: a reader never sees a
   * partial object, and if {@code content} throws, nothing is stored. Replaces an existing object.
   * The object may become visible only at the next {@link #flush()} (a folder remote syncs the file
   * system once for many small objects there).
   *
   * @param size the number of bytes, or -1 when unknown
   */
  void put(String key, InputStream content, long size);

  /**
   * Opens the object under {@code key} for reading.
   *
   * @throws dev.mlops.NotFoundException when there is no such object
   */
  InputStream get(String key);

  /** Makes every object put so far durable and visible; the default does nothing. */
  default void flush() {}

  /** Flushes and releases connections; the default only flushes. */
  @Override
  default void close() {
    flush();
  }
}
