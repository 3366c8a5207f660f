package dev.mlops.tracking;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * An experiment: a named group of runs.
 *
 * @param id its id
 * @param name its name; unique among experiments that are not deleted
 * @param artifactLocation where its runs' artifacts go
 * @param deleted whether it is (soft-)deleted
 * @param createdAt when it was created
 * @param tags its tags
 */
public record Experiment(
    String id,
    String name,
    URI artifactLocation,
    boolean deleted,
    Instant createdAt,
    Map<String, String> tags) {
  public Experiment {
    tags = Map.copyOf(tags);
  }
}
