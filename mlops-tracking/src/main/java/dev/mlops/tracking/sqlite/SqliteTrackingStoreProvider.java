package dev.mlops.tracking.sqlite;

import dev.mlops.InvalidInputException;
import dev.mlops.MlopsConfig;
import dev.mlops.spi.Database;
import dev.mlops.spi.ModuleContext;
import dev.mlops.spi.TrackingStore;
import dev.mlops.spi.TrackingStoreProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Serves {@code sqlite:<path>} tracking URIs ({@code sqlite:///abs/path.db} is accepted too). The
 * home's own {@code mlops.db} is the shared database of the {@link ModuleContext}; another file
 * gets its own connection pool.
 */
public final class SqliteTrackingStoreProvider implements TrackingStoreProvider {
  @Override
  public Set<String> schemes() {
    return Set.of("sqlite");
  }

  @Override
  public TrackingStore open(String uri, ModuleContext context) {
    Path file = path(uri, context.config().workspace());
    URI artifacts =
        URI.create(
            context
                .config()
                .get(MlopsConfig.ARTIFACTS_URI)
                .orElse(context.home().resolve("artifacts").toUri().toString()));
    Path shared = context.home().resolve("mlops.db").toAbsolutePath().normalize();
    if (file.equals(shared)) {
      return new SqliteTrackingStore(context.database(), false, artifacts);
    }
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
    } catch (java.io.IOException e) {
      throw new InvalidInputException(
          MlopsConfig.TRACKING_URI, uri, "a sqlite: URI whose folder can be created", e);
    }
    return new SqliteTrackingStore(Database.open("jdbc:sqlite:" + file), true, artifacts);
  }

  /** The database file of a {@code sqlite:} URI, relative paths resolved against {@code base}. */
  static Path path(String uri, Path base) {
    String rest = uri.substring(uri.indexOf(':') + 1);
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.isBlank()) {
      throw new InvalidInputException(
          MlopsConfig.TRACKING_URI, uri, "sqlite:<path to a database file>");
    }
    return base.resolve(rest).toAbsolutePath().normalize();
  }
}
