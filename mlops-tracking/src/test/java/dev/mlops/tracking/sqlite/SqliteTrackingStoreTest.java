package dev.mlops.tracking.sqlite;

import dev.mlops.spi.Database;
import dev.mlops.spi.TrackingStore;
import dev.mlops.spi.TrackingStoreContractTest;
import java.nio.file.Path;

/** The SQLite store passes the tracking store contract. */
class SqliteTrackingStoreTest extends TrackingStoreContractTest {
  @Override
  protected TrackingStore openStore(Path dir) {
    return new SqliteTrackingStore(
        Database.open("jdbc:sqlite:" + dir.resolve("mlops.db")),
        true,
        dir.resolve("artifacts").toUri());
  }
}
