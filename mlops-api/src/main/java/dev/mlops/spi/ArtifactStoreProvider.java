package dev.mlops.spi;

import java.util.Set;

/**
 * Opens an {@link ArtifactStore} for the URI schemes it supports. Listed in {@code
 * META-INF/services/dev.mlops.spi.ArtifactStoreProvider}.
 */
public interface ArtifactStoreProvider {
  /** The URI schemes served, lower case, e.g. {@code file}. */
  Set<String> schemes();

  /** Opens the store rooted at {@code uri} (the value of {@code artifacts.uri}). */
  ArtifactStore open(String uri, ModuleContext context);
}
