package dev.mlops.registry;

import dev.mlops.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A search over live model versions: a name glob ({@code *} any run of characters, {@code ?} one
 * character), tag equalities, a stage. Immutable; each call returns a new query.
 *
 * <pre>{@code
 * registry.search(ModelQuery.name("churn-*").tag("team", "growth").stage("production"))
 * }</pre>
 */
public final class ModelQuery {
  private final String nameGlob;
  private final Map<String, String> tags;
  private final String stage;

  private ModelQuery(String nameGlob, Map<String, String> tags, String stage) {
    this.nameGlob = nameGlob;
    this.tags = Map.copyOf(tags);
    this.stage = stage;
  }

  /** Every version of every model. */
  public static ModelQuery all() {
    return new ModelQuery("*", Map.of(), null);
  }

  /** Versions of models whose name matches the glob. */
  public static ModelQuery name(String glob) {
    if (glob == null
        || glob.isEmpty()
        || glob.length() > 256
        || !glob.matches("[A-Za-z0-9._*?-]+")) {
      throw new InvalidInputException(
          "name pattern", glob, "a glob of [A-Za-z0-9._-] with * and ? wildcards");
    }
    return new ModelQuery(glob, Map.of(), null);
  }

  /** Also require a version tag with this value. */
  public ModelQuery tag(String key, String value) {
    Tags.validate(key, value);
    Map<String, String> t = new LinkedHashMap<>(tags);
    t.put(key, value);
    return new ModelQuery(nameGlob, t, stage);
  }

  /** Also require this stage (case-insensitive for the built-in stages). */
  public ModelQuery stage(String stage) {
    return new ModelQuery(nameGlob, tags, ModelRef.validateStage(stage));
  }

  /** The name glob. */
  public String nameGlob() {
    return nameGlob;
  }

  /** Required version tags. */
  public Map<String, String> tags() {
    return tags;
  }

  /** Required stage. */
  public Optional<String> stage() {
    return Optional.ofNullable(stage);
  }

  @Override
  public String toString() {
    return "ModelQuery{name=" + nameGlob + ", tags=" + tags + ", stage=" + stage + "}";
  }
}
