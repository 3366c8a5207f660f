package dev.mlops.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One registered version of a model. Immutable.
 *
 * @param name the model name
 * @param version the version number, from 1, never reused
 * @param stage the stage it holds ({@code "None"} when none)
 * @param aliases the aliases pointing at it
 * @param runId the run that produced it; empty when registered from a path
 * @param source where its files came from ({@code runs:/<id>/<path>} or a file URI)
 * @param digest the content digest of its files in the model store
 * @param tags its tags
 * @param createdAt when it was registered
 */
public record ModelVersion(
    String name,
    int version,
    String stage,
    Set<String> aliases,
    String runId,
    String source,
    String digest,
    Map<String, String> tags,
    Instant createdAt) {
  public ModelVersion {
    runId = runId == null ? "" : runId;
    aliases = Set.copyOf(aliases);
    tags = Map.copyOf(tags);
  }
}
