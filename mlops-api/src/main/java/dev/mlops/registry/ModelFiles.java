package dev.mlops.registry;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The verified files of one model version in the model store, opened with {@link
 * ModelRegistry#open}. Read-only: never write under {@link #root()}. Immutable and thread-safe.
 */
public interface ModelFiles {
  /** The version. */
  ModelVersion version();

  /** The store folder holding the files (a single-file model holds one file). */
  Path root();

  /** Relative paths ({@code /}-separated) of every file, sorted. */
  List<String> files();

  /** The path of one file; {@link dev.mlops.NotFoundException} if the model has no such file. */
  Path path(String relativePath);

  /** Opens one file for reading. */
  InputStream open(String relativePath);

  /** The input/output schema given at registration. */
  Optional<ModelSignature> signature();
}
