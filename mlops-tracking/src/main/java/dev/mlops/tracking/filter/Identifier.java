package dev.mlops.tracking.filter;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named field: {@code metrics.accuracy}, {@code params.lr}, {@code attributes.start_time}.
 * Attribute keys are canonical ({@code created} becomes {@code start_time}).
 *
 * @param type what kind of field
 * @param key the key
 */
public record Identifier(EntityType type, String key) {
  private static final Pattern BARE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

  public Identifier {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
  }

  @Override
  public String toString() {
    String quoted;
    if (BARE.matcher(key).matches()) {
      quoted = key;
    } else if (key.indexOf('`') < 0) {
      quoted = "`" + key + "`";
    } else {
      quoted = "\"" + key.replace("\"", "\"\"") + "\"";
    }
    return type.prefix() + "." + quoted;
  }
}
