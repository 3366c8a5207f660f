package dev.mlops.registry;

import dev.mlops.versioning.DataVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What produced a model version, recorded at registration. Immutable and thread-safe.
 *
 * @param runId the producing run; "" when registered from a path
 * @param experimentId the run's experiment; "" when none
 * @param gitCommit the run's {@code mlflow.source.git.commit}; "" when unknown
 * @param source where the files came from ({@code runs:/...} or {@code file:...})
 * @param inputs the data versions the run recorded as inputs
 * @param params the run's params
 * @param metrics a snapshot of the run's latest metrics at registration
 */
public record Lineage(
    String runId,
    String experimentId,
    String gitCommit,
    String source,
    List<DataVersion> inputs,
    Map<String, String> params,
    Map<String, Double> metrics) {
  public Lineage {
    runId = runId == null ? "" : runId;
    experimentId = experimentId == null ? "" : experimentId;
    gitCommit = gitCommit == null ? "" : gitCommit;
    source = source == null ? "" : source;
    inputs = List.copyOf(inputs);
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
  }

  /** The producing run, if any. */
  public Optional<String> run() {
    return runId.isEmpty() ? Optional.empty() : Optional.of(runId);
  }

  /** A metric of the snapshot. */
  public Optional<Double> metric(String key) {
    return Optional.ofNullable(metrics.get(key));
  }
}
