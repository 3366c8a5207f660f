package dev.mlops.spi;

import java.util.Set;

/**
 * Opens a {@link TrackingStore} for the URI schemes it supports. Listed in {@code
 * META-INF/services/dev.mlops.spi.TrackingStoreProvider}.
 */
public interface TrackingStoreProvider {
  /** The URI schemes served, lower case, e.g. {@code sqlite}. */
  Set<String> schemes();

  /**
   * Opens the store at {@code uri} (the value of {@code tracking.uri}); the artifact root comes
   * from the context's configuration ({@code artifacts.uri}).
   */
  TrackingStore open(String uri, ModuleContext context);
}
