package dev.mlops.pipeline;

/**
 * Reproducible pipelines: runs only the stages whose code, deps or params changed, and keeps {@code
 * dvc.lock}. Get it from {@code Mlops.pipelines()}. Thread-safe; repros of one pipeline (one lock
 * file) are serialized, repros of different pipelines may run at once.
 *
 * <pre>{@code
 * Pipeline p = Pipeline.builder("churn")
 *     .stage("prepare", s -> s.cmd("python prepare.py").deps("prepare.py", "data/raw")
 *         .outs("data/prepared"))
 *     .stage("train", s -> s.run(ctx -> train(ctx)).version("2").deps("data/prepared")
 *         .params("train.lr").outs("model.bin").metrics("metrics.json"))
 *     .build();
 * PipelineRun r = m.pipelines().repro(p);
 * }</pre>
 */
public interface Pipelines {
  /** Runs every stale stage with {@link ReproOptions#defaults()}; blocks until done. */
  default PipelineRun repro(Pipeline pipeline) {
    return repro(pipeline, ReproOptions.defaults());
  }

  /**
   * Runs the selected stale stages in topological order, independent ones in parallel, caching
   * outputs and updating the lock file after each successful stage. Blocks until done; interrupting
   * the calling thread cancels. A failed stage does not throw: see {@link PipelineRun#succeeded()}.
   *
   * @throws dev.mlops.InvalidInputException if a dep is produced by nothing and does not exist, a
   *     target is unknown, or a params key is missing, before anything runs
   */
  PipelineRun repro(Pipeline pipeline, ReproOptions options);

  /** Like {@link #repro(Pipeline, ReproOptions)} in the background. */
  PipelineExecution start(Pipeline pipeline, ReproOptions options);

  /** Which stages are stale and why, decided as {@code dvc status} does; changes nothing. */
  PipelineStatus status(Pipeline pipeline);

  /**
   * Repros {@code pipeline} on a schedule in this process until the returned handle or this module
   * is closed. Never two repros of one pipeline at once: a tick that finds one running is skipped.
   */
  PipelineSchedule schedule(Pipeline pipeline, Schedule schedule);

  /** Like {@link #schedule(Pipeline, Schedule)} with options for each repro. */
  PipelineSchedule schedule(Pipeline pipeline, Schedule schedule, ReproOptions options);

  /** The stage graph as a Mermaid {@code flowchart}, for READMEs and reports. */
  default String dag(Pipeline pipeline) {
    return pipeline.toMermaid();
  }
}
