package dev.mlops.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mlops.StoreException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  private Database open() {
    return Database.open("jdbc:sqlite:" + dir.resolve("t.db"));
  }

  private static long count(Database db, String table) {
    return db.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Test
  void migrationsRunOnceInOrderAndAnOlderSchemaIsUpgraded() {
    List<String> v1 = List.of("CREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);");
    try (Database db = open()) {
      assertThat(db.migrate("comp", v1)).isZero();
      assertThat(db.migrate("comp", v1)).isEqualTo(1);
    }
    List<String> v2 = new ArrayList<>(v1);
    v2.add("ALTER TABLE a ADD COLUMN y TEXT;\nUPDATE a SET y = 'migrated';");
    try (Database db = open()) {
      assertThat(db.migrate("comp", v2)).isEqualTo(1);
      String y =
          db.read(
              c -> {
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT y FROM a")) {
                  rs.next();
                  return rs.getString(1);
                }
              });
      assertThat(y).isEqualTo("migrated");
      assertThat(count(db, "a")).isEqualTo(1);
    }
  }

  @Test
  void aNewerSchemaIsRefusedWithAClearMessage() {
    try (Database db = open()) {
      db.migrate("comp", List.of("CREATE TABLE a (x INTEGER)", "CREATE TABLE b (x INTEGER)"));
    }
    try (Database db = open()) {
      assertThatThrownBy(() -> db.migrate("comp", List.of("CREATE TABLE a (x INTEGER)")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("schema version 2 of comp")
          .hasMessageContaining("newer");
    }
  }

  @Test
  void aFailedMigrationLeavesTheSchemaAsItWas() {
    try (Database db = open()) {
      assertThatThrownBy(
              () -> db.migrate("comp", List.of("CREATE TABLE a (x INTEGER);\nNOT SQL AT ALL;")))
          .isInstanceOf(StoreException.class);
      assertThat(db.migrate("comp", List.of("CREATE TABLE a (x INTEGER)"))).isZero();
    }
  }

  @Test
  void aWriteThatThrowsIsRolledBack() {
    try (Database db = open()) {
      db.migrate("comp", List.of("CREATE TABLE a (x INTEGER)"));
      assertThatThrownBy(
              () ->
                  db.useWrite(
                      c -> {
                        try (Statement s = c.createStatement()) {
                          s.execute("INSERT INTO a VALUES (1)");
                        }
                        throw new IllegalStateException("boom");
                      }))
          .hasMessage("boom");
      assertThat(count(db, "a")).isZero();
    }
  }

  @Test
  void concurrentWritersFromTwoConnectionsNeverSeeLockedErrors() throws Exception {
    Database a = open();
    Database b = open(); // a second Database stands for a second process: its own connections
    try (a;
        b) {
      a.migrate("comp", List.of("CREATE TABLE a (x INTEGER)"));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Database db = t % 2 == 0 ? a : b;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    int v = i;
                    db.useWrite(
                        c -> {
                          try (PreparedStatement ps =
                              c.prepareStatement("INSERT INTO a VALUES (?)")) {
                            ps.setInt(1, v);
                            ps.executeUpdate();
                          }
                        });
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertThat(count(a, "a")).isEqualTo(1600);
    }
  }

  @Test
  void statementsSplitAtSemicolonsThatEndALine() {
    assertThat(Database.splitStatements("A;\nB ; \n\nC")).containsExactly("A", "B", "C");
    assertThat(Database.splitStatements("INSERT INTO t VALUES ('a;b')")).hasSize(1);
  }

  @Test
  void aWrongUrlFailsAtOpenNamingTheDriverToAdd() {
    assertThatThrownBy(() -> Database.open("jdbc:nosuch://x"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no JDBC driver");
  }
}
