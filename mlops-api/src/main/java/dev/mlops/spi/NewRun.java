package dev.mlops.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link TrackingStore#createRun} needs to create a run. Immutable.
 *
 * @param experimentId the experiment (must exist and not be deleted)
 * @param name the run name (stored in the run and as tag {@code mlflow.runName})
 * @param parentId the parent run id for a nested run, or null
 * @param startTime epoch milliseconds
 * @param tags initial tags (system tags included)
 */
public record NewRun(
    String experimentId, String name, String parentId, long startTime, Map<String, String> tags) {
  public NewRun {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(name, "name");
    tags = Map.copyOf(tags);
  }
}
