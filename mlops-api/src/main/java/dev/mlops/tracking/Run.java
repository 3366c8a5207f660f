package dev.mlops.tracking;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a run. Immutable.
 *
 * @param id the run id (32 hex characters, as MLflow)
 * @param experimentId the experiment it belongs to
 * @param name the run name ({@code mlflow.runName})
 * @param status its lifecycle state
 * @param startTime when it started
 * @param endTime when it ended; null while running
 * @param parentId the parent run for a nested run; null otherwise
 * @param params every param
 * @param metrics the latest value per metric key (MLflow's rule: highest step, then latest
 *     timestamp, then largest value)
 * @param tags every tag, system tags included
 * @param artifactUri the root of its artifacts
 */
public record Run(
    String id,
    String experimentId,
    String name,
    RunStatus status,
    Instant startTime,
    Instant endTime,
    String parentId,
    Map<String, String> params,
    Map<String, Double> metrics,
    Map<String, String> tags,
    URI artifactUri) {

  public Run {
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
    tags = Map.copyOf(tags);
  }

  /** A param's value. */
  public Optional<String> param(String key) {
    return Optional.ofNullable(params.get(key));
  }

  /** A metric's latest value. */
  public Optional<Double> metric(String key) {
    return Optional.ofNullable(metrics.get(key));
  }

  /** A tag's value. */
  public Optional<String> tag(String key) {
    return Optional.ofNullable(tags.get(key));
  }
}
