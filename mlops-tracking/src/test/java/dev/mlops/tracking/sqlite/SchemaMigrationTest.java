package dev.mlops.tracking.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.StoreException;
import dev.mlops.spi.Database;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationTest {
  @TempDir Path dir;

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("mlops.db");
  }

  private int version(Database db) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT version FROM mlops_schema WHERE component = 'tracking'")) {
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getInt(1) : 0;
            }
          }
        });
  }

  @Test
  void anOlderSchemaIsMigratedAndKeepsItsData() {
    try (Database old = Database.open(url())) {
      old.migrate("tracking", SqliteTrackingStore.migrations().subList(0, 1));
      old.useWrite(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute(
                  "INSERT INTO experiments (experiment_id, name, artifact_location, creation_time,"
                      + " last_update_time) VALUES (1, 'old', 'file:/tmp/a/1', 1, 1)");
              s.execute(
                  "INSERT INTO runs (run_id, experiment_id, name, status, start_time,"
                      + " artifact_uri) VALUES ('0123456789abcdef0123456789abcdef', 1, 'legacy',"
                      + " 'FINISHED', 5, 'file:/tmp/a/1/r')");
              s.execute(
                  "INSERT INTO latest_metrics VALUES ('0123456789abcdef0123456789abcdef', 'acc',"
                      + " 0, 1, 0, 0.9)");
            }
          });
      assertThat(version(old)).isEqualTo(1);
    }
    try (Database db = Database.open(url());
        SqliteTrackingStore store = new SqliteTrackingStore(db, false, dir.resolve("a").toUri())) {
      assertThat(version(db)).isEqualTo(SqliteTrackingStore.migrations().size());
      Run legacy = store.run("0123456789abcdef0123456789abcdef").orElseThrow();
      assertThat(legacy.name()).isEqualTo("legacy");
      assertThat(legacy.metrics()).containsEntry("acc", 0.9);
      DataVersion v = new DataVersion("d.csv", "00112233445566778899aabbccddeeff", 1, null);
      store.logInputs(legacy.id(), List.of(v));
      assertThat(store.inputs(legacy.id())).containsExactly(v);
      assertThat(store.searchRuns(RunQuery.in("old").filter("metrics.acc > 0.5")).items())
          .hasSize(1);
    }
  }

  @Test
  void aNewerSchemaIsRefusedWithAClearMessage() {
    try (Database db = Database.open(url())) {
      db.migrate("tracking", SqliteTrackingStore.migrations());
      db.useWrite(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute("UPDATE mlops_schema SET version = 99 WHERE component = 'tracking'");
            }
          });
    }
    try (Database db = Database.open(url())) {
      assertThatThrownBy(() -> new SqliteTrackingStore(db, false, dir.toUri()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("99")
          .hasMessageContaining("newer")
          .hasMessageContaining("upgrade");
    }
  }
}
