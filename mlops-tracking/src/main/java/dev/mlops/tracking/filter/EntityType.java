package dev.mlops.tracking.filter;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The kind of thing a filter or order clause names: {@code metrics.}, {@code params.}, ... */
public enum EntityType {
  METRIC("metrics"),
  PARAM("params"),
  TAG("tags"),
  ATTRIBUTE("attributes"),
  DATASET("datasets");

  private static final Map<String, EntityType> ALIASES =
      Map.ofEntries(
          Map.entry("metric", METRIC),
          Map.entry("metrics", METRIC),
          Map.entry("param", PARAM),
          Map.entry("params", PARAM),
          Map.entry("parameter", PARAM),
          Map.entry("parameters", PARAM),
          Map.entry("tag", TAG),
          Map.entry("tags", TAG),
          Map.entry("attribute", ATTRIBUTE),
          Map.entry("attributes", ATTRIBUTE),
          Map.entry("attr", ATTRIBUTE),
          Map.entry("run", ATTRIBUTE),
          Map.entry("dataset", DATASET),
          Map.entry("datasets", DATASET));

  private final String prefix;

  EntityType(String prefix) {
    this.prefix = prefix;
  }

  /** The canonical prefix, e.g. {@code metrics}. */
  public String prefix() {
    return prefix;
  }

  /** The type for a prefix or one of MLflow's aliases ({@code metric}, {@code attr}, ...). */
  public static Optional<EntityType> fromPrefix(String prefix) {
    return Optional.ofNullable(ALIASES.get(prefix.toLowerCase(Locale.ROOT)));
  }
}
