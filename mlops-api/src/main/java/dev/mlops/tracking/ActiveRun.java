package dev.mlops.tracking;

import dev.mlops.versioning.DataVersion;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run in progress. Thread-safe: several threads may log to one run.
 *
 * <p>{@link #metric} never blocks on I/O: points are queued and written in batches by a background
 * writer (when the bounded queue is full the caller waits; nothing is dropped). {@link #flush()}
 * makes everything logged so far durable. Params, tags and artifacts are written before the call
 * returns. Closing a run that is still RUNNING ends it FINISHED.
 */
public interface ActiveRun extends AutoCloseable {
  /** The run id. */
  String id();

  /** The experiment id. */
  String experimentId();

  /** The run name. */
  String name();

  /** The root of this run's artifacts. */
  URI artifactUri();

  /**
   * Logs a param. Params are immutable: the same value again is a no-op, another value throws
   * {@link dev.mlops.ConflictException}. The value is stored as {@code String.valueOf(value)}.
   */
  ActiveRun param(String key, Object value);

  /** Logs several params; all or none are stored. */
  ActiveRun params(Map<String, ?> params);

  /** Logs a metric point at step 0 with the current time. */
  ActiveRun metric(String key, double value);

  /** Logs a metric point at {@code step} with the current time. */
  ActiveRun metric(String key, double value, long step);

  /** Sets a tag (tags may be overwritten). */
  ActiveRun tag(String key, String value);

  /** Copies a file or folder under the run's artifact root, keeping its file name. */
  ActiveRun artifact(Path file);

  /**
   * Copies a file or folder under {@code artifactPath} (a relative folder, {@code /}-separated) of
   * the run's artifact root.
   */
  ActiveRun artifact(Path file, String artifactPath);

  /** Records that this run used a data version (lineage). */
  ActiveRun input(DataVersion data);

  /** Runs a nested run whose parent is this one; returns it when ended. */
  Run child(String name, RunBody body);

  /** Starts a nested run whose parent is this one; close it to end it. */
  ActiveRun startChild(String name);

  /** Blocks until every metric logged so far is durable in the store. */
  void flush();

  /** The run as stored now (after a flush). */
  Run snapshot();

  /** Ends the run with {@code status}, after flushing. Idempotent once ended. */
  void end(RunStatus status);

  /** Ends the run FINISHED if it is still running. */
  @Override
  void close();
}
