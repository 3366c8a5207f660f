package dev.mlops.registry.internal;

import dev.mlops.StoreException;
import dev.mlops.registry.ModelFiles;
import dev.mlops.registry.ModelSignature;
import dev.mlops.registry.ModelVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A verified model folder in the store. Immutable. */
final class StoredModelFiles implements ModelFiles {
  private final ModelVersion version;
  private final Path root;
  private final List<ModelStore.Entry> manifest;
  private final Optional<ModelSignature> signature;

  StoredModelFiles(
      ModelVersion version,
      Path root,
      List<ModelStore.Entry> manifest,
      Optional<ModelSignature> signature) {
    this.version = version;
    this.root = root;
    this.manifest = List.copyOf(manifest);
    this.signature = signature;
  }

  @Override
  public ModelVersion version() {
    return version;
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public List<String> files() {
    List<String> out = new ArrayList<>();
    manifest.forEach(e -> out.add(e.path()));
    return List.copyOf(out);
  }

  @Override
  public Path path(String relativePath) {
    return root.resolve(ModelStore.entry(manifest, relativePath, version.digest()).path());
  }

  @Override
  public InputStream open(String relativePath) {
    Path p = path(relativePath);
    try {
      return Files.newInputStream(p);
    } catch (IOException e) {
      throw new StoreException("cannot read " + p + " of " + version.name() + ": " + e, e);
    }
  }

  @Override
  public Optional<ModelSignature> signature() {
    return signature;
  }

  @Override
  public String toString() {
    return "ModelFiles{" + version.name() + "@" + version.version() + ", " + root + "}";
  }
}
