package dev.mlops.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A registered model. Immutable.
 *
 * @param name the model name
 * @param description its description; "" when none
 * @param latestVersion the highest live version number; 0 when it has none
 * @param versionCount how many live versions it has
 * @param aliases alias to version
 * @param stages stage to the version holding it most recently (None and Archived excluded)
 * @param createdAt when its first version was registered
 * @param updatedAt its last change
 */
public record RegisteredModel(
    String name,
    String description,
    int latestVersion,
    int versionCount,
    Map<String, Integer> aliases,
    Map<String, Integer> stages,
    Instant createdAt,
    Instant updatedAt) {
  public RegisteredModel {
    aliases = Map.copyOf(aliases);
    stages = Map.copyOf(stages);
  }
}
