package dev.mlops;

/**
 * Receives progress of a long operation (hashing, push, pull, repro). Called from the thread doing
 * the work; implementations must be quick and thread-safe. Exceptions thrown by a listener are
 * logged and ignored.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = (task, done, total) -> {};

  /**
   * @param task what is being done, e.g. "hashing data/train"
   * @param done units done so far (files or bytes, as the operation says)
   * @param total units in all, or -1 when not known yet
   */
  void progress(String task, long done, long total);
}
