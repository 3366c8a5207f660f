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
          "name pattern",
          glob,
          "a glob of [A-Za-z0-9._-] with * and ? wildcards (nameLike takes SQL LIKE patterns)");
    }
    return new ModelQuery(glob, Map.of(), null);
  }

  /**
   * Versions of models whose name matches an SQL {@code LIKE} pattern, as MLflow's {@code name LIKE
   * 'churn%'}: {@code %} any run of characters, {@code _} one character, case-sensitive; a
   * backslash makes the next character literal ({@code churn\_v%} needs an underscore).
   */
  public static ModelQuery nameLike(String pattern) {
    return new ModelQuery(likeToGlob(pattern, false), Map.of(), null);
  }

  /** Like {@link #nameLike} but ignoring case, as MLflow's {@code ILIKE}. */
  public static ModelQuery nameILike(String pattern) {
    return new ModelQuery(likeToGlob(pattern, true), Map.of(), null);
  }

  private static String likeToGlob(String pattern, boolean ignoreCase) {
    if (pattern == null
        || pattern.isEmpty()
        || pattern.length() > 256
        || !pattern.matches("(?:[A-Za-z0-9.%_-]|\\\\[A-Za-z0-9.%_\\\\-])+")) {
      throw new InvalidInputException(
          "name pattern",
          pattern,
          "an SQL LIKE pattern of [A-Za-z0-9._-] with % and _ wildcards and \\ before a literal"
              + " % or _");
    }
    StringBuilder glob = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch == '\\') {
        char lit = pattern.charAt(++i);
        // a model name never holds '%' or a backslash: a bracket class keeps them literal in GLOB
        glob.append(lit == '%' || lit == '\\' ? "[" + lit + "]" : literal(lit, ignoreCase));
      } else if (ch == '%') {
        glob.append('*');
      } else if (ch == '_') {
        glob.append('?');
      } else {
        glob.append(literal(ch, ignoreCase));
      }
    }
    return glob.toString();
  }

  private static String literal(char ch, boolean ignoreCase) {
    if (ignoreCase && Character.isLetter(ch)) {
      return "[" + Character.toLowerCase(ch) + Character.toUpperCase(ch) + "]";
    }
    return String.valueOf(ch);
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

  /** The name pattern as an SQLite {@code GLOB} (a LIKE pattern is translated to one). */
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
