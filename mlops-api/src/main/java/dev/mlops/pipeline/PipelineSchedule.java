package dev.mlops.pipeline;

import java.util.Optional;

/**
 * A pipeline repro'd on a {@link Schedule} in this process. A tick is skipped while a repro of the
 * same pipeline is still running. {@link #close()} stops the schedule (a running repro finishes).
 * Thread-safe.
 */
public interface PipelineSchedule extends AutoCloseable {
  /** The scheduled pipeline's name. */
  String pipeline();

  /** How many repros have completed on this schedule. */
  int completedRuns();

  /** The last completed repro. */
  Optional<PipelineRun> lastRun();

  /** Whether {@link #close()} was called. */
  boolean isClosed();

  /** Stops the schedule; idempotent. */
  @Override
  void close();
}
