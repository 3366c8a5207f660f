package dev.mlops.pipeline;

/** What happened to one stage in a {@code repro}. */
public enum StageOutcome {
  /** The stage's command or code ran and succeeded. */
  RAN,
  /** Up to date (or frozen): nothing to do. */
  SKIPPED,
  /** Cmd, deps and params were seen before: outputs were restored from the run cache. */
  RESTORED_FROM_CACHE,
  /** The stage failed (after its retries) or timed out. */
  FAILED,
  /** Not attempted: an upstream stage failed, the repro was cancelled, or it was a dry run. */
  NOT_RUN
}
