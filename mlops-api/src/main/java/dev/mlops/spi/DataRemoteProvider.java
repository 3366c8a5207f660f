package dev.mlops.spi;

import java.net.URI;
import java.util.Set;

/**
 * Creates {@link DataRemote}s for some URI schemes ({@code file}, later {@code s3}). Listed in
 * {@code META-INF/services/dev.mlops.spi.DataRemoteProvider}. Implementations must be thread-safe.
 */
public interface DataRemoteProvider {
  /** The lower-case URI schemes this provider handles, e.g. {@code file}. */
  Set<String> schemes();

  /**
   * Opens a remote.
   *
   * @throws dev.mlops.InvalidInputException when the URI is not usable (names what is wrong)
   */
  DataRemote open(URI uri);
}
