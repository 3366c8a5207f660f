package dev.mlops.tracking.file;

import dev.mlops.spi.ArtifactStore;
import dev.mlops.spi.ArtifactStoreProvider;
import dev.mlops.spi.ModuleContext;
import java.util.Set;

/** Serves {@code file:} artifact URIs (and plain paths). */
public final class FileArtifactStoreProvider implements ArtifactStoreProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  @Override
  public ArtifactStore open(String uri, ModuleContext context) {
    return new FileArtifactStore(FileArtifactStore.toPath(uri, context.workspace()));
  }
}
