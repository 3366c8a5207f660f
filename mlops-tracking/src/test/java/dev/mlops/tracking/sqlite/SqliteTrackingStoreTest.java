package dev.mlops.tracking.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mlops.spi.Database;
import dev.mlops.spi.TrackingStore;
import dev.mlops.spi.TrackingStoreContractTest;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The SQLite store passes the tracking store contract (inherited tests), and keeps its schema. */
class SqliteTrackingStoreTest extends TrackingStoreContractTest {
  @Override
  protected TrackingStore openStore(Path dir) {
    return new SqliteTrackingStore(
        Database.open("jdbc:sqlite:" + dir.resolve("mlops.db")),
        true,
        dir.resolve("artifacts").toUri());
  }

  @Test
  void theStoreLivesInTheGivenFileAtTheNewestSchemaVersion() {
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("mlops.db"))) {
      int version =
          db.read(
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement("SELECT version FROM mlops_schema WHERE component = ?")) {
                  ps.setString(1, Schema.COMPONENT);
                  try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : -1;
                  }
                }
              });
      assertThat(version).isEqualTo(Schema.MIGRATIONS.size());
    }
  }
}
