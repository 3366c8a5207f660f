package dev.mlops.pipeline;

import java.time.Duration;
import java.util.Optional;

/** A repro started in the background by {@link Pipelines#start}. Thread-safe. */
public interface PipelineExecution {
  /**
   * Asks the repro to stop: running shell stages are killed, running Java stages interrupted,
   * stages not started end NOT_RUN. The lock file keeps what finished. Returns at once.
   */
  void cancel();

  /** Blocks until the repro ends; interrupting the waiting thread cancels the repro. */
  PipelineRun await();

  /** Waits at most {@code timeout}; empty if the repro has not ended by then. */
  Optional<PipelineRun> await(Duration timeout);

  /** Whether the repro has ended. */
  boolean isDone();
}
