package dev.mlops.spi;

import dev.mlops.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDBC database shared by the modules of one home: SQLite in WAL mode by default, PostgreSQL for
 * a team. Thread-safe.
 *
 * <p>Writes run in {@link #write} as one transaction on a single writer connection; in-process
 * writers queue on a lock, other processes are waited for ({@code busy_timeout}) and a transaction
 * that still meets {@code SQLITE_BUSY} (or a PostgreSQL serialization failure) is rolled back and
 * retried with backoff, so callers never see "database is locked". The function passed to {@code
 * write} may therefore run more than once and must have no effect outside the database. Reads run
 * in {@link #read} on pooled connections that do not block writers.
 *
 * <p>Schemas are versioned per component with {@link #migrate}.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int MAX_IDLE_READERS = 4;
  private static final long RETRY_BUDGET_MS = 120_000;

  /** Work on a connection; may throw {@link SQLException}. */
  @FunctionalInterface
  public interface SqlFunction<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** Work on a connection with no result. */
  @FunctionalInterface
  public interface SqlConsumer {
    void accept(Connection connection) throws SQLException;
  }

  private final String url;
  private final boolean sqlite;
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private final Deque<Connection> idleReaders = new ArrayDeque<>();
  private Connection writer;
  private volatile boolean closed;

  private Database(String url) {
    this.url = url;
    this.sqlite = url.startsWith("jdbc:sqlite:");
  }

  /**
   * Opens a database by JDBC URL ({@code jdbc:sqlite:/path/mlops.db} or {@code
   * jdbc:postgresql://...}); the driver must be on the classpath. The first connection is made
   * here, so a wrong URL fails now.
   */
  public static Database open(String jdbcUrl) {
    Database db = new Database(jdbcUrl);
    db.read(c -> null);
    return db;
  }

  /** The JDBC URL, without credentials. */
  public String url() {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
  }

  /** Whether this is a SQLite database (else PostgreSQL). */
  public boolean isSqlite() {
    return sqlite;
  }

  /** Runs {@code work} in one transaction and commits; retried on lock contention. */
  public <T> T write(SqlFunction<T> work) {
    long deadline = System.currentTimeMillis() + RETRY_BUDGET_MS;
    int attempt = 0;
    while (true) {
      writeLock.lock();
      try {
        Connection c = null;
        try {
          c = writer();
          begin(c);
          T result = work.apply(c);
          commit(c);
          return result;
        } catch (SQLException e) {
          rollbackQuietly(c);
          if (!isRetryable(e) || System.currentTimeMillis() > deadline) {
            throw new StoreException(
                "database write failed on " + url() + ": " + e.getMessage(), e);
          }
          log.debug("write busy (attempt {}), retrying: {}", attempt, e.getMessage());
        } catch (RuntimeException | Error e) {
          rollbackQuietly(c);
          throw e;
        }
      } finally {
        writeLock.unlock();
      }
      backoff(attempt++);
    }
  }

  /** Like {@link #write(SqlFunction)} with no result. */
  public void useWrite(SqlConsumer work) {
    write(
        c -> {
          work.accept(c);
          return null;
        });
  }

  /** Runs {@code work} on a read connection (autocommit); retried on lock contention. */
  public <T> T read(SqlFunction<T> work) {
    long deadline = System.currentTimeMillis() + RETRY_BUDGET_MS;
    int attempt = 0;
    while (true) {
      Connection c = borrowReader();
      boolean healthy = true;
      try {
        return work.apply(c);
      } catch (SQLException e) {
        if (!isRetryable(e) || System.currentTimeMillis() > deadline) {
          healthy = !isConnectionError(e);
          throw new StoreException("database read failed on " + url() + ": " + e.getMessage(), e);
        }
      } finally {
        returnReader(c, healthy);
      }
      backoff(attempt++);
    }
  }

  /**
   * Brings {@code component}'s tables up to date. {@code migrations.get(i)} moves the schema from
   * version i to i+1 and may hold several statements separated by {@code ;} at line ends. Opening a
   * database whose schema is newer than {@code migrations.size()} fails with a message saying so.
   *
   * @return the schema version before migrating (0 for a new database)
   */
  public int migrate(String component, List<String> migrations) {
    return write(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE IF NOT EXISTS mlops_schema (component VARCHAR(100) PRIMARY KEY,"
                    + " version INTEGER NOT NULL)");
          }
          int current = 0;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT version FROM mlops_schema WHERE component = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                current = rs.getInt(1);
              }
            }
          }
          if (current > migrations.size()) {
            throw new StoreException(
                "the database "
                    + url()
                    + " has schema version "
                    + current
                    + " of "
                    + component
                    + ", newer than this version of mlops-java knows ("
                    + migrations.size()
                    + "): upgrade dev.mlops:mlops-"
                    + component
                    + " or open another home");
          }
          for (int v = current; v < migrations.size(); v++) {
            for (String sql : splitStatements(migrations.get(v))) {
              try (Statement s = c.createStatement()) {
                s.execute(sql);
              }
            }
          }
          if (current < migrations.size()) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    current == 0
                        ? "INSERT INTO mlops_schema (version, component) VALUES (?, ?)"
                        : "UPDATE mlops_schema SET version = ? WHERE component = ?")) {
              ps.setInt(1, migrations.size());
              ps.setString(2, component);
              ps.executeUpdate();
            }
            log.info(
                "migrated {} schema from version {} to {} in {}",
                component,
                current,
                migrations.size(),
                url());
          }
          return current;
        });
  }

  static List<String> splitStatements(String script) {
    List<String> out = new ArrayList<>();
    for (String part : script.split(";\\s*(\\r?\\n|$)")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  // SQLite: the writer stays in autocommit mode and brackets each transaction itself, because
  // sqlite-jdbc in manual-commit mode begins the next transaction right after COMMIT; with
  // BEGIN IMMEDIATE that would hold the write lock between transactions and starve other processes.
  private void begin(Connection c) throws SQLException {
    if (sqlite) {
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
    }
  }

  private void commit(Connection c) throws SQLException {
    if (sqlite) {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    } else {
      c.commit();
    }
  }

  private void rollbackQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      if (sqlite) {
        // fails harmlessly ("no transaction is active") when BEGIN itself failed
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        }
      } else {
        c.rollback();
      }
    } catch (SQLException e) {
      log.debug("rollback: {}", e.getMessage());
    }
  }

  private Connection writer() throws SQLException {
    if (closed) {
      throw new StoreException("the database " + url() + " is closed");
    }
    if (writer == null || writer.isClosed()) {
      writer = connect();
      writer.setAutoCommit(sqlite);
    }
    return writer;
  }

  private Connection borrowReader() {
    if (closed) {
      throw new StoreException("the database " + url() + " is closed");
    }
    synchronized (idleReaders) {
      Connection c = idleReaders.pollFirst();
      if (c != null) {
        return c;
      }
    }
    try {
      return connect();
    } catch (SQLException e) {
      throw new StoreException("cannot open the database " + url() + ": " + e.getMessage(), e);
    }
  }

  private void returnReader(Connection c, boolean healthy) {
    synchronized (idleReaders) {
      if (healthy && !closed && idleReaders.size() < MAX_IDLE_READERS) {
        idleReaders.addFirst(c);
        return;
      }
    }
    closeQuietly(c);
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    if (sqlite) {
      // read by sqlite-jdbc as pragmas set on every new connection
      p.setProperty("journal_mode", "WAL");
      p.setProperty("synchronous", "NORMAL");
      p.setProperty("busy_timeout", "30000");
      p.setProperty("foreign_keys", "true");
    }
    try {
      return DriverManager.getConnection(url, p);
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("No suitable driver")) {
        throw new StoreException(
            "no JDBC driver for "
                + url()
                + " on the classpath: add org.xerial:sqlite-jdbc or org.postgresql:postgresql",
            e);
      }
      throw e;
    }
  }

  private static boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        SQLException s = (SQLException) t;
        String msg = String.valueOf(s.getMessage());
        int code = s.getErrorCode() & 0xff;
        if (code == 5
            || code == 6
            || msg.contains("SQLITE_BUSY")
            || msg.contains("SQLITE_LOCKED")) {
          return true;
        }
        if ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isConnectionError(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("08");
  }

  private static void backoff(int attempt) {
    long max = Math.min(200, 2L << Math.min(attempt, 6));
    try {
      Thread.sleep(1 + ThreadLocalRandom.current().nextLong(max));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the database", e);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("close failed", e);
    }
  }

  /** Closes every connection. Idempotent. */
  @Override
  public void close() {
    closed = true;
    writeLock.lock();
    try {
      if (writer != null) {
        closeQuietly(writer);
        writer = null;
      }
    } finally {
      writeLock.unlock();
    }
    synchronized (idleReaders) {
      idleReaders.forEach(Database::closeQuietly);
      idleReaders.clear();
    }
  }
}
