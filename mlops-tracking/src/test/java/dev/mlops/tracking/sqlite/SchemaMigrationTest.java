package dev.mlops.tracking.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.StoreException;
import dev.mlops.spi.Database;
import dev.mlops.spi.NewRun;
import dev.mlops.spi.RunMetric;
import dev.mlops.tracking.Metric;
import dev.mlops.tracking.Run;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.RunView;
import dev.mlops.versioning.DataVersion;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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

  private static final String R1 = "11111111111111111111111111111111";
  private static final String R2 = "22222222222222222222222222222222";
  private static final String R3 = "33333333333333333333333333333333";

  @Test
  void aVersion2DatabaseGetsSearchTablesThatAnswerAndStayInStep() {
    try (Database old = Database.open(url())) {
      old.migrate("tracking", SqliteTrackingStore.migrations().subList(0, 2));
      old.useWrite(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute(
                  "INSERT INTO experiments (experiment_id, name, artifact_location, creation_time,"
                      + " last_update_time) VALUES (1, 'old', 'file:/tmp/a/1', 1, 1)");
              String[][] runs = {{R1, "one", "10"}, {R2, "two", "20"}, {R3, "three", "30"}};
              for (String[] r : runs) {
                s.execute(
                    "INSERT INTO runs (run_id, experiment_id, name, status, start_time,"
                        + " artifact_uri) VALUES ('"
                        + r[0]
                        + "', 1, '"
                        + r[1]
                        + "', 'FINISHED', "
                        + r[2]
                        + ", 'file:/tmp/a/1/"
                        + r[0]
                        + "')");
                s.execute(
                    "INSERT INTO tags VALUES ('" + r[0] + "', 'mlflow.runName', '" + r[1] + "')");
              }
              // latest values: R1 acc 0.9, R2 acc NaN (kind 1), R3 acc -0.0 (kind 2)
              s.execute("INSERT INTO latest_metrics VALUES ('" + R1 + "', 'acc', 3, 1, 0, 0.9)");
              s.execute("INSERT INTO latest_metrics VALUES ('" + R2 + "', 'acc', 3, 1, 1, 0.0)");
              s.execute("INSERT INTO latest_metrics VALUES ('" + R3 + "', 'acc', 3, 1, 2, 0.0)");
              s.execute("INSERT INTO params VALUES ('" + R1 + "', 'lr', '0.1')");
              s.execute("INSERT INTO params VALUES ('" + R2 + "', 'lr', '0.1')");
              s.execute("INSERT INTO params VALUES ('" + R3 + "', 'lr', '0.2')");
              s.execute("INSERT INTO tags VALUES ('" + R2 + "', 'team', 'growth')");
              // metric history rows (before migration 4): 0.9, NaN, -0.0, 0.5
              String[] history = {"3, 1, 0, 0.9", "1, 1, 1, 0.0", "1, 1, 2, 0.0", "1, 1, 0, 0.5"};
              for (String h : history) {
                s.execute("INSERT INTO metrics VALUES ('" + R1 + "', 'acc', " + h + ")");
              }
            }
          });
      assertThat(version(old)).isEqualTo(2);
    }
    try (Database db = Database.open(url());
        SqliteTrackingStore store = new SqliteTrackingStore(db, false, dir.resolve("a").toUri())) {
      assertThat(version(db)).isEqualTo(SqliteTrackingStore.migrations().size());
      assertThat(names(store, RunQuery.in("old").orderBy("metrics.acc DESC")))
          .containsExactly("one", "three", "two"); // NaN orders as missing: last
      assertThat(names(store, RunQuery.in("old").filter("metrics.acc >= 0")))
          .containsExactly("three", "one");
      assertThat(names(store, RunQuery.in("old").filter("metrics.acc = 0")))
          .containsExactly("three"); // -0.0 = 0, NaN matches nothing
      assertThat(names(store, RunQuery.in("old").filter("params.lr = '0.1'")))
          .containsExactly("two", "one");
      assertThat(names(store, RunQuery.in("old").filter("tags.team LIKE 'gr%'")))
          .containsExactly("two");
      assertThat(names(store, RunQuery.in("old").orderBy("params.lr DESC", "run_name")))
          .containsExactly("three", "one", "two");
      assertThat(store.run(R3).orElseThrow().metrics().get("acc")).isEqualTo(-0.0);

      // new writes after the migration reach the search tables (triggers)
      store.logMetrics(List.of(new RunMetric(R2, "acc", 0.95, 4, 1)));
      store.logMetrics(List.of(new RunMetric(R1, "acc", 0.1, 2, 9))); // older step: not latest
      store.logMetrics(
          List.of(
              new RunMetric(R1, "acc", 0.9, 3, 1), // a duplicate of a row: dropped
              new RunMetric(R1, "acc", 0.25, 1, 1),
              new RunMetric(R1, "acc", Double.NaN, 1, 1))); // a duplicate NaN: dropped
      assertThat(store.metricHistory(R1, "acc"))
          .containsExactly(
              new Metric("acc", 0.25, 1, 1),
              new Metric("acc", 0.5, 1, 1),
              new Metric("acc", Double.NaN, 1, 1),
              new Metric("acc", -0.0, 1, 1),
              new Metric("acc", 0.1, 2, 9),
              new Metric("acc", 0.9, 3, 1));
      store.logParams(R3, Map.of("epochs", "5"));
      store.setTags(R1, Map.of("team", "growth"));
      store.setTags(R2, Map.of("team", "core", "mlflow.runName", "two-b"));
      store.deleteRun(R3);
      assertThat(names(store, RunQuery.in("old").orderBy("metrics.acc DESC")))
          .containsExactly("two-b", "one");
      assertThat(names(store, RunQuery.in("old").filter("tags.team = 'growth'")))
          .containsExactly("one");
      assertThat(names(store, RunQuery.in("old").filter("attributes.run_name = 'two-b'")))
          .containsExactly("two-b");
      assertThat(
              names(
                  store,
                  RunQuery.in("old").filter("params.epochs = '5'").view(RunView.DELETED_ONLY)))
          .containsExactly("three");
      Run created =
          store.createRun(
              new NewRun(
                  store.experimentByName("old").orElseThrow().id(), "four", null, 40, Map.of()));
      store.logMetrics(List.of(new RunMetric(created.id(), "acc", 2.0, 0, 1)));
      assertThat(names(store, RunQuery.in("old").filter("metrics.acc > 0.5")))
          .containsExactly("four", "two-b", "one");
    }
  }

  private static List<String> names(SqliteTrackingStore store, RunQuery q) {
    return store.searchRuns(q).items().stream().map(Run::name).collect(Collectors.toList());
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
