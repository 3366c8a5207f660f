package dev.mlops.pipeline;

import dev.mlops.InvalidInputException;

/**
 * An output of a stage: a plain out, a metrics file or a plots file.
 *
 * @param path relative to the stage's {@code wdir}, {@code /}-separated, as written
 * @param kind which list it is declared in ({@code outs}, {@code metrics}, {@code plots})
 * @param cache whether it is stored in the cache after the stage runs (DVC default true; false for
 *     metrics declared with {@code cache: false})
 * @param persist whether it is kept (not deleted) before the stage runs (default false)
 */
public record Output(String path, Kind kind, boolean cache, boolean persist) {
  /** Which section of a stage an output is declared in. */
  public enum Kind {
    OUT,
    METRIC,
    PLOT
  }

  public Output {
    if (path == null || path.isBlank()) {
      throw new InvalidInputException("outs", path, "a relative path");
    }
    if (kind == null) {
      throw new InvalidInputException("kind", null, "OUT, METRIC or PLOT");
    }
    path = path.replace('\\', '/');
  }

  /** A cached, non-persistent plain output. */
  public static Output of(String path) {
    return new Output(path, Kind.OUT, true, false);
  }
}
