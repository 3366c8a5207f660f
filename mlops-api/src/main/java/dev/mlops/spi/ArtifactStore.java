package dev.mlops.spi;

import dev.mlops.tracking.ArtifactInfo;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where run artifacts are kept (a folder, S3). A run's artifacts live under its artifact root URI
 * ({@code Run.artifactUri()}); paths inside it are relative, {@code /}-separated and confined to
 * it: {@code ..}, absolute paths and symlinks leading out are rejected with {@link
 * dev.mlops.InvalidInputException}. Chosen by the scheme of {@code artifacts.uri} through an {@link
 * ArtifactStoreProvider}. Thread-safe; passes {@code ArtifactStoreContractTest}.
 */
public interface ArtifactStore {
  /** The root URI this store serves; run roots are below it. */
  URI root();

  /**
   * Copies a file or folder (recursively) to {@code artifactPath} under {@code runRoot}, keeping
   * its file name; {@code artifactPath} "" means the run root. Each file is written atomically.
   */
  void put(URI runRoot, Path source, String artifactPath);

  /** The entries directly under {@code path} ("" for the root), sorted by path; empty if none. */
  List<ArtifactInfo> list(URI runRoot, String path);

  /**
   * Copies the artifact at {@code path} ("" for everything) into the folder {@code target} and
   * returns the copied file or folder ({@code target} itself for ""). {@link
   * dev.mlops.NotFoundException} if there is no such artifact.
   */
  Path download(URI runRoot, String path, Path target);
}
