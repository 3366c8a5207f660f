package dev.mlops.pipeline;

import dev.mlops.InvalidInputException;
import java.util.List;

/**
 * Params a stage depends on: dotted keys of one params file (YAML or JSON).
 *
 * @param file the params file relative to the stage's {@code wdir} ({@code params.yaml} by default)
 * @param keys dotted keys ({@code train.lr}); empty = the whole file
 */
public record ParamsDependency(String file, List<String> keys) {
  /** The default params file name. */
  public static final String DEFAULT_FILE = "params.yaml";

  public ParamsDependency {
    if (file == null || file.isBlank()) {
      throw new InvalidInputException("params file", file, "a relative path such as params.yaml");
    }
    keys = List.copyOf(keys);
    for (String k : keys) {
      if (k == null || k.isBlank()) {
        throw new InvalidInputException("params key", k, "a dotted key such as train.lr");
      }
    }
  }

  /** Whether the whole file is tracked. */
  public boolean wholeFile() {
    return keys.isEmpty();
  }
}
