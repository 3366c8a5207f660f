package dev.mlops.pipeline;

import java.util.List;
import java.util.Map;

/** What {@code status(p)} found, decided as {@code dvc status} does. Immutable and thread-safe. */
public interface PipelineStatus {
  /**
   * Stale stages (in topological order) and, for each, why: {@code "cmd changed"}, {@code "dep X
   * changed"}, {@code "dep X missing"}, {@code "param Y changed"}, {@code "out Z missing"}, {@code
   * "out Z changed"}, {@code "out Z not in cache"}, {@code "always changed"} (also a stage with no
   * deps, params or outs, as DVC's callback stages), {@code "params file F new"}, {@code "new stage
   * (not in dvc.lock)"}. Empty when everything is up to date. Frozen stages are never stale.
   */
  Map<String, List<String>> stale();

  /** Problems that do not make a stage stale but will fail a repro (a dep nothing produces). */
  List<String> warnings();

  /** Whether no stage is stale. */
  default boolean upToDate() {
    return stale().isEmpty();
  }
}
