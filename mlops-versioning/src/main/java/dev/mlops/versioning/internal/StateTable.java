package dev.mlops.versioning.internal;

import dev.mlops.spi.Database;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Remembered hashes, as DVC's state DB: a row per (path, hash name) with the inode, mtime and size
 * the file had when hashed. A file whose stat still matches is not re-hashed. Thread-safe.
 */
public final class StateTable {
  static final List<String> MIGRATIONS =
      List.of(
          "CREATE TABLE versioning_state (path VARCHAR(4096) NOT NULL, algo VARCHAR(20) NOT NULL,"
              + " inode VARCHAR(100) NOT NULL, mtime_ns BIGINT NOT NULL, size BIGINT NOT NULL,"
              + " md5 VARCHAR(40) NOT NULL, PRIMARY KEY (path, algo))");

  /** The stat of a file as the state table keys it. */
  public record Stat(String inode, long mtimeNs, long size) {
    public static Stat of(BasicFileAttributes a) {
      Object key = a.fileKey();
      return new Stat(
          key == null ? "" : key.toString(),
          a.lastModifiedTime().to(TimeUnit.NANOSECONDS),
          a.size());
    }
  }

  /** A hash to remember. */
  public record Row(String path, Stat stat, String md5) {}

  private final Database db;

  public StateTable(Database db) {
    this.db = db;
    db.migrate("versioning", MIGRATIONS);
  }

  /** The remembered hash of a file, if its stat is unchanged. */
  public Optional<String> lookup(Path file, Stat stat, String algo) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT inode, mtime_ns, size, md5 FROM versioning_state WHERE path = ? AND algo = ?")) {
            ps.setString(1, file.toString());
            ps.setString(2, algo);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()
                  && new Stat(rs.getString(1), rs.getLong(2), rs.getLong(3)).equals(stat)) {
                return Optional.of(rs.getString(4));
              }
              return Optional.<String>empty();
            }
          }
        });
  }

  /** Every remembered row under a folder, keyed by absolute path. */
  public Map<String, Row> under(Path dir, String algo) {
    String lo = dir.toString() + "/";
    String hi = dir.toString() + "0"; // '0' follows '/' in every collation that matters here
    return db.read(
        c -> {
          Map<String, Row> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT path, inode, mtime_ns, size, md5 FROM versioning_state"
                      + " WHERE algo = ? AND path >= ? AND path < ?")) {
            ps.setString(1, algo);
            ps.setString(2, lo);
            ps.setString(3, hi);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                String p = rs.getString(1);
                out.put(
                    p,
                    new Row(
                        p,
                        new Stat(rs.getString(2), rs.getLong(3), rs.getLong(4)),
                        rs.getString(5)));
              }
            }
          }
          return out;
        });
  }

  /** Remembers hashes, in one transaction. */
  public void record(List<Row> rows, String algo) {
    if (rows.isEmpty()) {
      return;
    }
    db.useWrite(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO versioning_state (path, algo, inode, mtime_ns, size, md5)"
                      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path, algo) DO UPDATE SET"
                      + " inode = excluded.inode, mtime_ns = excluded.mtime_ns,"
                      + " size = excluded.size, md5 = excluded.md5")) {
            int n = 0;
            for (Row r : rows) {
              ps.setString(1, r.path());
              ps.setString(2, algo);
              ps.setString(3, r.stat().inode());
              ps.setLong(4, r.stat().mtimeNs());
              ps.setLong(5, r.stat().size());
              ps.setString(6, r.md5());
              ps.addBatch();
              if (++n % 10_000 == 0) {
                ps.executeBatch();
              }
            }
            ps.executeBatch();
          }
        });
  }
}
