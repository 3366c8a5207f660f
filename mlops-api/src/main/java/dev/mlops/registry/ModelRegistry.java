package dev.mlops.registry;

import java.nio.file.Path;
import java.util.List;

/**
 * The model registry: versions, stages, aliases, lineage and promotion gates. Get it from {@code
 * Mlops.registry()}. Thread-safe.
 *
 * <p>References: {@code name@3}, {@code name@v1.2.0}, {@code name@latest}, {@code name@champion},
 * {@code name#production}, {@code models:/name/3}, {@code models:/name@champion}.
 */
public interface ModelRegistry {
  /** The version a reference points at; {@link dev.mlops.NotFoundException} if none. */
  ModelVersion resolve(String ref);

  /** Every version of a model, oldest first (deleted versions excluded). */
  List<ModelVersion> versions(String name);

  /**
   * Copies the files of the referenced version into {@code targetDir}, verifying the digest, and
   * returns the folder holding them.
   */
  Path download(String ref, Path targetDir);
}
